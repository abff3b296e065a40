/**
 * The enforcement job: applies deadlines. An unverified account past its grace period is notified;
 * a notified one past its notice period is restricted; a restricted one past its restriction period
 * is suspended (MIIT Order 25 back-fill, the 2015 account-name rules, ATFL Arts. 11 and 22). A
 * verification restores the account at any step; the job never touches a verified account without
 * a deadline.
 *
 * Idempotent and safe to run anywhere, any time, on several servers at once: an account is due when
 * its deadline is strictly before the run's time, and every deadline a run sets is at or after that
 * time, so each account moves at most one step per run (even with a zero-day period); every update
 * is conditional on the account's sequence number, so two runs cannot both move it.
 *
 * Built for millions of accounts: due accounts come off a partial index in deadline order, keyset
 * paginated; a batch is one audit append (one entry per transition, written first, fail closed)
 * and one transaction holding one `UPDATE … FROM (VALUES …)` statement and a multi-row insert of
 * the history rows, on both engines. The next batch's audit append overlaps this batch's
 * transaction.
 *
 * @module
 */
import { sql } from 'kysely';
import type { AuditEvent } from '../audit/entry.ts';
import { addDays, type JobContext, type RealnameCore, record, recordQuietly, transactAlone } from './core.ts';
import type { ServicePolicy } from './policy.types.ts';
import { type TransitionReason, targetOf } from './transitions.ts';
import type { AccountState } from './types.ts';

export interface EnforceOptions {
  /** The time deadlines are compared with (default: the clock). */
  readonly now?: Date;
  /** Count what would happen; change nothing, record nothing. */
  readonly dryRun?: boolean;
  /**
   * Accounts per batch (default 2,000; at most 5,000). Each batch is one audit append and one
   * transaction: larger batches hold the write lock longer, smaller ones pay more commits. On
   * SQLite every audit commit comes from the log's writer thread, another connection, and SQLite
   * drops a connection's page cache when another one wrote since its last transaction, so each
   * batch starts cold (1,000,000 accounts: 61.6–65.6 s in batches of 1,000, 53.2 s in batches of
   * 2,000, 52.3 s in batches of 5,000; 56.8 s in batches of 1,000 with the log writing in-thread).
   */
  readonly batchSize?: number;
  /** Stop after this many due accounts (default: all). */
  readonly maxAccounts?: number;
  /** Only this tenant's accounts (default: every tenant). The HTTP route passes the caller's. */
  readonly tenant?: string;
  /** Called after each batch with the running totals. */
  readonly onProgress?: (result: EnforceResult) => void;
}

export interface EnforceResult {
  readonly dryRun: boolean;
  /** Due accounts looked at. */
  examined: number;
  /** Transitions applied (or, in a dry run, that would be), by reason. */
  readonly transitions: Partial<Record<TransitionReason, number>>;
  /** Deadlines cleared without a transition (the service no longer requires real name). */
  cleared: number;
  /** Accounts that moved under the job (a verification meanwhile): left alone. */
  skipped: number;
  batches: number;
  durationMs: number;
}

/** The identity the job acts under in history rows and audit entries. */
export const ENFORCEMENT_CONTEXT: JobContext = {
  tenant: 'system',
  actor: 'system:enforcement',
  role: 'system',
  purpose: 'enforcement',
};

interface DueRow {
  tenant_id: string;
  account_id: string;
  service: string;
  state: AccountState;
  seq: number;
  deadline_at: string;
}

interface Step {
  readonly row: DueRow;
  readonly reason: TransitionReason | undefined;
  readonly deadline: string | null;
}

