/**
 * What the real-name route families share: TypeBox schemas of accounts, verification records and
 * service ids, and the mapping of `RealnameError`s onto the API's error catalogue (with the
 * request path at fault, never a value). `VaultError`s raised underneath (the vault keeps the
 * fields a policy retains) go through the vault's own mapping.
 *
 * Purposes are fixed per family, not taken from the caller: `registration` (accounts and
 * verification), `policy-management` (service policies, bans, enforcement), `reporting` (reports)
 * and `identity-footprint` (the footprint and "not mine" reports).
 *
 * @module
 */
import { type Static, Type } from 'typebox';
import { isPiTypeId } from '../../pi/catalogue.ts';
import { RealnameError, type RealnameErrorCode } from '../../realname/errors.ts';
import {
  ACCOUNT_STATES,
  AGE_BANDS,
  ASSURANCE_LEVELS,
  VERIFICATION_METHODS,
  VERIFICATION_OUTCOMES,
} from '../../realname/types.ts';
import { ApiError, type ApiErrorCode } from '../errors.ts';
import { vaultApiError } from './vault-http.ts';

/** An account id. */
export const AccountId = Type.String({ pattern: '^acc_[0-9A-Za-z]{22}$', description: 'account id (acc_…)' });

/** A service id, unique within the tenant. */
export const ServiceId = Type.String({
  pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$',
  description: 'service id: the `service` of its policy',
});

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

/** A verification method. */
export const Method = Type.Enum(VERIFICATION_METHODS, { description: 'verification method' });
/** An assurance level. */
export const Level = Type.Enum(ASSURANCE_LEVELS, { description: 'assurance level (L1 < L2 < L3)' });
const AgeBand = Type.Enum(AGE_BANDS, { description: 'age band' });

/** An account as the API shows it: no identity, no vault subject, no birth date. */
export const AccountView = Type.Object({
  id: AccountId,
  service: ServiceId,
  state: Type.Enum(ACCOUNT_STATES),
  reason: Type.String({ description: 'reason code of the last transition (REGISTERED, VERIFIED…)' }),
  access: Type.Union([Type.Literal('full'), Type.Literal('restricted'), Type.Literal('none')], {
    description: 'what the holder may do now',
  }),
  level: nullable(Level),
  method: nullable(Method),
  verifiedAt: nullable(DateTime),
  deadlineAt: nullable(Type.String({ format: 'date-time', description: 'next enforcement step' })),
  ageBand: nullable(AgeBand),
  minor: Type.Boolean({ description: 'true while the verified holder is under 18' }),
  bound: Type.Boolean({ description: 'true if the account is bound to a verified identity' }),
  createdAt: DateTime,
  updatedAt: DateTime,
});

/** A verification record: what happened, never the inputs. */
export const VerificationRecord = Type.Object({
  id: Type.String({ description: 'verification id (ver_…)' }),
  method: Method,
  provider: Type.String({ description: 'the adapter that gave the verdict' }),
  outcome: Type.Enum(VERIFICATION_OUTCOMES, { description: 'normalized outcome' }),
  level: nullable(Type.String()),
  mismatch: Type.Array(Type.String(), {
    description: 'elements that did not match (name, residentId, mobile)',
  }),
  ageBand: nullable(AgeBand),
  attempts: Type.Integer(),
  at: DateTime,
});

/** An account and the verification that just ran on it. */
export const Verified = Type.Object({ account: AccountView, verification: VerificationRecord });

/** A verification record from the real-name layer (whose columns are strings) as the API's. */
export function verificationOut(v: {
  readonly mismatch: readonly string[];
  readonly [key: string]: unknown;
}): Static<typeof VerificationRecord> {
  return { ...v, mismatch: [...v.mismatch] } as Static<typeof VerificationRecord>;
}

