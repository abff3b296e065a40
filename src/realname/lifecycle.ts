/**
 * The account lifecycle outside verification: risk-triggered re-verification, a guardian's late
 * consent, closing, banning, and reading an account and its history.
 *
 * Closing or banning gives the identity's slot back and puts the account's retained fields under
 * the policy's retention hold (erased at once if the policy keeps nothing after close); when the
 * last open account of an identity closes, the identity's fields get the same treatment.
 *
 * @module
 */
import { type AccountView, accountView } from './account-view.ts';
import {
  type AccessContext,
  type AccountPatch,
  type AccountRow,
  addDays,
  addHours,
  applyTransition,
  loadAccount,
  type RealnameCore,
  recordAndApply,
  type transact,
  withFreshAccount,
} from './core.ts';
import { RealnameError } from './errors.ts';
import { isIdentityField } from './fields.ts';
import type { ServicePolicy } from './policy.types.ts';
import { releaseSlot } from './slots.ts';
import { checkTransition, RISK_TRIGGERS, type RiskTrigger, type TransitionReason } from './transitions.ts';

/**
 * Applies `reason` to an account (entry first, then the row), from a fresh read, retried if the
 * account moves meanwhile. `extra` runs inside the same transaction.
 */
export async function transition(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
  reason: TransitionReason,
  patch: (account: AccountRow, policy: ServicePolicy) => AccountPatch = () => ({}),
  extra?: (trx: Parameters<Parameters<typeof transact>[1]>[0], account: AccountRow) => Promise<void>,
): Promise<{ row: AccountRow; before: AccountRow; policy: ServicePolicy }> {
  return withFreshAccount(async () => {
    const account = await loadAccount(core.db, ctx.tenant, accountId);
    const { policy } = await core.policies.get(ctx.tenant, account.service);
    checkTransition(account.state, reason);
    const row = await recordAndApply(core, ctx, account, reason, async (trx) => {
      const next = await applyTransition(
        trx,
        account,
        reason,
        ctx.actor,
        core.clock(),
        patch(account, policy),
      );
      if (extra) await extra(trx, account);
      return next;
    });
    return { row, before: account, policy };
  });
}

/** The view of one account. */
export async function getAccount(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
): Promise<AccountView> {
  const row = await loadAccount(core.db, ctx.tenant, accountId);
  const { policy } = await core.policies.get(ctx.tenant, row.service);
  return accountView(row, policy, core.clock());
}

export interface TransitionRecord {
  readonly seq: number;
  readonly from: string | null;
  readonly to: string;
  readonly reason: string;
  readonly actor: string;
  readonly at: string;
}

/** The account's history, oldest first. */
export async function accountHistory(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
): Promise<TransitionRecord[]> {
  await loadAccount(core.db, ctx.tenant, accountId);
  const rows = await core.db
    .selectFrom('realname_transitions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant)
    .where('account_id', '=', accountId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    from: r.from_state,
    to: r.to_state,
    reason: r.reason,
    actor: r.actor,
    at: r.at,
  }));
}

/** The account's verification records, newest first (no inputs: method, provider, outcome). */
export async function accountVerifications(core: RealnameCore, ctx: AccessContext, accountId: string) {
  await loadAccount(core.db, ctx.tenant, accountId);
  const rows = await core.db
    .selectFrom('realname_verifications')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant)
    .where('account_id', '=', accountId)
    .orderBy('at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.verification_id,
    method: r.method,
    provider: r.provider,
    outcome: r.outcome,
    level: r.level,
    mismatch: r.mismatch === null ? [] : r.mismatch.split(','),
    ageBand: r.age_band,
    attempts: r.attempts,
    at: r.at,
  }));
}

/**
 * A risk signal (phone change, device change, a fraud model's flag): a verified account must
 * re-verify within the policy's deadline for that trigger, or enforcement restricts it.
 * @throws RealnameError `INVALID_FIELD` if the service's policy has no deadline for the trigger
 */
export async function flagRisk(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
  trigger: RiskTrigger,
): Promise<AccountView> {
  const reason = RISK_TRIGGERS[trigger];
  if (reason === undefined) {
    throw new RealnameError('INVALID_FIELD', 'unknown risk trigger', { field: 'trigger' });
  }
  const key = (
    { 'phone-change': 'phoneChange', 'device-change': 'deviceChange', 'fraud-flag': 'fraudFlag' } as const
  )[trigger];
  const { row, policy } = await transition(core, ctx, accountId, reason, (_account, policy) => {
    const hours = policy.reverification[key];
    if (hours === undefined) {
      throw new RealnameError(
        'INVALID_FIELD',
        `this service's policy sets no re-verification for ${trigger}`,
        {
          field: 'trigger',
        },
      );
    }
    return { deadline_at: addHours(core.clock(), hours).toISOString() };
  });
  return accountView(row, policy, core.clock());
}