/** The step a due account takes under its policy (undefined reason: just clear the deadline). */
function stepOf(row: DueRow, policy: ServicePolicy | undefined, now: Date): Step {
  if (policy === undefined || !policy.realName.required) {
    // A verified account's re-verification deadline still applies without a policy requirement.
    if (row.state !== 'notified') return { row, reason: undefined, deadline: null };
  }
  const rn = policy?.realName;
  switch (row.state) {
    case 'unverified':
    case 'pending':
    case 'rejected':
      return { row, reason: 'GRACE_EXPIRED', deadline: addDays(now, rn?.noticeDays ?? 0).toISOString() };
    case 'notified':
      return { row, reason: 'NOTICE_EXPIRED', deadline: addDays(now, rn?.restrictDays ?? 0).toISOString() };
    case 'restricted':
      return { row, reason: 'RESTRICTION_EXPIRED', deadline: null };
    default:
      return { row, reason: undefined, deadline: null };
  }
}

/** Runs the job once over every tenant. */
export async function enforceDeadlines(
  core: RealnameCore,
  options: EnforceOptions = {},
): Promise<EnforceResult> {
  const started = performance.now();
  const now = options.now ?? core.clock();
  const nowIso = now.toISOString();
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 2000, 5000));
  const result: EnforceResult = {
    dryRun: options.dryRun === true,
    examined: 0,
    transitions: {},
    cleared: 0,
    skipped: 0,
    batches: 0,
    durationMs: 0,
  };
  const policies = new Map<string, ServicePolicy | undefined>();
  const policyOf = async (tenant: string, service: string) => {
    const key = `${tenant}\u0000${service}`;
    if (!policies.has(key)) {
      policies.set(
        key,
        await core.policies.get(tenant, service).then(
          (p) => p.policy,
          () => undefined,
        ),
      );
    }
    return policies.get(key);
  };

  // Two batches in flight: while one batch's transaction runs on the database connection, the
  // next one's audit entries are appended (on SQLite by the log's writer thread). The keyset
  // cursor makes the next batch independent of the one still being applied.
  let applying: Promise<void> | undefined;
  /** Makes `next` (if any) the batch in flight, and waits for the one before it. */
  const handOver = async (next: Promise<void> | undefined): Promise<void> => {
    const previous = applying;
    applying = next;
    if (previous !== undefined) {
      await previous;
      options.onProgress?.(result);
    }
  };
  let cursor: [string, string, string] | undefined;
  try {
    for (;;) {
      const limit = Math.min(batchSize, (options.maxAccounts ?? Number.POSITIVE_INFINITY) - result.examined);
      if (limit <= 0) break;
      let query = core.db
        .selectFrom('realname_accounts')
        .select(['tenant_id', 'account_id', 'service', 'state', 'seq', 'deadline_at'])
        .where('deadline_at', 'is not', null)
        .where('deadline_at', '<', nowIso);
      if (options.tenant !== undefined) query = query.where('tenant_id', '=', options.tenant);
      if (cursor !== undefined) {
        const [d, t, a] = cursor;
        query = query.where(sql<boolean>`(deadline_at, tenant_id, account_id) > (${d}, ${t}, ${a})`);
      }
      const rows = (await query
        .orderBy('deadline_at')
        .orderBy('tenant_id')
        .orderBy('account_id')
        .limit(limit)
        .execute()) as DueRow[];
      if (rows.length === 0) break;
      const last = rows.at(-1)!;
      cursor = [last.deadline_at, last.tenant_id, last.account_id];
      result.examined += rows.length;
      result.batches++;

      const steps: Step[] = [];
      for (const row of rows) {
        steps.push(stepOf(row, await policyOf(row.tenant_id, row.service), now));
      }
      const moves = steps.filter((s) => s.reason !== undefined);
      const clears = steps.filter((s) => s.reason === undefined);
      if (result.dryRun) {
        for (const s of moves) result.transitions[s.reason!] = (result.transitions[s.reason!] ?? 0) + 1;
        result.cleared += clears.length;
        options.onProgress?.(result);
      } else if (steps.length > 0) {
        // History rows and updated_at carry when the step happened, not the time deadlines are read at.
        const next = applyBatch(core, moves, clears, core.clock().toISOString(), result);
        next.catch(() => {}); // awaited by the next handOver, or below
        await handOver(next);
      }
      if (rows.length < limit) break;
    }
    await handOver(undefined);
  } finally {
    // A failed batch stops the run; the one started after it still finishes before this returns.
    await applying?.catch(() => {});
  }
  result.durationMs = performance.now() - started;
  return result;
}

