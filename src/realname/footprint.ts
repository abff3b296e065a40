/**
 * The identity footprint (一证通查): a verified person lists every account of the provider bound
 * to their identity, across services, and can report one as "not mine" — which sends that account
 * back to re-verification with a deadline (ATFL Art. 10's query channel; MIIT's practice for
 * disputed numbers: verify, split off, shut down).
 *
 * The person is identified by one of their own verified accounts, so the footprint can only ever
 * show the caller's own identity: there is no way to ask about someone else's.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { randomId } from '../vault/ids.ts';
import {
  type AccessContext,
  type AccountRow,
  addHours,
  event,
  loadAccount,
  type RealnameCore,
  record,
} from './core.ts';
import { RealnameError } from './errors.ts';
import { closeAccount, transition } from './lifecycle.ts';
import type { RealnameTables } from './schema.ts';
import { isTransitionAllowed } from './transitions.ts';

export interface FootprintEntry {
  readonly id: string;
  readonly service: string;
  readonly serviceName: string;
  readonly state: string;
  readonly level: string | null;
  readonly method: string | null;
  readonly verifiedAt: string | null;
  readonly createdAt: string;
  /** True for the account the request was made from. */
  readonly current: boolean;
}

async function verifiedHolder(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
): Promise<AccountRow> {
  const account = await loadAccount(core.db, ctx.tenant, accountId);
  if (account.state !== 'verified' || account.identity_ref === null) {
    throw new RealnameError('INVALID_TRANSITION', 'only a verified account can see its identity footprint');
  }
  return account;
}

/** Every account bound to the identity of `accountId` (a verified account of the caller). */
export async function identityFootprint(
  core: RealnameCore,
  ctx: AccessContext,
  accountId: string,
): Promise<FootprintEntry[]> {
  const holder = await verifiedHolder(core, ctx, accountId);
  const rows = await core.db
    .selectFrom('realname_accounts')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant)
    .where('identity_ref', '=', holder.identity_ref)
    .orderBy('created_at')
    .limit(1000)
    .execute();
  await record(core, [
    event(ctx, 'identity.footprint', 'ok', { subject: holder.account_id, count: rows.length }),
  ]);
  const names = new Map<string, string>();
  for (const s of new Set(rows.map((r) => r.service))) {
    names.set(
      s,
      await core.policies.get(ctx.tenant, s).then(
        (p) => p.policy.displayName,
        () => s,
      ),
    );
  }
  return rows.map((r) => ({
    id: r.account_id,
    service: r.service,
    serviceName: names.get(r.service) ?? r.service,
    state: r.state,
    level: r.level,
    method: r.method,
    verifiedAt: r.verified_at,
    createdAt: r.created_at,
    current: r.account_id === holder.account_id,
  }));
}

/**
 * The holder of `reporterAccountId` says `accountId` (bound to the same identity) is not theirs.
 * A verified account must then re-verify within the policy's fraud-flag deadline (24 h by
 * default), and a report joins the reviewers' queue ({@link listReports}). Returns the report id.
 */
export async function reportNotMine(
  core: RealnameCore,
  ctx: AccessContext,
  reporterAccountId: string,
  accountId: string,
): Promise<{ reportId: string; state: string }> {
  const holder = await verifiedHolder(core, ctx, reporterAccountId);
  const account = await loadAccount(core.db, ctx.tenant, accountId);
  if (account.identity_ref !== holder.identity_ref || account.account_id === holder.account_id) {
    // Another identity's account is indistinguishable from a missing one.
    throw new RealnameError('ACCOUNT_NOT_FOUND', 'no such account in this identity footprint');
  }
  const reportId = randomId('rep_');
  const at = core.clock().toISOString();
  const fileReport = async (db: Kysely<RealnameTables>): Promise<void> => {
    await db
      .insertInto('realname_reports')
      .values({
        tenant_id: ctx.tenant,
        report_id: reportId,
        account_id: accountId,
        reporter_account: holder.account_id,
        status: 'open',
        created_at: at,
      })
      .execute();
  };
  let state = account.state as string;
  if (isTransitionAllowed(account.state, 'NOT_MINE_REPORTED')) {
    const { row } = await transition(
      core,
      ctx,
      accountId,
      'NOT_MINE_REPORTED',
      (_a, policy) => ({
        deadline_at: addHours(core.clock(), policy.reverification.fraudFlag ?? 24).toISOString(),
      }),
      (trx) => fileReport(trx),
    );
    state = row.state;
  } else {
    await record(core, [
      event(ctx, 'identity.report', 'ok', { subject: accountId, reason: 'NOT_MINE_REPORTED' }),
    ]);
    await fileReport(core.db);
  }
  return { reportId, state };
}

