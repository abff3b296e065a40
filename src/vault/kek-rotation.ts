/**
 * KEK rotation without downtime (docs/crypto.md, "Rotation without downtime"):
 *
 * 1. `rotateKek`: a new KEK version, stored and active at once on this server; the previous
 *    active version becomes `retiring` (still unwraps). Other servers pick the change up within
 *    their refresh interval, or at once when they meet a DEK wrapped under a version they lack.
 * 2. `rewrapStep(limit)`, run in the background: up to `limit` DEKs still under a retiring version
 *    are unwrapped and wrapped again under the active one, in memory (the DEK bytes are zeroed),
 *    and written back with a compare-and-swap on their KEK version. Fields are not touched.
 * 3. A retiring version that no DEK uses any more is retired — its wrapped bytes deleted, its key
 *    unloaded — once the rotation is older than the grace period, so a server that had not yet
 *    seen the rotation cannot still be wrapping new DEKs under it.
 *
 * @module
 */
import type { Suite } from '../crypto/suite.ts';
import {
  type AccessContext,
  auditEvent,
  checkContext,
  recordAudit,
  transact,
  type VaultCore,
} from './core.ts';
import { kekRow } from './tenant-keys.ts';

/** The outcome of a rotation. */
export interface RotationResult {
  readonly version: number;
  readonly suite: Suite;
  /** Versions now retiring (rewrapped in the background, then retired). */
  readonly retiring: number[];
}

/** One KEK version as an operator sees it (never key bytes). */
export interface KekStatus {
  readonly version: number;
  readonly suite: Suite;
  readonly state: 'active' | 'retiring' | 'retired';
  /** DEKs wrapped under it. */
  readonly deks: number;
  readonly createdAt: string;
  readonly retiredAt?: string;
}

/** What one rewrap step did. */
export interface RewrapResult {
  readonly rewrapped: number;
  /** Versions retired by this step. */
  readonly retired: { readonly tenant: string; readonly version: number }[];
}

/** Who rewraps and retires in audit entries. */
export const REWRAP_ACTOR = 'vault-rewrap';

/**
 * Makes a new KEK version the tenant's active one.
 * @param suite - suite of the new KEK (default: the current one); a suite migration is a rotation
 */
export async function rotateKek(core: VaultCore, ctx: AccessContext, suite?: Suite): Promise<RotationResult> {
  checkContext(ctx);
  const tenant = ctx.tenant;
  const state = await core.keys.state(tenant, true);
  const target = suite ?? state.suite;
  const latest = await core.db
    .selectFrom('vault_keks')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('tenant_id', '=', tenant)
    .executeTakeFirst();
  const version = Number(latest?.v ?? 0) + 1;
  await recordAudit(core, [auditEvent(ctx, 'key.rotate', 'ok', { fields: [`kek.v${version}`] })]);
  const keyring = core.keys.keyring;
  const wrapped = await keyring.createKek(tenant, version, target);
  let retiring: number[];
  try {
    retiring = await transact(core, async (trx) => {
      await trx
        .insertInto('vault_keks')
        .values(kekRow(tenant, wrapped, core.clock()))
        .execute();
      const old = await trx
        .updateTable('vault_keks')
        .set({ state: 'retiring' })
        .where('tenant_id', '=', tenant)
        .where('state', '=', 'active')
        .where('version', '<', version)
        .returning('version')
        .execute();
      return old.map((r) => r.version);
    });
  } catch (error) {
    // Not stored (another rotation took this version): forget it, or a reload would trust it.
    keyring.unloadKek(tenant, version);
    throw error;
  }
  keyring.activateKek(tenant, version);
  core.keys.invalidate(tenant);
  return { version, suite: target, retiring };
}

/** The tenant's KEK versions with how many DEKs each wraps. */
export async function kekStatus(core: VaultCore, tenant: string): Promise<KekStatus[]> {
  await core.keys.state(tenant);
  const keks = await core.db
    .selectFrom('vault_keks')
    .select(['version', 'suite', 'state', 'created_at', 'retired_at'])
    .where('tenant_id', '=', tenant)
    .orderBy('version')
    .execute();
  const counts = await core.db
    .selectFrom('vault_subjects')
    .select((eb) => ['kek_version', eb.fn.countAll().as('n')])
    .where('tenant_id', '=', tenant)
    .where('kek_version', 'is not', null)
    .groupBy('kek_version')
    .execute();
  const byVersion = new Map(counts.map((c) => [Number(c.kek_version), Number(c.n)]));
  return keks.map((k) => ({
    version: k.version,
    suite: k.suite as Suite,
    state: k.state,
    deks: byVersion.get(k.version) ?? 0,
    createdAt: k.created_at,
    ...(k.retired_at === null ? {} : { retiredAt: k.retired_at }),
  }));
}