/** An account and its verification as the API's. */
export function verifiedOut(o: {
  readonly account: Static<typeof AccountView>;
  readonly verification: { readonly mismatch: readonly string[] };
}): Static<typeof Verified> {
  return { account: o.account, verification: verificationOut(o.verification) };
}

const CODES: Readonly<Record<RealnameErrorCode, ApiErrorCode>> = {
  INVALID_POLICY: 'INVALID_POLICY',
  FIELD_OUT_OF_SCOPE: 'FIELD_OUT_OF_SCOPE',
  POLICY_NOT_FOUND: 'NOT_FOUND',
  ACCOUNT_NOT_FOUND: 'NOT_FOUND',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  IDENTITY_LIMIT_REACHED: 'IDENTITY_LIMIT_REACHED',
  IDENTITY_BANNED: 'IDENTITY_BANNED',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  LEVEL_TOO_LOW: 'LEVEL_TOO_LOW',
  GUARDIAN_CONSENT_REQUIRED: 'GUARDIAN_CONSENT_REQUIRED',
  UNDER_MINIMUM_AGE: 'UNDER_MINIMUM_AGE',
  VERIFICATION_RATE_LIMITED: 'VERIFICATION_RATE_LIMITED',
  VERIFICATION_UNAVAILABLE: 'VERIFICATION_UNAVAILABLE',
  INVALID_FIELD: 'INVALID_FIELD',
  PLAINTEXT_NOT_ALLOWED: 'PLAINTEXT_NOT_ALLOWED',
  IDENTITY_CONFLICT: 'IDENTITY_CONFLICT',
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
};

/** Where a route's body puts what the real-name layer names. */
export interface RealnamePathShape {
  /** Put before every path (`verification.` for the verification inside `POST /v1/accounts`). */
  readonly prefix?: string;
  /** Where PI-type-named fields sit (`fields`): `CN_NAME` → `fields.CN_NAME`. */
  readonly typed?: string;
  /** The body's list (`items`): the layer's `accounts[2].…` becomes `items[2].…`. */
  readonly list?: string;
}

/** The request path of a real-name error's `field` under `shape`. */
export function realnamePathOf(field: string | undefined, shape: RealnamePathShape = {}): string | undefined {
  if (field === undefined) return undefined;
  const prefix = shape.prefix ?? '';
  const item = /^accounts\[(\d+)\](?:\.(.+))?$/.exec(field);
  if (item !== null) {
    const rest = item[2];
    if (shape.list !== undefined)
      return `${prefix}${shape.list}[${item[1]}]${rest === undefined ? '' : `.${rest}`}`;
    return rest === undefined ? undefined : `${prefix}${rest}`;
  }
  if (field === 'accounts') return shape.list === undefined ? undefined : `${prefix}${shape.list}`;
  if (isPiTypeId(field) && shape.typed !== undefined) return `${prefix}${shape.typed}.${field}`;
  return `${prefix}${field}`;
}

/**
 * The API form of a real-name error: `POLICY_NOT_FOUND` and `ACCOUNT_NOT_FOUND` are `NOT_FOUND`,
 * every other code keeps its name; `field` becomes the request path and `retryAfterSeconds` the
 * `Retry-After` header. Vault errors go through `vaultApiError`; anything else passes through.
 */
export function realnameApiError(error: unknown, shape: RealnamePathShape = {}): unknown {
  if (!(error instanceof RealnameError)) {
    return vaultApiError(error, {
      ...(shape.list === undefined ? {} : { list: shape.list }),
      ...(shape.typed === undefined ? {} : { typed: shape.typed }),
    });
  }
  const field = realnamePathOf(error.field, shape);
  const headers: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };
  return new ApiError(CODES[error.code], error.message, {
    ...(field === undefined ? {} : { field }),
    headers,
    cause: error,
  });
}

/** Runs a real-name call, mapping its errors for the caller. */
export async function runRealname<T>(work: () => Promise<T>, shape: RealnamePathShape = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw realnameApiError(error, shape);
  }
}
