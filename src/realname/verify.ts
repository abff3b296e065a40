/**
 * Verifying an account: the *means* half of a service policy.
 *
 * 1. The method must be one the service accepts; the fields must be in its scope; the inputs the
 *    method needs must be present and valid (checked here, so a typo is not billed).
 * 2. The network-identity method takes no plaintext identity at all (2025 Measures): a request
 *    that carries a name or ID number with it is refused with `PLAINTEXT_NOT_ALLOWED`.
 * 3. Attempts are limited per caller and per identity; a banned identity is refused before the
 *    authority is asked.
 * 4. The verifier chain answers; only UPSTREAM_UNAVAILABLE is retried or failed over, inside it.
 * 5. MATCH binds the account to the identity reference — taking a slot of the accounts-per-identity
 *    limit atomically — applies the minors' rules, keeps the fields the policy retains in the
 *    vault, and moves the account to `verified` (restoring a lapsed one). A definite failure moves
 *    a never-verified account to `rejected`; a lapsed account stays where it was.
 *
 * Every attempt leaves a verification record (method, provider, outcome, level — never inputs)
 * and audit entries written before the state changes.
 *
 * @module
 */
import type { AuditEvent } from '../audit/entry.ts';
import { piType } from '../pi/catalogue.ts';
import type { PiTypeId } from '../pi/types.ts';
import { isVaultError } from '../vault/errors.ts';
import { randomId } from '../vault/ids.ts';
import { type AccountView, accountView } from './account-view.ts';
import {
  type AccessContext,
  type AccountRow,
  applyTransition,
  event,
  loadAccount,
  type RealnameCore,
  record,
  recordAndApply,
  recordQuietly,
  transact,
  withFreshAccount,
} from './core.ts';
import { RealnameError } from './errors.ts';
import { splitRetained } from './fields.ts';
import { adultOn, ageAt, birthDateOfResidentId, minorDecision } from './minors.ts';
import { checkScope } from './policy.ts';
import type { ServicePolicy } from './policy.types.ts';
import { takeSlot } from './slots.ts';
import { isTransitionAllowed, type TransitionReason, targetOf } from './transitions.ts';
import {
  type AgeBand,
  ageBandOf,
  METHOD_LEVELS,
  VERIFICATION_METHODS,
  type VerificationMethod,
  type VerificationRequest,
  type VerificationResult,
} from './types.ts';

/** What a caller submits to verify an account. */
export interface VerificationInput {
  readonly method: VerificationMethod;
  /** PI type id → value (`CN_NAME`, `CN_RESIDENT_ID`, `CN_MOBILE`), within the service's scope. */
  readonly fields?: Readonly<Record<string, string>>;
  /** The network-identity flow: the serial from `startNetworkIdentity` and the user's credential. */
  readonly networkIdentity?: { readonly bizSeq: string; readonly authData: string };
  /** A minor's guardian: a verified adult account of the same tenant that consents. */
  readonly guardianAccountId?: string;
}

/** A verification record as the API shows it. */
export interface VerificationRecord {
  readonly id: string;
  readonly method: VerificationMethod;
  readonly provider: string;
  readonly outcome: VerificationResult['outcome'];
  readonly level: string | null;
  readonly mismatch: readonly string[];
  readonly ageBand: AgeBand | null;
  readonly attempts: number;
  readonly at: string;
}

export interface VerificationOutcome {
  readonly verification: VerificationRecord;
  readonly account: AccountView;
}

/** Inputs each method needs, beyond scope. */
const NEEDS: Record<VerificationMethod, readonly PiTypeId[]> = {
  document: ['CN_RESIDENT_ID'],
  'id-two-factor': ['CN_NAME', 'CN_RESIDENT_ID'],
  'mobile-three-factor': ['CN_NAME', 'CN_RESIDENT_ID', 'CN_MOBILE'],
  'network-identity': [],
};