/** A guardian's consent to a minor's account waiting for it (`pending`, GUARDIAN_CONSENT_REQUIRED). */
export async function giveGuardianConsent(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
  guardianAccountId: string,
): Promise<AccountView> {
  const guardian = await loadAccount(core.db, ctx.tenant, guardianAccountId).catch(() => undefined);
  const { row, policy } = await transition(core, ctx, accountId, 'GUARDIAN_CONSENT_GIVEN', (account) => {
    if (account.reason !== 'GUARDIAN_CONSENT_REQUIRED') {
      throw new RealnameError('INVALID_TRANSITION', 'this account is not waiting for a guardian');
    }
    if (
      guardian === undefined ||
      guardian.state !== 'verified' ||
      guardian.identity_ref === null ||
      guardian.identity_ref === account.identity_ref ||
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
    return { guardian_account: guardian.account_id };
  });
  return accountView(row, policy, core.clock());
}

/** Holds (or erases) the vault subjects an account leaves behind when it ends. */
async function retainAfterEnd(
  core: RealnameCore,
  ctx: AccessContext,
  before: AccountRow,
  policy: ServicePolicy,
) {
  const days = (identity: boolean) =>
    Math.max(
      0,
      ...policy.fields.retain
        .filter((r) => isIdentityField(r.field) === identity)
        .map((r) => r.daysAfterClose),
    );
  const hold = async (subject: string, identity: boolean) => {
    const d = days(identity);
    if (d === 0) await core.vault.eraseSubjects(ctx, [subject]);
    else await core.vault.archiveSubjects(ctx, [subject], addDays(core.clock(), d));
  };
  if (before.subject_id !== null) await hold(before.subject_id, false);
  if (before.identity_ref !== null) {
    const open = await core.db
      .selectFrom('realname_accounts')
      .select('account_id')
      .where('tenant_id', '=', ctx.tenant)
      .where('identity_ref', '=', before.identity_ref)
      .where('state', 'not in', ['closed', 'banned'])
      .limit(1)
      .executeTakeFirst();
    if (open === undefined) {
      const identity = await core.db
        .selectFrom('realname_identities')
        .select('subject_id')
        .where('tenant_id', '=', ctx.tenant)
        .where('identity_ref', '=', before.identity_ref)
        .executeTakeFirst();
      if (identity?.subject_id) await hold(identity.subject_id, true);
    }
  }
}

/** Closes an account (by its holder or by the provider). */
export async function closeAccount(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
  by: 'user' | 'provider',
): Promise<AccountView> {
  const { row, before, policy } = await transition(
    core,
    ctx,
    accountId,
    by === 'user' ? 'CLOSED_BY_USER' : 'CLOSED_BY_PROVIDER',
    () => ({ deadline_at: null, slot_scope: null, pending_biz_seq: null }),
    async (trx, account) => {
      if (account.slot_scope !== null && account.identity_ref !== null) {
        await releaseSlot(trx, ctx.tenant, account.slot_scope, account.identity_ref);
      }
    },
  );
  await retainAfterEnd(core, ctx, before, policy);
  return accountView(row, policy, core.clock());
}

/**
 * Bans an account: it ends, and its identity may not register with the service again (ATFL
 * Art. 22). An account never bound to an identity ends without a ban on anyone.
 */
export async function banAccount(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
): Promise<AccountView> {
  const { row, before, policy } = await transition(
    core,
    ctx,
    accountId,
    'BANNED',
    () => ({ deadline_at: null, slot_scope: null, pending_biz_seq: null }),
    async (trx, account) => {
      if (account.slot_scope !== null && account.identity_ref !== null) {
        await releaseSlot(trx, ctx.tenant, account.slot_scope, account.identity_ref);
      }
      if (account.identity_ref !== null) {
        await trx
          .insertInto('realname_bans')
          .values({
            tenant_id: ctx.tenant,
            service: account.service,
            identity_ref: account.identity_ref,
            reason: 'BANNED',
            at: core.clock().toISOString(),
            actor: ctx.actor,
          })
          .onConflict((oc) => oc.columns(['tenant_id', 'service', 'identity_ref']).doNothing())
          .execute();
      }
    },
  );
  if (before.state !== 'closed') await retainAfterEnd(core, ctx, before, policy);
  return accountView(row, policy, core.clock());
}
