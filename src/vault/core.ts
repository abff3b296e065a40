/**
 * What every vault operation shares: the database, keys, audit log, policies, quotas and clock
 * ({@link VaultCore}), who is asking ({@link AccessContext}), and the gates every access passes —
 * the purpose, the quota and the audit entry (fail closed).
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { AuditEntryError, type AuditEvent, type AuditOutcome } from '../audit/entry.ts';
import type { AuditLog } from '../audit/log/audit-log.ts';
import type { PiTypeId } from '../pi/types.ts';
import type { StoreDialect } from '../store/store.types.ts';
import { withRetry } from '../store/with-retry.ts';
import { VaultError } from './errors.ts';
import type { Policy, Role } from './policy.ts';
import type { PolicyStore } from './policy-store.ts';
import type { QuotaCounter, QuotaTracker } from './quota.ts';
import type { VaultTables } from './schema.ts';
import type { TenantKeys } from './tenant-keys.ts';

/** Who is asking, and why. The tenant comes from the caller's credentials, never from a body. */
export interface AccessContext {
  readonly tenant: string;
  /** API key id (`key_…`) or service name: what audit entries name as the actor. */
  readonly actor: string;
  readonly role: Role;
  /** Purpose code, mandatory on every read; recorded in the audit log. */
  readonly purpose: string;
  /** Correlation id of the HTTP request. */
  readonly requestId?: string;
}

/** The identity background jobs act under (prune, rewrap): not an API role. */
export interface JobContext extends Omit<AccessContext, 'role'> {
  readonly role: Role | 'system';
}

/** The part of the audit log the vault uses. */
export type VaultAudit = Pick<AuditLog, 'record' | 'identifier'>;

/** Shared state of one vault. */
export interface VaultCore {
  readonly db: Kysely<VaultTables>;
  readonly dialect: StoreDialect;
  readonly keys: TenantKeys;
  readonly audit: VaultAudit;
  readonly policies: PolicyStore;
  readonly quotas: QuotaTracker;
  readonly clock: () => Date;
  readonly uniqueFields: ReadonlySet<PiTypeId>;
  readonly indexedFields: ReadonlySet<PiTypeId>;
}

/** Most items in one batch call. */
export const MAX_BATCH = 1000;

const TENANT = /^[A-Za-z0-9_.:-]{1,128}$/;
const PURPOSE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** Refuses a malformed context before anything is read (the audit log would refuse it later). */
export function checkContext(ctx: JobContext): void {
  if (typeof ctx.tenant !== 'string' || !TENANT.test(ctx.tenant)) {
    throw new VaultError('INVALID_FIELD', 'tenant must be 1-128 characters of [A-Za-z0-9_.:-]', {
      field: 'tenant',
    });
  }
  if (typeof ctx.purpose !== 'string' || !PURPOSE.test(ctx.purpose)) {
    throw new VaultError('INVALID_FIELD', 'purpose must be a purpose code ([a-z0-9_.-], at most 64)', {
      field: 'purpose',
    });
  }
}

/** Refuses a batch that is empty or too large. */
export function checkBatch(items: readonly unknown[], name: string): void {
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH) {
    throw new VaultError('INVALID_FIELD', `${name} must hold 1 to ${MAX_BATCH} items`, { field: name });
  }
}

/** An audit event of `ctx` (add subject, fields, count, reason). */
export function auditEvent(
  ctx: JobContext,
  action: string,
  outcome: AuditOutcome,
  extra: Partial<Pick<AuditEvent, 'subject' | 'fields' | 'count' | 'reason'>> = {},
): AuditEvent {
  return {
    actor: ctx.actor,
    role: ctx.role,
    purpose: ctx.purpose,
    action,
    tenant: ctx.tenant,
    outcome,
    ...(ctx.requestId === undefined ? {} : { request: ctx.requestId }),
    ...extra,
  };
}

/**
 * Appends `events` and resolves once they are durable. Fail closed: if the log cannot take them
 * the operation must not go on, so this throws `AUDIT_UNAVAILABLE`.
 */
export async function recordAudit(core: VaultCore, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await core.audit.record(events);
  } catch (error) {
    if (error instanceof AuditEntryError) {
      throw new VaultError('INVALID_FIELD', error.message, {
        ...(error.field ? { field: error.field } : {}),
      });
    }
    throw new VaultError(
      'AUDIT_UNAVAILABLE',
      'the audit log could not record this access, so it was not done',
      {
        cause: error,
      },
    );
  }
}

/** Best effort, for the follow-up of a write that failed after its entry was recorded. */
export function recordQuietly(core: VaultCore, events: readonly AuditEvent[]): void {
  if (events.length > 0) core.audit.record(events).catch(() => {});
}

/**
 * The purpose must be on the tenant's list: otherwise nothing is allowed, and the refusal itself
 * is recorded (an insider probing purposes leaves a trace).
 */
export async function requirePurpose(
  core: VaultCore,
  ctx: AccessContext,
  policy: Policy,
  action: string,
  count: number,
): Promise<void> {
  if (policy.purposes.includes(ctx.purpose)) return;
  await recordAudit(core, [auditEvent(ctx, action, 'denied', { count })]);
  throw new VaultError('POLICY_DENIED', "the purpose is not on this tenant's list of purposes", {
    field: 'purpose',
  });
}

/** Takes `count` from the actor's quota, or records the refusal and throws `QUOTA_EXCEEDED`. */
export async function takeQuota(
  core: VaultCore,
  ctx: AccessContext,
  policy: Policy,
  counter: QuotaCounter,
  count: number,
  action: string,
): Promise<void> {
  const quota = policy.quotas[ctx.role]?.[counter];
  const verdict = core.quotas.take(`${ctx.tenant}\u0000${ctx.actor}`, counter, quota, count);
  if (verdict.ok) return;
  await recordAudit(core, [auditEvent(ctx, action, 'denied', { count })]);
  throw new VaultError('QUOTA_EXCEEDED', `the ${counter} quota of this key is used up for now`, {
    retryAfterSeconds: verdict.retryAfterSeconds,
  });
}

/** Runs `work` in a transaction, retried on serialization failures and SQLITE_BUSY. */
export function transact<T>(core: VaultCore, work: (trx: Kysely<VaultTables>) => Promise<T>): Promise<T> {
  return withRetry(() => core.db.transaction().execute(work));
}
