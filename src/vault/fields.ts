/**
 * Subject fields on the way in and out: every field is a PI type of the catalogue, validated with
 * its `pi/` validator and stored in its normalised (canonical) form; on the way out a value is
 * shown in full, masked with the catalogue's mask, or redacted.
 *
 * Errors name the field (`CN_RESIDENT_ID`) and the validator's reason code (`BAD_CHECKSUM`),
 * never the value; an unknown field *name* is not echoed either (a caller may put PI in a key).
 *
 * @module
 */
import { isPiTypeId, piType } from '../pi/catalogue.ts';
import { PI_TYPE_IDS, type PiTypeId } from '../pi/types.ts';
import { VaultError } from './errors.ts';
import type { Access } from './policy.ts';

/** What a read or detokenization can return of a field (DENY returns nothing). */
export type Granted = Exclude<Access, 'DENY'>;

/** What a REDACTED field shows. */
export const REDACTED_VALUE = '[REDACTED]';

/** Longest value accepted, in UTF-16 units (addresses are the longest PI type). */
export const MAX_VALUE_LENGTH = 512;

/** Fields that must be unique per tenant by default: one subject per resident ID. */
export const DEFAULT_UNIQUE_FIELDS: readonly PiTypeId[] = ['CN_RESIDENT_ID'];

/**
 * Fields with a blind index by default: identifiers people are looked up by. Names, addresses,
 * birth dates and IP addresses have none: an equality index on them leaks much (everyone born on
 * one day) and helps little.
 */
export const DEFAULT_INDEXED_FIELDS: readonly PiTypeId[] = PI_TYPE_IDS.filter(
  (id) => id !== 'CN_NAME' && id !== 'CN_ADDRESS' && id !== 'BIRTH_DATE' && id !== 'IP_ADDRESS',
);

/** Fields that have format-valid tokens (crypto's FF1 formats). */
export const FORMAT_TOKEN_FIELDS: readonly PiTypeId[] = ['CN_RESIDENT_ID', 'CN_MOBILE'];

/**
 * Checks and normalises one value of `field`.
 * @throws VaultError `INVALID_FIELD` naming the field and the validator's reason
 */
export function normaliseValue(field: PiTypeId, value: unknown, item: number | undefined, now: Date): string {
  const at = item === undefined ? {} : { item };
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH) {
    throw new VaultError(
      'INVALID_FIELD',
      `${field} must be a string of 1 to ${MAX_VALUE_LENGTH} characters`,
      { field, ...at },
    );
  }
  const type = piType(field);
  const validation = type.validate(value, { now });
  if (!validation.valid) {
    const reason = validation.reason === undefined ? '' : ` (${validation.reason})`;
    throw new VaultError('INVALID_FIELD', `${field} is not a valid ${field}${reason}`, { field, ...at });
  }
  return type.normalise(value);
}

/** A field name from a caller: a PI type id, else `INVALID_FIELD` (the name is not echoed). */
export function fieldId(name: string, item?: number, path = 'fields'): PiTypeId {
  if (!isPiTypeId(name)) {
    throw new VaultError('INVALID_FIELD', 'unknown field: field names are PI type ids (CN_MOBILE, …)', {
      field: path,
      ...(item === undefined ? {} : { item }),
    });
  }
  return name;
}

/**
 * The fields of one create or update, checked and normalised; `null` (updates only) removes a
 * field.
 */
export function normaliseFields(
  fields: Readonly<Record<string, unknown>>,
  item: number | undefined,
  now: Date,
  allowRemove: boolean,
): Map<PiTypeId, string | null> {
  const out = new Map<PiTypeId, string | null>();
  const names = Object.keys(fields);
  if (names.length === 0) {
    throw new VaultError('INVALID_FIELD', 'at least one field is needed', {
      field: 'fields',
      ...(item === undefined ? {} : { item }),
    });
  }
  for (const name of names) {
    const id = fieldId(name, item);
    const value = fields[name];
    if (value === null && allowRemove) out.set(id, null);
    else out.set(id, normaliseValue(id, value, item, now));
  }
  return out;
}

const RANK: Readonly<Record<Access, number>> = { DENY: 0, REDACTED: 1, MASKED: 2, PLAIN: 3 };

/** The lesser of what the policy allows and what the caller asked for. */
export function grant(allowed: Access, requested: Granted): Access {
  return RANK[allowed] <= RANK[requested] ? allowed : requested;
}

/** `value` (normalised) as `level` shows it. */
export function present(field: PiTypeId, value: string, level: Granted): string {
  if (level === 'PLAIN') return value;
  if (level === 'REDACTED') return REDACTED_VALUE;
  return piType(field).mask(value);
}
