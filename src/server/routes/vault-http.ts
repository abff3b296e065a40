/**
 * What the vault's route families share: the caller's access context (tenant and role from the
 * API key, never from the body), the purpose rule, the TypeBox schemas of fields and subjects, and
 * the mapping of `VaultError`s onto the API's error catalogue with the request path at fault.
 *
 * Purpose rule: routes with a body take `purpose` in the body; `GET` and `DELETE` take the
 * `Shiming-Purpose` header. Reads (subject reads, lookups, detokenization) require it; writes
 * default it (`registration`, `erasure`, …) when absent.
 *
 * @module
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { isCryptoError } from '../../crypto/errors.ts';
import { isPiTypeId } from '../../pi/catalogue.ts';
import { PI_TYPE_IDS } from '../../pi/types.ts';
import type { AccessContext } from '../../vault/core.ts';
import { VaultError, type VaultErrorCode } from '../../vault/errors.ts';
import { MAX_VALUE_LENGTH } from '../../vault/fields.ts';
import { principalOf } from '../auth/require-role.ts';
import { ApiError, type ApiErrorCode } from '../errors.ts';
import { Purpose } from '../schemas.ts';

/** The header carrying the purpose on `GET` and `DELETE`. */
export const PURPOSE_HEADER = 'shiming-purpose';

/** Headers of a route whose purpose is mandatory. */
export const PurposeHeader = Type.Object({ [PURPOSE_HEADER]: Purpose });

/** Headers of a route whose purpose may be left out. */
export const OptionalPurposeHeader = Type.Object({ [PURPOSE_HEADER]: Type.Optional(Purpose) });

/** The caller's context for the vault. */
export function accessOf(request: FastifyRequest, purpose: string): AccessContext {
  const p = principalOf(request);
  return { tenant: p.tenant, actor: p.keyId, role: p.role, purpose, requestId: request.id };
}

/** A PI type id. */
export const PiField = Type.Enum(PI_TYPE_IDS, { description: 'PI type id (docs/vault.md)' });

/** A subject id. */
export const SubjectId = Type.String({ pattern: '^sub_[0-9A-Za-z]{22}$', description: 'subject id (sub_…)' });

const value = Type.String({
  minLength: 1,
  maxLength: MAX_VALUE_LENGTH,
  description: 'validated by its PI type',
});
const byType = <T extends Parameters<typeof Type.Optional>[0]>(schema: T) =>
  Object.fromEntries(PI_TYPE_IDS.map((id) => [id, Type.Optional(schema)])) as Record<
    string,
    ReturnType<typeof Type.Optional<T>>
  >;

/**
 * Field values in: PI type id → value. Other names pass the schema and are refused by the vault as
 * `INVALID_FIELD` without being echoed (a caller may have put PI in a key).
 */
export const FieldsIn = Type.Object(byType(value), {
  additionalProperties: Type.String(),
  minProperties: 1,
  description: 'PI type id → value',
});

/** Field changes: a value, or `null` to remove the field. */
export const FieldChanges = Type.Object(byType(Type.Union([value, Type.Null()])), {
  additionalProperties: Type.Union([Type.String(), Type.Null()]),
  minProperties: 1,
  description: 'PI type id → new value, or null to remove it',
});

/** What a read may return at most. */
export const AccessLevel = Type.Union(
  [Type.Literal('PLAIN'), Type.Literal('MASKED'), Type.Literal('REDACTED')],
  {
    description: 'the most to return (default MASKED); the policy may allow less',
  },
);

/** A subject as the caller may see it: only PI type ids can appear as keys. */
export const SubjectView = Type.Object({
  id: SubjectId,
  status: Type.Union([Type.Literal('active'), Type.Literal('archived'), Type.Literal('erased')]),
  fields: Type.Object(byType(Type.String()), {
    description: 'values as granted (plain, masked or [REDACTED])',
  }),
  access: Type.Object(byType(AccessLevel), { description: 'the level each field was returned at' }),
  denied: Type.Array(PiField, { description: 'fields the subject has that the policy does not show' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  retainUntil: Type.Optional(Type.String({ format: 'date-time' })),
  erasedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

const CODES: Readonly<Record<VaultErrorCode, ApiErrorCode>> = {
  INVALID_FIELD: 'INVALID_FIELD',
  INVALID_POLICY: 'INVALID_POLICY',
  DUPLICATE_SUBJECT: 'DUPLICATE_SUBJECT',
  SUBJECT_NOT_FOUND: 'NOT_FOUND',
  TOKEN_NOT_FOUND: 'NOT_FOUND',
  SUBJECT_ERASED: 'SUBJECT_ERASED',
  SUBJECT_ARCHIVED: 'SUBJECT_ARCHIVED',
  POLICY_DENIED: 'POLICY_DENIED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
};

/** How a route's body is shaped, to turn a vault error into the request path at fault. */
export interface PathShape {
  /** The body's list (`items`, `ids`, `queries`); absent for single-item routes. */
  readonly list?: string;
  /** Where PI-type-named fields sit in an item (`fields`, or `value` for lookups). */
  readonly typed?: string;
}

/** `items[2].fields.CN_MOBILE`, `ids[0]`, `purpose`… */
export function pathOf(error: VaultError, shape: PathShape = {}): string | undefined {
  let field = error.field;
  if (field !== undefined && isPiTypeId(field) && shape.typed !== undefined) {
    field = shape.typed === 'value' ? 'value' : `${shape.typed}.${field}`;
  }
  if (error.item === undefined || shape.list === undefined) return field;
  const item = `${shape.list}[${error.item}]`;
  return field === undefined || field === shape.list ? item : `${item}.${field}`;
}

/** The API form of a vault error (others pass through to the app's error handler). */
export function vaultApiError(error: unknown, shape: PathShape = {}): unknown {
  // A ciphertext or wrapped key that fails its AEAD check (swapped between rows, edited) is not
  // the caller's fault: a 500 with its own stable code, so operators can alert on it.
  if (isCryptoError(error, 'DECRYPT_FAILED'))
    return new ApiError('DATA_INTEGRITY', undefined, { cause: error });
  if (!(error instanceof VaultError)) return error;
  const field = pathOf(error, shape);
  const headers: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };
  return new ApiError(CODES[error.code], error.message, {
    ...(field === undefined ? {} : { field }),
    headers,
    cause: error,
  });
}

/** Runs a vault call, mapping its errors for the caller. */
export async function run<T>(work: () => Promise<T>, shape: PathShape = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw vaultApiError(error, shape);
  }
}
