/**
 * Compliance reports for a tenant: how many accounts are in each state per service, how the
 * verified ones were verified (method, level), and verification outcomes per method — the
 * real-name coverage and enforcement evidence a regulator asks for (CSL Art. 24, ATFL Arts. 21–22).
 * Counts only: no account ids, no identity references, nothing about a person.
 *
 * @module
 */
import { sql } from 'kysely';
import type { AccessContext, RealnameCore } from './core.ts';
import { event, record } from './core.ts';

export interface RealnameReport {
  readonly generatedAt: string;
  readonly accounts: { service: string; state: string; count: number }[];
  readonly verified: { service: string; method: string | null; level: string | null; count: number }[];
  readonly verifications: { method: string; outcome: string; count: number }[];
}

/** The tenant's counts; `since` limits verification outcomes to attempts at or after it. */
export async function realnameReport(
  core: RealnameCore,
  ctx: AccessContext,
  since?: Date,
): Promise<RealnameReport> {
  const count = sql<number>`count(*)`.as('count');
  const accounts = await core.db
    .selectFrom('realname_accounts')
    .select(['service', 'state', count])
    .where('tenant_id', '=', ctx.tenant)
    .groupBy(['service', 'state'])
    .orderBy('service')
    .orderBy('state')
    .execute();
  const verified = await core.db
    .selectFrom('realname_accounts')
    .select(['service', 'method', 'level', count])
    .where('tenant_id', '=', ctx.tenant)
    .where('state', '=', 'verified')
    .groupBy(['service', 'method', 'level'])
    .orderBy('service')
    .execute();
  let vq = core.db
    .selectFrom('realname_verifications')
    .select(['method', 'outcome', count])
    .where('tenant_id', '=', ctx.tenant);
  if (since !== undefined) vq = vq.where('at', '>=', since.toISOString());
  const verifications = await vq
    .groupBy(['method', 'outcome'])
    .orderBy('method')
    .orderBy('outcome')
    .execute();
  await record(core, [event(ctx, 'realname.report', 'ok')]);
  return {
    generatedAt: core.clock().toISOString(),
    accounts: accounts.map((r) => ({ service: r.service, state: r.state, count: Number(r.count) })),
    verified: verified.map((r) => ({
      service: r.service,
      method: r.method,
      level: r.level,
      count: Number(r.count),
    })),
    verifications: verifications.map((r) => ({
      method: r.method,
      outcome: r.outcome,
      count: Number(r.count),
    })),
  };
}