/** A "not mine" report as reviewers see it: which account, who reported, where it stands. */
export interface ReportView {
  readonly id: string;
  readonly account: string;
  readonly reporterAccount: string;
  readonly status: 'open' | 'resolved';
  readonly createdAt: string;
}

/** How a reviewer closes a report. */
export type ReportResolution = 'dismissed' | 'account-closed';

/** Reports of the tenant, oldest first (`status`: only those). The review queue. */
export async function listReports(
  core: RealnameCore,
  ctx: AccessContext,
  status?: 'open' | 'resolved',
  limit = 100,
): Promise<ReportView[]> {
  let q = core.db.selectFrom('realname_reports').selectAll().where('tenant_id', '=', ctx.tenant);
  if (status !== undefined) q = q.where('status', '=', status);
  const rows = await q
    .orderBy('created_at')
    .orderBy('report_id')
    .limit(Math.max(1, Math.min(limit, 1000)))
    .execute();
  await record(core, [event(ctx, 'identity.report.list', 'ok', { count: rows.length })]);
  return rows.map((r) => ({
    id: r.report_id,
    account: r.account_id,
    reporterAccount: r.reporter_account,
    status: r.status,
    createdAt: r.created_at,
  }));
}

/**
 * A reviewer's decision on an open report: `account-closed` closes the reported account (the
 * provider closes it: CLOSED_BY_PROVIDER, its slot given back, its fields under retention);
 * `dismissed` leaves it to its re-verification deadline. Either way the report is resolved.
 * @throws RealnameError `ACCOUNT_NOT_FOUND` for an unknown report; `INVALID_TRANSITION` if already resolved
 */
export async function resolveReport(
  core: RealnameCore,
  ctx: AccessContext,
  reportId: string,
  resolution: ReportResolution,
): Promise<ReportView> {
  const row = await core.db
    .selectFrom('realname_reports')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant)
    .where('report_id', '=', reportId)
    .executeTakeFirst();
  if (row === undefined) throw new RealnameError('ACCOUNT_NOT_FOUND', 'no such report in this tenant');
  if (row.status !== 'open') throw new RealnameError('INVALID_TRANSITION', 'this report is already resolved');
  await record(core, [
    event(ctx, 'identity.report.resolve', 'ok', {
      subject: row.account_id,
      reason: resolution === 'dismissed' ? 'REPORT_DISMISSED' : 'REPORT_UPHELD',
    }),
  ]);
  if (resolution === 'account-closed') {
    const account = await loadAccount(core.db, ctx.tenant, row.account_id);
    if (account.state !== 'closed' && account.state !== 'banned')
      await closeAccount(core, ctx, row.account_id, 'provider');
  }
  const updated = await core.db
    .updateTable('realname_reports')
    .set({ status: 'resolved' })
    .where('tenant_id', '=', ctx.tenant)
    .where('report_id', '=', reportId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) {
    throw new RealnameError('INVALID_TRANSITION', 'this report was resolved concurrently');
  }
  return {
    id: row.report_id,
    account: row.account_id,
    reporterAccount: row.reporter_account,
    status: 'resolved',
    createdAt: row.created_at,
  };
}
