/**
 * Where a retained field lives. *Identity* fields describe the person (name, document numbers,
 * birth date): they go into one vault subject per identity, shared by all the person's accounts of
 * the tenant, so five SIM cards of one person hold one encrypted copy of the ID number, and the
 * vault's one-subject-per-resident-ID rule holds. *Account* fields (a login mobile, an address)
 * belong to one account and go into a subject of the account's own.
 *
 * @module
 */
import type { PiTypeId } from '../pi/types.ts';
import { retainedFields } from './policy.ts';
import type { ServicePolicy } from './policy.types.ts';

/** Fields about the person rather than the account. */
export const IDENTITY_FIELDS = [
  'CN_NAME',
  'CN_RESIDENT_ID',
  'CN_PASSPORT',
  'CN_HMT_PERMIT',
  'CN_FOREIGNER_PR_ID',
  'HK_ID',
  'MO_ID',
  'TW_ID',
  'BIRTH_DATE',
] as const satisfies readonly PiTypeId[];

const IDENTITY: ReadonlySet<string> = new Set(IDENTITY_FIELDS);

/** True if `field` is an identity field. */
export function isIdentityField(field: string): boolean {
  return IDENTITY.has(field);
}

/** The fields of `fields` that `policy` retains, split by where they live. */
export function splitRetained(
  policy: ServicePolicy,
  fields: Readonly<Record<string, string>>,
): { identity: Record<string, string>; account: Record<string, string> } {
  const identity: Record<string, string> = {};
  const account: Record<string, string> = {};
  for (const [name, value] of Object.entries(retainedFields(policy, fields))) {
    if (IDENTITY.has(name)) identity[name] = value as string;
    else account[name] = value as string;
  }
  return { identity, account };
}