/**
 * Rewraps up to `limit` DEKs under retiring KEK versions (of every tenant, or `onlyTenant`) and retires versions
 * that are no longer used. Safe to run on several servers at once.
 */
export async function rewrapStep(
  core: VaultCore,
  limit: number,
  graceMs: number,
  onlyTenant?: string,
): Promise<RewrapResult> {
  let query = core.db
    .selectFrom('vault_keks')
    .select(['tenant_id', 'version'])
    .where('state', '=', 'retiring');
  if (onlyTenant !== undefined) query = query.where('tenant_id', '=', onlyTenant);
  const retiring = await query.execute();
  const tenants = [...new Set(retiring.map((r) => r.tenant_id))];
  let rewrapped = 0;
  const retired: { tenant: string; version: number }[] = [];
  for (const tenant of tenants) {
    const old = retiring.filter((r) => r.tenant_id === tenant).map((r) => r.version);
    const state = await core.keys.state(tenant, true);
    if (rewrapped < limit)
      rewrapped += await rewrapTenant(core, tenant, old, state.active, limit - rewrapped);
    for (const version of old) {
      if (await retireIfUnused(core, tenant, version, state.active, graceMs))
        retired.push({ tenant, version });
    }
  }
  return { rewrapped, retired };
}

async function rewrapTenant(
  core: VaultCore,
  tenant: string,
  old: readonly number[],
  active: number,
  limit: number,
): Promise<number> {
  const rows = await core.db
    .selectFrom('vault_subjects')
    .select(['subject_id', 'kek_version', 'wrapped_dek'])
    .where('tenant_id', '=', tenant)
    .where('kek_version', 'in', old)
    .where('status', '!=', 'erased')
    .limit(limit)
    .execute();
  if (rows.length === 0) return 0;
  const keyring = core.keys.keyring;
  const rewraps = rows.map((r) => ({
    id: r.subject_id,
    from: r.kek_version!,
    wrapped: keyring.rewrapDek(tenant, r.subject_id, r.wrapped_dek!, active),
  }));
  return transact(core, async (trx) => {
    let n = 0;
    for (const r of rewraps) {
      // Compare-and-swap: skip a DEK erased or rewrapped by another server meanwhile.
      const res = await trx
        .updateTable('vault_subjects')
        .set({ wrapped_dek: r.wrapped.bytes, kek_version: r.wrapped.wrappedBy })
        .where('tenant_id', '=', tenant)
        .where('subject_id', '=', r.id)
        .where('kek_version', '=', r.from)
        .where('status', '!=', 'erased')
        .executeTakeFirst();
      n += Number(res.numUpdatedRows);
    }
    return n;
  });
}

async function retireIfUnused(
  core: VaultCore,
  tenant: string,
  version: number,
  active: number,
  graceMs: number,
): Promise<boolean> {
  const activeRow = await core.db
    .selectFrom('vault_keks')
    .select('created_at')
    .where('tenant_id', '=', tenant)
    .where('version', '=', active)
    .executeTakeFirst();
  const age = core.clock().getTime() - Date.parse(activeRow?.created_at ?? '');
  if (!(age >= graceMs)) return false;
  const used = await core.db
    .selectFrom('vault_subjects')
    .select('subject_id')
    .where('tenant_id', '=', tenant)
    .where('kek_version', '=', version)
    .limit(1)
    .executeTakeFirst();
  if (used !== undefined) return false;
  const ctx = { tenant, actor: REWRAP_ACTOR, role: 'system' as const, purpose: 'key-rotation' };
  await recordAudit(core, [auditEvent(ctx, 'key.retire', 'ok', { fields: [`kek.v${version}`] })]);
  const at = core.clock().toISOString();
  const done = await transact(core, async (trx) => {
    // Checked again inside the transaction: a DEK may have been wrapped under it meanwhile.
    const again = await trx
      .selectFrom('vault_subjects')
      .select('subject_id')
      .where('tenant_id', '=', tenant)
      .where('kek_version', '=', version)
      .limit(1)
      .executeTakeFirst();
    if (again !== undefined) return false;
    const res = await trx
      .updateTable('vault_keks')
      .set({ state: 'retired', wrapped: null, retired_at: at })
      .where('tenant_id', '=', tenant)
      .where('version', '=', version)
      .where('state', '=', 'retiring')
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  });
  if (done) core.keys.invalidate(tenant);
  return done;
}
