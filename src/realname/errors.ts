/**
 * The real-name subsystem's one error class and its code catalogue.
 *
 * Codes are stable public API: the HTTP layer maps each to the status in
 * {@link REALNAME_ERROR_STATUS}, clients branch on them, alerts count them. Every error names the
 * field at fault (a PI type id, or a JSON path into a policy document) and never a value: what a
 * caller submits to a real-name service is, by definition, personal information.
 *
 * To add a code, append it to {@link REALNAME_ERROR_CODES} and give it a status; the compiler
 * then refuses the table until it does.
 *
 * @module
 */

/**
 * | code                        | meaning                                                                   |
 * |-----------------------------|---------------------------------------------------------------------------|
 * | `INVALID_POLICY`            | a service policy document cannot be used (`field` is its JSON path)      |
 * | `FIELD_OUT_OF_SCOPE`        | a request carries a field the service's policy does not collect          |
 * | `POLICY_NOT_FOUND`          | no policy for this service                                                |
 * | `ACCOUNT_NOT_FOUND`         | no such account                                                           |
 * | `INVALID_TRANSITION`        | the account's state does not allow this step                              |
 * | `IDENTITY_LIMIT_REACHED`    | the identity already holds the policy's number of active accounts        |
 * | `IDENTITY_BANNED`           | the identity is barred from registering again                             |
 * | `METHOD_NOT_ALLOWED`        | the service does not accept this verification method                     |
 * | `LEVEL_TOO_LOW`             | the verification reached a lower assurance level than the service needs  |
 * | `GUARDIAN_CONSENT_REQUIRED` | a minor below the policy's age needs a guardian's verified consent first |
 * | `UNDER_MINIMUM_AGE`         | the person is younger than the service admits                             |
 * | `VERIFICATION_RATE_LIMITED` | too many verification attempts (`retryAfterSeconds`)                      |
 * | `VERIFICATION_UNAVAILABLE`  | no verification provider could give a verdict; nothing was decided       |
 * | `INVALID_FIELD`             | a field is malformed or not valid for its type                            |
 * | `PLAINTEXT_NOT_ALLOWED`     | plaintext identity sent where the network identity must stand alone      |
 * | `IDENTITY_CONFLICT`         | the account is bound to another identity: nobody else can take it over   |
 * | `AUDIT_UNAVAILABLE`         | the audit log could not record the step, so it was not done              |
 */
export const REALNAME_ERROR_CODES = [
  'INVALID_POLICY',
  'FIELD_OUT_OF_SCOPE',
  'POLICY_NOT_FOUND',
  'ACCOUNT_NOT_FOUND',
  'INVALID_TRANSITION',
  'IDENTITY_LIMIT_REACHED',
  'IDENTITY_BANNED',
  'METHOD_NOT_ALLOWED',
  'LEVEL_TOO_LOW',
  'GUARDIAN_CONSENT_REQUIRED',
  'UNDER_MINIMUM_AGE',
  'VERIFICATION_RATE_LIMITED',
  'VERIFICATION_UNAVAILABLE',
  'INVALID_FIELD',
  'PLAINTEXT_NOT_ALLOWED',
  'IDENTITY_CONFLICT',
  'AUDIT_UNAVAILABLE',
] as const;
export type RealnameErrorCode = (typeof REALNAME_ERROR_CODES)[number];

/**
 * The HTTP status of each code. 400: the request or document is wrong and retrying it unchanged
 * will fail again; 403: the request is well-formed but the rules refuse it for this person;
 * 404: nothing by that id; 409: the current state forbids it; 429/503: try later.
 */
export const REALNAME_ERROR_STATUS = {
  INVALID_POLICY: 400,
  FIELD_OUT_OF_SCOPE: 400,
  POLICY_NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  IDENTITY_LIMIT_REACHED: 409,
  IDENTITY_BANNED: 403,
  METHOD_NOT_ALLOWED: 400,
  LEVEL_TOO_LOW: 403,
  GUARDIAN_CONSENT_REQUIRED: 403,
  UNDER_MINIMUM_AGE: 403,
  VERIFICATION_RATE_LIMITED: 429,
  VERIFICATION_UNAVAILABLE: 503,
  INVALID_FIELD: 400,
  PLAINTEXT_NOT_ALLOWED: 400,
  IDENTITY_CONFLICT: 409,
  AUDIT_UNAVAILABLE: 503,
} as const satisfies Record<RealnameErrorCode, 400 | 403 | 404 | 409 | 429 | 503>;

/** True if `code` is one of {@link REALNAME_ERROR_CODES}. */
export function isRealnameErrorCode(code: string): code is RealnameErrorCode {
  return (REALNAME_ERROR_CODES as readonly string[]).includes(code);
}

/** Value-free facts about a failure. */
export interface RealnameErrorOptions {
  /** The field at fault: a PI type id or a policy's JSON path (`realName.methods[1]`). */
  readonly field?: string;
  /** For `VERIFICATION_RATE_LIMITED`: when to try again. */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/**
 * A real-name operation that did not happen. Messages state the rule and name fields, never
 * values.
 *
 * @example
 * ```ts
 * try { checkScope(policy, body.fields) }
 * catch (e) { if (isRealnameError(e, 'FIELD_OUT_OF_SCOPE')) reply.code(e.status).send({ code: e.code, field: e.field }) }
 * ```
 */
export class RealnameError extends Error {
  override readonly name: string = 'RealnameError';
  readonly code: RealnameErrorCode;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: RealnameErrorCode, message: string, options: RealnameErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The HTTP status the server answers with. */
  get status(): number {
    return REALNAME_ERROR_STATUS[this.code];
  }
}

/** True if `error` is a {@link RealnameError}, optionally with the given code. */
export function isRealnameError(error: unknown, code?: RealnameErrorCode): error is RealnameError {
  return error instanceof RealnameError && (code === undefined || error.code === code);
}
