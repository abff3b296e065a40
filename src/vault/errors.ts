/**
 * The vault's one error class. Every failure carries a stable code the HTTP layer maps to its
 * catalogue (docs/api.md), and names the field at fault — never its value, which may be PI.
 *
 * @module
 */

/**
 * | code                | meaning                                                                 |
 * |---------------------|-------------------------------------------------------------------------|
 * | `INVALID_FIELD`     | a field is unknown, not valid for its PI type, not indexed, …           |
 * | `INVALID_POLICY`    | a policy document cannot be used (`field` is its JSON path)             |
 * | `DUPLICATE_SUBJECT` | a unique field (the resident ID) already belongs to another subject     |
 * | `SUBJECT_NOT_FOUND` | no such subject in this tenant                                          |
 * | `TOKEN_NOT_FOUND`   | no such token in this tenant                                            |
 * | `SUBJECT_ERASED`    | the subject was erased (crypto-shredded): nothing can be read or changed |
 * | `SUBJECT_ARCHIVED`  | the subject is archived (retention hold): it can be read, not changed   |
 * | `POLICY_DENIED`     | the tenant's policy allows nothing of this to this role and purpose     |
 * | `QUOTA_EXCEEDED`    | the actor's quota for this window is used up (`retryAfterSeconds`)      |
 * | `AUDIT_UNAVAILABLE` | the audit log could not record the access, so it was not done           |
 */
export type VaultErrorCode =
  | 'INVALID_FIELD'
  | 'INVALID_POLICY'
  | 'DUPLICATE_SUBJECT'
  | 'SUBJECT_NOT_FOUND'
  | 'TOKEN_NOT_FOUND'
  | 'SUBJECT_ERASED'
  | 'SUBJECT_ARCHIVED'
  | 'POLICY_DENIED'
  | 'QUOTA_EXCEEDED'
  | 'AUDIT_UNAVAILABLE';

/** Value-free facts about a failure. */
export interface VaultErrorOptions {
  /** The field at fault: a PI type id, `purpose`, or a policy's JSON path. */
  readonly field?: string;
  /** Index of the batch item at fault. */
  readonly item?: number;
  /** For `QUOTA_EXCEEDED`: when to try again. */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/**
 * A vault operation that did not happen. Messages state the rule and name fields, never values.
 *
 * @example
 * ```ts
 * try { await vault.createSubjects(ctx, items) }
 * catch (e) { if (e instanceof VaultError && e.code === 'INVALID_FIELD') console.log(e.item, e.field) }
 * ```
 */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;
  readonly field: string | undefined;
  readonly item: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: VaultErrorCode, message: string, options: VaultErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.item = options.item;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** `items[3].fields.CN_MOBILE`-style path of the field at fault, if any. */
  path(itemsName = 'items'): string | undefined {
    const item = this.item === undefined ? '' : `${itemsName}[${this.item}]`;
    if (this.field === undefined) return item === '' ? undefined : item;
    return item === '' ? this.field : `${item}.${this.field}`;
  }
}

/** True if `error` is a {@link VaultError}, optionally with the given code. */
export function isVaultError(error: unknown, code?: VaultErrorCode): error is VaultError {
  return error instanceof VaultError && (code === undefined || error.code === code);
}