const BIZ_SEQ = /^[A-Za-z0-9]{32}$/;
const MAX_AUTH_DATA = 4096;

/** Validated, normalised inputs. */
function normaliseInputs(fields: Readonly<Record<string, string>>, now: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const type = piType(name as PiTypeId);
    if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
      throw new RealnameError('INVALID_FIELD', `${name} must be a non-empty string`, { field: name });
    }
    const verdict = type.validate(value, { now });
    if (!verdict.valid) {
      throw new RealnameError('INVALID_FIELD', `${name} is not a valid ${type.description.en}`, {
        field: name,
      });
    }
    out[name] = type.normalise(value);
  }
  return out;
}

function checkMethod(policy: ServicePolicy, input: VerificationInput): VerificationMethod {
  const method = input.method;
  if (!VERIFICATION_METHODS.includes(method)) {
    throw new RealnameError('METHOD_NOT_ALLOWED', 'unknown verification method', { field: 'method' });
  }
  if (!policy.realName.methods.includes(method)) {
    throw new RealnameError('METHOD_NOT_ALLOWED', `this service does not accept ${method}`, {
      field: 'method',
    });
  }
  return method;
}

function toRecord(id: string, result: VerificationResult, at: string): VerificationRecord {
  return {
    id,
    method: result.method,
    provider: result.provider,
    outcome: result.outcome,
    level: result.level ?? null,
    mismatch: result.mismatch ?? [],
    ageBand: result.ageBand ?? null,
    attempts: result.attempts,
    at,
  };
}

async function insertVerification(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
  id: string,
  result: VerificationResult,
  at: string,
): Promise<void> {
  await transact(core, (trx) =>
    trx
      .insertInto('realname_verifications')
      .values({
        tenant_id: ctx.tenant,
        verification_id: id,
        account_id: accountId,
        method: result.method,
        provider: result.provider,
        provider_request_id: result.providerRequestId ?? null,
        outcome: result.outcome,
        level: result.level ?? null,
        mismatch: result.mismatch && result.mismatch.length > 0 ? result.mismatch.join(',') : null,
        age_band: result.ageBand ?? null,
        attempts: result.attempts,
        latency_ms: Math.round(result.latencyMs),
        actor: ctx.actor,
        at,
      })
      .execute(),
  );
}

