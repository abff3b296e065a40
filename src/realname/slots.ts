/**
 * Accounts-per-identity limits (ATFL Art. 10; telecom practice: five numbers per person per
 * operator). A slot row per (tenant, limit scope, identity reference) counts the accounts bound
 * now; taking a slot is one conditional UPDATE (`used < limit`) inside the binding transaction, so
 * two concurrent registrations cannot both slip past the limit on either engine: PostgreSQL
 * serialises them on the row lock, SQLite on its single writer. Counted through the identity
 * reference (a keyed HMAC), never through an ID number.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { RealnameTables } from './schema.ts';

/** Takes one slot; false if the identity already holds `limit` accounts in `scope`. */
export async function takeSlot(
  trx: Kysely<RealnameTables>,
  tenant: string,
  scope: string,
  identityRef: string,
  limit: number,
): Promise<boolean> {
  await trx
    .insertInto('realname_slots')
    .values({ tenant_id: tenant, scope, identity_ref: identityRef, used: 0 })
    .onConflict((oc) => oc.columns(['tenant_id', 'scope', 'identity_ref']).doNothing())
    .execute();
  const result = await trx
    .updateTable('realname_slots')
    .set((eb) => ({ used: eb('used', '+', 1) }))
    .where('tenant_id', '=', tenant)
    .where('scope', '=', scope)
    .where('identity_ref', '=', identityRef)
    .where('used', '<', limit)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives a slot back (the account closed or was banned). */
export async function releaseSlot(
  trx: Kysely<RealnameTables>,
  tenant: string,
  scope: string,
  identityRef: string,
): Promise<void> {
  await trx
    .updateTable('realname_slots')
    .set((eb) => ({ used: eb('used', '-', 1) }))
    .where('tenant_id', '=', tenant)
    .where('scope', '=', scope)
    .where('identity_ref', '=', identityRef)
    .where('used', '>', 0)
    .execute();
}

/** Accounts an identity holds in a scope now. */
export async function slotsUsed(
  db: Kysely<RealnameTables>,
  tenant: string,
  scope: string,
  identityRef: string,
): Promise<number> {
  const row = await db
    .selectFrom('realname_slots')
    .select('used')
    .where('tenant_id', '=', tenant)
    .where('scope', '=', scope)
    .where('identity_ref', '=', identityRef)
    .executeTakeFirst();
  return row?.used ?? 0;
}
