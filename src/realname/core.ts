/**
 * What every real-name operation shares ({@link RealnameCore}): the database, the vault that holds
 * retained fields, the audit log, identity references, the verifier chain, the policies, the
 * attempt guard and the clock; plus the two primitives every state change goes through — the audit
 * entry first (fail closed), then {@link applyTransition} under optimistic concurrency.
 *
 * @module
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { AuditEntryError, type AuditEvent } from '../audit/entry.ts';
import type { StoreDialect } from '../store/store.types.ts';
import { withRetry } from '../store/with-retry.ts';
import { type AccessContext, auditEvent, type JobContext, type VaultAudit } from '../vault/core.ts';
import type { Vault } from '../vault/vault.ts';
import type { AdapterCounters } from './adapters/chain.ts';
import type { AttemptGuard } from './attempt-guard.ts';
import { RealnameError } from './errors.ts';
import type { IdentityRefs } from './identity-ref.ts';
import type { ServicePolicy } from './policy.types.ts';
import type { PolicyStore } from './policy-store.ts';
import type { RealnameAccountsTable, RealnameTables } from './schema.ts';
import { checkTransition, type TransitionReason, targetOf } from './transitions.ts';
import type { AccountState, VerificationRequest, VerificationResult } from './types.ts';
import type { WriteBatcher } from './write-batcher.ts';

/** What verifies: a `VerifierChain` (adapters with retry and failover), or a test double. */
export interface Verifier {
  verify(request: VerificationRequest): Promise<VerificationResult>;
  /** Per-adapter answer counts (what `VerifierChain` keeps), for metrics and billing checks. */
  counters?(): Readonly<Record<string, AdapterCounters>>;
}

export interface RealnameCore {
  readonly db: Kysely<RealnameTables>;
  readonly dialect: StoreDialect;
  readonly vault: Vault;
  readonly audit: VaultAudit;
  readonly refs: IdentityRefs;
  readonly verifier: Verifier;
  readonly policies: PolicyStore;
  readonly guard: AttemptGuard;
  readonly clock: () => Date;
  /** Group commit of the small writes of concurrent requests. */
  readonly batcher: WriteBatcher<RealnameTables>;
}

export type { AccessContext, JobContext };
export type AccountRow = Selectable<RealnameAccountsTable>;

/** Most items in one batch call. */
export const MAX_BATCH = 1000;

/** Account ids: `acc_` and 22 base62 characters (the vault's id scheme). */
export const ACCOUNT_ID_PATTERN = /^acc_[0-9A-Za-z]{22}$/;

/** An audit event of `ctx` (the vault's shape: subject, fields, count, reason). */
export const event = auditEvent;

/**
 * Appends `events` and resolves once they are durable; if the log cannot take them the operation
 * must not go on (`AUDIT_UNAVAILABLE`).
 */
export async function record(core: RealnameCore, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await core.audit.record(events);
  } catch (error) {
    if (error instanceof AuditEntryError) {
      throw new RealnameError('INVALID_FIELD', error.message, error.field ? { field: error.field } : {});
    }
    throw new RealnameError('AUDIT_UNAVAILABLE', 'the audit log could not record this, so it was not done', {
      cause: error,
    });
  }
}

/** Best effort, for the follow-up of a write that failed after its entry was recorded. */
export function recordQuietly(core: RealnameCore, events: readonly AuditEvent[]): void {
  if (events.length > 0) core.audit.record(events).catch(() => {});
}

/**
 * Runs `work` in the next group-commit batch; resolves once it is durable. `work` must only use
 * `trx`: it may run again if its batch is retried or rolled back for another unit's failure.
 */
export function transact<T>(
  core: RealnameCore,
  work: (trx: Transaction<RealnameTables>) => Promise<T>,
): Promise<T> {
  return core.batcher.run(work);
}

/** Runs `work` in a transaction of its own (large batches: the enforcement job). */
export function transactAlone<T>(
  core: RealnameCore,
  work: (trx: Transaction<RealnameTables>) => Promise<T>,
): Promise<T> {
  return withRetry(() => core.db.transaction().execute(work));
}