/** Refuses a request whose identity is banned from the service. */
async function isBanned(core: RealnameCore, tenant: string, service: string, ref: string): Promise<boolean> {
  const row = await core.db
    .selectFrom('realname_bans')
    .select('reason')
    .where('tenant_id', '=', tenant)
    .where('service', '=', service)
    .where('identity_ref', '=', ref)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Moves the account for `reason` if its state allows (a lapsed account stays lapsed on failure),
 * from a fresh read; returns the row as it now is.
 */
function moveIfAllowed(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
  reason: TransitionReason,
): Promise<AccountRow> {
  return withFreshAccount(async () => {
    const account = await loadAccount(core.db, ctx.tenant, accountId);
    if (!isTransitionAllowed(account.state, reason)) return account;
    return recordAndApply(core, ctx, account, reason, (trx) =>
      applyTransition(trx, account, reason, ctx.actor, core.clock()),
    );
  });
}

/** Rejects a never-verified account whose identity is banned from the service, and says so. */
async function refuseBanned(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
  policy: ServicePolicy,
): Promise<never> {
  const row = await moveIfAllowed(core, ctx, accountId, 'IDENTITY_BANNED');
  throw Object.assign(
    new RealnameError('IDENTITY_BANNED', 'this identity may not register with this service again'),
    { account: accountView(row, policy, core.clock()) },
  );
}

/** The vault subject holding an identity's retained fields, if any. */
function identitySubject(
  db: RealnameCore['db'],
  tenant: string,
  ref: string,
): Promise<{ subject_id: string | null } | undefined> {
  return db
    .selectFrom('realname_identities')
    .select('subject_id')
    .where('tenant_id', '=', tenant)
    .where('identity_ref', '=', ref)
    .executeTakeFirst();
}

/** Keeps the identity fields a policy retains in the identity's vault subject (one per person). */
async function keepIdentityFields(
  core: RealnameCore,
  ctx: AccessContext,
  ref: string,
  fields: Record<string, string>,
): Promise<void> {
  if (Object.keys(fields).length === 0) return;
  const existing = await identitySubject(core.db, ctx.tenant, ref);
  if (existing?.subject_id) {
    await core.vault.updateSubject(ctx, existing.subject_id, fields);
    return;
  }
  let subject: string;
  try {
    subject = await core.vault.createSubject(ctx, fields);
  } catch (error) {
    // Another account of the same person created it a moment ago: use theirs.
    if (!isVaultError(error, 'DUPLICATE_SUBJECT')) throw error;
    for (let i = 0; i < 50; i++) {
      const row = await identitySubject(core.db, ctx.tenant, ref);
      if (row?.subject_id) {
        await core.vault.updateSubject(ctx, row.subject_id, fields);
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw error;
  }
  const at = core.clock().toISOString();
  await transact(core, async (trx) => {
    const row = await identitySubject(trx, ctx.tenant, ref);
    if (row === undefined) {
      await trx
        .insertInto('realname_identities')
        .values({ tenant_id: ctx.tenant, identity_ref: ref, subject_id: subject, created_at: at })
        .execute();
    } else if (row.subject_id === null) {
      await trx
        .updateTable('realname_identities')
        .set({ subject_id: subject })
        .where('tenant_id', '=', ctx.tenant)
        .where('identity_ref', '=', ref)
        .execute();
    }
  });
}

/** Keeps the account fields a policy retains in the account's own vault subject. */
async function keepAccountFields(
  core: RealnameCore,
  ctx: AccessContext,
  account: AccountRow,
  fields: Record<string, string>,
): Promise<string | null> {
  if (Object.keys(fields).length === 0) return account.subject_id;
  if (account.subject_id !== null) {
    await core.vault.updateSubject(ctx, account.subject_id, fields);
    return account.subject_id;
  }
  return core.vault.createSubject(ctx, fields);
}

/** Starts a network-identity attempt: a fresh business serial, and the account `pending`. */
export async function startNetworkIdentity(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
  newBizSeq: () => string,
): Promise<{ bizSeq: string; account: AccountView }> {
  return withFreshAccount(async () => {
    const account = await loadAccount(core.db, ctx.tenant, accountId);
    const { policy } = await core.policies.get(ctx.tenant, account.service);
    checkMethod(policy, { method: 'network-identity' });
    const bizSeq = newBizSeq();
    let row: AccountRow;
    if (isTransitionAllowed(account.state, 'VERIFICATION_STARTED')) {
      row = await recordAndApply(core, ctx, account, 'VERIFICATION_STARTED', (trx) =>
        applyTransition(trx, account, 'VERIFICATION_STARTED', ctx.actor, core.clock(), {
          pending_biz_seq: bizSeq,
        }),
      );
    } else if (account.state === 'verified') {
      // Re-verifying a verified account: it stays verified meanwhile.
      await core.db
        .updateTable('realname_accounts')
        .set({ pending_biz_seq: bizSeq })
        .where('tenant_id', '=', ctx.tenant)
        .where('account_id', '=', account.account_id)
        .where('seq', '=', account.seq)
        .execute();
      row = { ...account, pending_biz_seq: bizSeq };
    } else {
      throw new RealnameError('INVALID_TRANSITION', `a ${account.state} account cannot start a verification`);
    }
    return { bizSeq, account: accountView(row, policy, core.clock()) };
  });
}

/**
 * Verifies an account.
 * @throws RealnameError `ACCOUNT_NOT_FOUND`, `METHOD_NOT_ALLOWED`, `FIELD_OUT_OF_SCOPE`,
 *   `INVALID_FIELD`, `PLAINTEXT_NOT_ALLOWED`, `INVALID_TRANSITION`, `VERIFICATION_RATE_LIMITED`,
 *   `VERIFICATION_UNAVAILABLE`, `IDENTITY_CONFLICT`, `AUDIT_UNAVAILABLE`
 */
export async function verifyAccount(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
  input: VerificationInput,
): Promise<VerificationOutcome> {
  const now = core.clock();
  const account = await loadAccount(core.db, ctx.tenant, accountId);
  if (account.state === 'closed' || account.state === 'banned') {
    throw new RealnameError('INVALID_TRANSITION', `a ${account.state} account cannot be verified`);
  }
  const { policy } = await core.policies.get(ctx.tenant, account.service);
  const method = checkMethod(policy, input);
  const raw = input.fields ?? {};
  if (typeof raw !== 'object' || raw === null) {
    throw new RealnameError('INVALID_FIELD', 'fields must be an object', { field: 'fields' });
  }
  checkScope(policy, raw);
  const fields = normaliseInputs(raw, now);

  let request: VerificationRequest;
  let ref: string | undefined;
  if (method === 'network-identity') {
    if ('CN_NAME' in fields || 'CN_RESIDENT_ID' in fields) {
      throw new RealnameError(
        'PLAINTEXT_NOT_ALLOWED',
        'a network-identity verification takes no name or ID number: the credential stands alone',
        { field: 'CN_RESIDENT_ID' in fields ? 'CN_RESIDENT_ID' : 'CN_NAME' },
      );
    }
    const nid = input.networkIdentity;
    if (
      nid === undefined ||
      typeof nid.bizSeq !== 'string' ||
      !BIZ_SEQ.test(nid.bizSeq) ||
      typeof nid.authData !== 'string' ||
      nid.authData.length === 0 ||
      nid.authData.length > MAX_AUTH_DATA
    ) {
      throw new RealnameError('INVALID_FIELD', 'networkIdentity needs a 32-character bizSeq and authData', {
        field: 'networkIdentity',
      });
    }
    if (account.pending_biz_seq !== nid.bizSeq) {
      throw new RealnameError('INVALID_FIELD', 'this bizSeq was not issued for this account', {
        field: 'networkIdentity.bizSeq',
      });
    }
    request = { method, networkIdentity: { bizSeq: nid.bizSeq, authData: nid.authData } };
  } else {
    for (const need of NEEDS[method]) {
      if (!(need in fields)) {
        throw new RealnameError('INVALID_FIELD', `${method} needs ${need}`, { field: need });
      }
    }
    ref = await core.refs.of(ctx.tenant, 'CN_RESIDENT_ID', fields.CN_RESIDENT_ID!);
    request = {
      method,
      residentId: fields.CN_RESIDENT_ID!,
      ...(fields.CN_NAME === undefined ? {} : { name: fields.CN_NAME }),
      ...(method === 'mobile-three-factor' ? { mobile: fields.CN_MOBILE! } : {}),
    };
  }

  const verdict = core.guard.take(ctx.tenant, ctx.actor, ref);
  if (!verdict.ok) {
    await record(core, [
      event(ctx, 'account.verification', 'denied', { subject: account.account_id, reason: 'RATE_LIMITED' }),
    ]);
    throw new RealnameError('VERIFICATION_RATE_LIMITED', 'too many verification attempts; try later', {
      retryAfterSeconds: verdict.retryAfterSeconds,
    });
  }
  if (ref !== undefined && (await isBanned(core, ctx.tenant, account.service, ref))) {
    await record(core, [
      event(ctx, 'account.verification', 'denied', {
        subject: account.account_id,
        reason: 'IDENTITY_BANNED',
      }),
    ]);
    await refuseBanned(core, ctx, accountId, policy);
  }

  const result = await core.verifier.verify(request);
  const at = core.clock().toISOString();
  const verificationId = randomId('ver_');
  const fieldNames = Object.keys(fields);
  const attemptEntry: AuditEvent = event(
    ctx,
    'account.verification',
    result.outcome === 'MATCH'
      ? 'ok'
      : result.outcome === 'UPSTREAM_UNAVAILABLE' || result.outcome === 'RATE_LIMITED'
        ? 'error'
        : 'denied',
    {
      subject: account.account_id,
      reason: result.outcome,
      fields: fieldNames,
    },
  );

  if (result.outcome === 'UPSTREAM_UNAVAILABLE' || result.outcome === 'RATE_LIMITED') {
    await record(core, [attemptEntry]);
    await insertVerification(core, ctx, account.account_id, verificationId, result, at);
    if (result.outcome === 'RATE_LIMITED') {
      throw new RealnameError('VERIFICATION_RATE_LIMITED', 'the identity authority asked us to slow down', {
        retryAfterSeconds: Math.max(1, Math.ceil((result.retryAfterMs ?? 1000) / 1000)),
      });
    }
    throw new RealnameError(
      'VERIFICATION_UNAVAILABLE',
      'no identity authority could give a verdict; nothing was decided',
    );
  }

  if (result.outcome !== 'MATCH') {
    const alert = core.guard.failed(ctx.tenant, ctx.actor);
    const extra: AuditEvent[] = alert
      ? [
          event(ctx, 'alert.verification-burst', 'denied', {
            count: alert.failures,
            reason: 'ENUMERATION_SUSPECTED',
          }),
        ]
      : [];
    await record(core, [attemptEntry, ...extra]);
    await insertVerification(core, ctx, account.account_id, verificationId, result, at);
    const row = await moveIfAllowed(core, ctx, accountId, 'VERIFICATION_FAILED');
    return {
      verification: toRecord(verificationId, result, at),
      account: accountView(row, policy, core.clock()),
    };
  }

  // MATCH.
  if (method === 'network-identity') {
    if (typeof result.networkIdentity !== 'string' || result.networkIdentity.length === 0) {
      // A MATCH without the number is a broken provider answer, not a verdict.
      await record(core, [{ ...attemptEntry, outcome: 'error', reason: 'UPSTREAM_UNAVAILABLE' }]);
      throw new RealnameError(
        'VERIFICATION_UNAVAILABLE',
        'the network identity service answered without a network identity number',
      );
    }
    ref = await core.refs.of(ctx.tenant, 'NETWORK_IDENTITY', result.networkIdentity);
    if (await isBanned(core, ctx.tenant, account.service, ref)) {
      await record(core, [attemptEntry]);
      await insertVerification(core, ctx, account.account_id, verificationId, result, at);
      await refuseBanned(core, ctx, accountId, policy);
    }
  }
  const identityRef = ref!;
  await record(core, [attemptEntry]);
  await insertVerification(core, ctx, account.account_id, verificationId, result, at);
  const verification = toRecord(verificationId, result, at);

  if (account.identity_ref !== null && account.identity_ref !== identityRef) {
    throw new RealnameError(
      'IDENTITY_CONFLICT',
      'this account is bound to another identity; a different person cannot take it over',
    );
  }

  // Minors.
  const birth =
    fields.CN_RESIDENT_ID === undefined ? undefined : birthDateOfResidentId(fields.CN_RESIDENT_ID);
  const age = birth === undefined ? undefined : ageAt(birth, now);
  const ageBand = result.ageBand;
  const guardian =
    input.guardianAccountId === undefined
      ? undefined
      : await checkGuardian(core, ctx, input.guardianAccountId, identityRef);
  const decision = minorDecision(policy, {
    ...(age === undefined ? {} : { age }),
    ...(ageBand === undefined ? {} : { ageBand }),
    guardianConsent: guardian !== undefined,
  });
  if (!decision.allowed && decision.code === 'UNDER_MINIMUM_AGE') {
    const row = await moveIfAllowed(core, ctx, accountId, 'UNDER_MINIMUM_AGE');
    return { verification, account: accountView(row, policy, core.clock()) };
  }
  const needsGuardian = !decision.allowed && decision.code === 'GUARDIAN_CONSENT_REQUIRED';

  // Retained fields (the vault records its own entries).
  const retained = splitRetained(policy, fields);
  if (method !== 'network-identity') await keepIdentityFields(core, ctx, identityRef, retained.identity);
  const subject = await keepAccountFields(core, ctx, account, retained.account);

  const reason: TransitionReason = needsGuardian ? 'GUARDIAN_CONSENT_REQUIRED' : 'VERIFIED';
  const adultOnDate = birth !== undefined && age !== undefined && age < 18 ? adultOn(birth) : null;
  const bandOf = ageBand ?? (age === undefined ? null : ageBandOf(age));
  // The first try uses the row read above (the sequence-number guard catches a change since).
  let unread: AccountRow | undefined = account;
  const row = await withFreshAccount(async () => {
    const current = unread ?? (await loadAccount(core.db, ctx.tenant, accountId));
    unread = undefined;
    if (!isTransitionAllowed(current.state, reason)) {
      throw new RealnameError('INVALID_TRANSITION', `a ${current.state} account cannot be verified`);
    }
    const limit = policy.accountsPerIdentity;
    const needSlot = limit !== undefined && current.slot_scope === null;
    return recordAndApply(core, ctx, current, reason, async (trx) => {
      if (needSlot && !(await takeSlot(trx, ctx.tenant, limit.scope, identityRef, limit.limit))) {
        return undefined; // limit reached: handled below, outside the rolled-back work
      }
      return applyTransition(trx, current, reason, ctx.actor, core.clock(), {
        level: METHOD_LEVELS[method],
        method,
        verified_at: at,
        identity_ref: identityRef,
        slot_scope: needSlot ? limit.scope : current.slot_scope,
        subject_id: subject,
        deadline_at: null,
        age_band: bandOf,
        adult_on: adultOnDate,
        guardian_account: guardian ?? current.guardian_account,
        pending_biz_seq: null,
      });
    });
  });
  if (row === undefined) {
    recordQuietly(core, [
      event(ctx, `account.${targetOf(reason)}`, 'error', {
        subject: account.account_id,
        reason: 'IDENTITY_LIMIT_REACHED',
      }),
    ]);
    const rejected = await moveIfAllowed(core, ctx, accountId, 'IDENTITY_LIMIT_REACHED');
    throw Object.assign(
      new RealnameError(
        'IDENTITY_LIMIT_REACHED',
        `this identity already holds ${policy.accountsPerIdentity?.limit} accounts in this scope`,
      ),
      { account: accountView(rejected, policy, core.clock()) },
    );
  }
  if (needsGuardian) {
    throw Object.assign(
      new RealnameError(
        'GUARDIAN_CONSENT_REQUIRED',
        'the holder is a minor: a guardian must consent before the account is verified',
      ),
      { account: accountView(row, policy, core.clock()), verification },
    );
  }
  return { verification, account: accountView(row, policy, core.clock()) };
}

/**
 * A guardian is a verified adult account of the same tenant, of another identity.
 * @returns the guardian's account id
 */
async function checkGuardian(
  core: RealnameCore,
  ctx: AccessContext,
  guardianAccountId: string,
  childRef: string,
): Promise<string> {
  const guardian = await loadAccount(core.db, ctx.tenant, guardianAccountId).catch(() => undefined);
  if (
    guardian === undefined ||
    guardian.state !== 'verified' ||
    guardian.identity_ref === null ||
    guardian.identity_ref === childRef ||
    guardian.age_band !== '18+'
  ) {
    throw new RealnameError(
      'INVALID_FIELD',
      'the guardian must be a verified adult account of another person',
      {
        field: 'guardianAccountId',
      },
    );
  }
  return guardian.account_id;
}