function entryOf(step: Step, outcome: AuditEvent['outcome']): AuditEvent {
  return {
    actor: ENFORCEMENT_CONTEXT.actor,
    role: ENFORCEMENT_CONTEXT.role,
    purpose: ENFORCEMENT_CONTEXT.purpose,
    tenant: step.row.tenant_id,
    action: `account.${targetOf(step.reason!)}`,
    subject: step.row.account_id,
    reason: step.reason!,
    outcome,
  };
}

async function applyBatch(
  core: RealnameCore,
  moves: readonly Step[],
  clears: readonly Step[],
  at: string,
  result: EnforceResult,
): Promise<void> {
  // Entries first: no account moves without its entry (fail closed).
  await record(
    core,
    moves.map((s) => entryOf(s, 'ok')),
  );
  let applied: Set<string>;
  try {
    applied = await transactAlone(core, async (trx) => {
      const done = new Set<string>();
      for (let i = 0; i < moves.length; i += 1000) {
        const chunk = moves.slice(i, i + 1000);
        const values = sql.join(
          chunk.map(
            (s) =>
              sql`(${s.row.tenant_id}, ${s.row.account_id}, ${s.row.seq}, ${targetOf(s.reason!)}, ${s.reason!}, ${s.deadline})`,
          ),
        );
        // A CTE names the VALUES columns on both engines (SQLite has no `as v(…)` column list);
        // its names differ from the table's so RETURNING can stay unqualified, as SQLite wants.
        const updated = await sql<{ tenant_id: string; account_id: string }>`
          with v(t_id, a_id, old_seq, new_state, new_reason, new_deadline) as (values ${values})
          update realname_accounts
          set state = v.new_state, reason = v.new_reason, seq = seq + 1, deadline_at = v.new_deadline,
            updated_at = ${at}
          from v
          where tenant_id = v.t_id and account_id = v.a_id and seq = cast(v.old_seq as integer)
          returning tenant_id, account_id`.execute(trx);
        for (const r of updated.rows) done.add(`${r.tenant_id}\u0000${r.account_id}`);
      }
      const history = moves
        .filter((s) => done.has(`${s.row.tenant_id}\u0000${s.row.account_id}`))
        .map((s) => ({
          tenant_id: s.row.tenant_id,
          account_id: s.row.account_id,
          seq: s.row.seq + 1,
          from_state: s.row.state,
          to_state: targetOf(s.reason!),
          reason: s.reason!,
          actor: ENFORCEMENT_CONTEXT.actor,
          at,
        }));
      for (let i = 0; i < history.length; i += 500) {
        await trx
          .insertInto('realname_transitions')
          .values(history.slice(i, i + 500))
          .execute();
      }
      for (const s of clears) {
        await trx
          .updateTable('realname_accounts')
          .set({ deadline_at: null })
          .where('tenant_id', '=', s.row.tenant_id)
          .where('account_id', '=', s.row.account_id)
          .where('seq', '=', s.row.seq)
          .execute();
      }
      return done;
    });
  } catch (error) {
    recordQuietly(
      core,
      moves.map((s) => entryOf(s, 'error')),
    );
    throw error;
  }
  const stale: Step[] = [];
  for (const s of moves) {
    if (applied.has(`${s.row.tenant_id}\u0000${s.row.account_id}`)) {
      result.transitions[s.reason!] = (result.transitions[s.reason!] ?? 0) + 1;
    } else stale.push(s);
  }
  result.skipped += stale.length;
  result.cleared += clears.length;
  // The entry said "ok" for an account that moved meanwhile: say it did not happen.
  if (stale.length > 0)
    recordQuietly(
      core,
      stale.map((s) => entryOf(s, 'error')),
    );
}