/** Columns a transition may set besides the state. */
export type AccountPatch = Partial<
  Pick<
    RealnameAccountsTable,
    | 'level'
    | 'method'
    | 'verified_at'
    | 'identity_ref'
    | 'slot_scope'
    | 'subject_id'
    | 'deadline_at'
    | 'age_band'
    | 'adult_on'
    | 'guardian_account'
    | 'pending_biz_seq'
  >
>;

/** The account changed under us (another request or the job): the caller retries from a fresh read. */
export class StaleAccountError extends Error {
  override readonly name = 'StaleAccountError';
}

/**
 * Moves `account` to the state `reason` leads to, if it is still at the `seq` it was read at, and
 * appends its history row. Returns the updated row.
 * @throws RealnameError `INVALID_TRANSITION`; StaleAccountError if the row moved meanwhile
 */
export async function applyTransition(
  trx: Kysely<RealnameTables>,
  account: AccountRow,
  reason: TransitionReason,
  actor: string,
  now: Date,
  patch: AccountPatch = {},
): Promise<AccountRow> {
  const to: AccountState = checkTransition(account.state, reason);
  const at = now.toISOString();
  const seq = account.seq + 1;
  const result = await trx
    .updateTable('realname_accounts')
    .set({ ...patch, state: to, reason, seq, updated_at: at })
    .where('tenant_id', '=', account.tenant_id)
    .where('account_id', '=', account.account_id)
    .where('seq', '=', account.seq)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new StaleAccountError('account changed concurrently');
  await trx
    .insertInto('realname_transitions')
    .values({
      tenant_id: account.tenant_id,
      account_id: account.account_id,
      seq,
      from_state: account.state,
      to_state: to,
      reason,
      actor,
      at,
    })
    .execute();
  return { ...account, ...patch, state: to, reason, seq, updated_at: at };
}

/**
 * A transition's audit entry first (fail closed), then `apply` in the next batch; if the write
 * fails (or the account moved meanwhile) an `error` entry follows the `ok` one.
 */
export async function recordAndApply<T>(
  core: RealnameCore,
  ctx: AccessContext,
  account: AccountRow,
  reason: TransitionReason,
  apply: (trx: Transaction<RealnameTables>) => Promise<T>,
): Promise<T> {
  const entry = event(ctx, `account.${targetOf(reason)}`, 'ok', { subject: account.account_id, reason });
  await record(core, [entry]);
  try {
    return await transact(core, apply);
  } catch (error) {
    recordQuietly(core, [{ ...entry, outcome: 'error' }]);
    throw error;
  }
}

/**
 * Reads one account of the caller's tenant.
 * @throws RealnameError `ACCOUNT_NOT_FOUND` (also for another tenant's account: indistinguishable)
 */
export async function loadAccount(
  db: Kysely<RealnameTables>,
  tenant: string,
  accountId: string,
): Promise<AccountRow> {
  if (typeof accountId !== 'string' || !ACCOUNT_ID_PATTERN.test(accountId)) {
    throw new RealnameError('ACCOUNT_NOT_FOUND', 'no such account in this tenant');
  }
  const row = await db
    .selectFrom('realname_accounts')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (row === undefined) throw new RealnameError('ACCOUNT_NOT_FOUND', 'no such account in this tenant');
  return row;
}

/** Retries `work` from a fresh read when the account moved under it (a few times, then 409). */
export async function withFreshAccount<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StaleAccountError) || attempt >= 4) {
        if (error instanceof StaleAccountError) {
          throw new RealnameError('INVALID_TRANSITION', 'the account changed concurrently; try again');
        }
        throw error;
      }
    }
  }
}

/** Adds days (or hours) to a time. */
export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * 86_400_000);
}
export function addHours(at: Date, hours: number): Date {
  return new Date(at.getTime() + hours * 3_600_000);
}

/** The grace deadline of a new unverified account under `policy` (none if real name is optional). */
export function graceDeadline(policy: ServicePolicy, now: Date): string | null {
  return policy.realName.required ? addDays(now, policy.realName.graceDays).toISOString() : null;
}
