/**
 * The HTTP API's error catalogue: every code a client can receive, with its status and a default
 * message. Codes are public API (clients branch on them): never rename one, only add — and list
 * it in docs/api.md, which a test checks both ways.
 *
 * Bodies are `{ "error": { "code", "message", "field"? } }`. Messages name the rule and the field,
 * never the value a caller sent (it may be PI or a secret), and internal failures say nothing
 * beyond `INTERNAL`: their details go to the server log only.
 *
 * @module
 */

/** Code → HTTP status and the message used when none is given. */
export const API_ERRORS = {
  INVALID_REQUEST: { status: 400, message: 'the request is not valid' },
  INVALID_FIELD: { status: 400, message: 'a field is not valid for its type (the value is never echoed)' },
  INVALID_POLICY: { status: 400, message: 'the policy document is not valid' },
  FIELD_OUT_OF_SCOPE: {
    status: 400,
    message: "a field is not collected by the service's policy (the value is never echoed)",
  },
  METHOD_NOT_ALLOWED: { status: 400, message: 'the service does not accept this verification method' },
  PLAINTEXT_NOT_ALLOWED: {
    status: 400,
    message: 'a network-identity verification takes no name or ID number: the credential stands alone',
  },
  UNAUTHENTICATED: { status: 401, message: 'a valid API key is required (Authorization: Bearer shk_…)' },
  FORBIDDEN: { status: 403, message: "this API key's role may not call this route" },
  POLICY_DENIED: {
    status: 403,
    message: "the tenant's policy does not allow this for this role and purpose",
  },
  LEVEL_TOO_LOW: {
    status: 403,
    message: 'the verification reached a lower assurance level than the service requires',
  },
  IDENTITY_BANNED: { status: 403, message: 'this identity may not register with this service again' },
  GUARDIAN_CONSENT_REQUIRED: {
    status: 403,
    message: "the holder is a minor: a guardian's verified consent is required first",
  },
  UNDER_MINIMUM_AGE: { status: 403, message: 'the holder is younger than the service admits' },
  NOT_FOUND: { status: 404, message: 'no such resource' },
  DUPLICATE_SUBJECT: { status: 409, message: 'another subject already has this value of a unique field' },
  SUBJECT_ARCHIVED: { status: 409, message: 'the subject is archived (retention hold) and cannot change' },
  INVALID_TRANSITION: { status: 409, message: "the account's state does not allow this step" },
  IDENTITY_LIMIT_REACHED: {
    status: 409,
    message: "the identity already holds the policy's number of active accounts",
  },
  IDENTITY_CONFLICT: {
    status: 409,
    message: 'the account is bound to another identity; a different person cannot take it over',
  },
  SUBJECT_ERASED: { status: 410, message: 'the subject was erased' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'the request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'the request body must be application/json' },
  RATE_LIMITED: { status: 429, message: 'too many requests for this API key; retry later' },
  QUOTA_EXCEEDED: {
    status: 429,
    message: "this key's quota of records for the window is used up; retry later",
  },
  VERIFICATION_RATE_LIMITED: {
    status: 429,
    message: 'too many verification attempts; retry after the Retry-After seconds',
  },
  INTERNAL: { status: 500, message: 'internal error' },
  DATA_INTEGRITY: {
    status: 500,
    message: 'stored data failed its integrity check (tampered with or corrupted); nothing was returned',
  },
  AUDIT_UNAVAILABLE: {
    status: 503,
    message: 'the audit log could not record this operation, so it was not done',
  },
  VERIFICATION_UNAVAILABLE: {
    status: 503,
    message: 'no identity authority could give a verdict; nothing was decided, retry later',
  },
  UNAVAILABLE: { status: 503, message: 'the service is not ready' },
} as const satisfies Record<string, { status: number; message: string }>;

/** One of the codes in {@link API_ERRORS}. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** Every public code, for the docs check and clients. */
export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

/**
 * An error meant for the caller. Throw it from hooks and handlers; the error handler turns it into
 * the JSON body with {@link API_ERRORS}' status.
 *
 * @example
 * ```ts
 * throw new ApiError('INVALID_REQUEST', 'index must be below size', { field: 'index' });
 * ```
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  /** The request field at fault (`purpose`, `index`), never its value. */
  readonly field: string | undefined;
  /** Extra response headers (`Retry-After`, `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ApiErrorCode,
    message: string = API_ERRORS[code].message,
    options: { field?: string; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.statusCode = API_ERRORS[code].status;
    this.field = options.field;
    this.headers = options.headers ?? {};
  }
}

/** The JSON body of an error response. */
export interface ErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string; readonly field?: string };
}

/** The body for `error`. */
export function errorBody(error: ApiError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
    },
  };
}
