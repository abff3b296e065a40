/**
 * `src/vault`: the encrypted PI vault — subjects with typed, encrypted fields, blind indexes,
 * tokens, per-tenant access policies, per-actor quotas, erasure by crypto-shredding, retention and
 * KEK rotation. See docs/vault.md.
 * @module
 */
export type { AccessContext, VaultAudit } from './core.ts';
export type { NewSubject } from './create-subjects.ts';
export type { Detokenized, DetokenizeOptions } from './detokenize.ts';
export { type ArchiveResult, type EraseResult, PRUNE_ACTOR } from './erase-subjects.ts';
export { isVaultError, VaultError, type VaultErrorCode } from './errors.ts';
export {
  DEFAULT_INDEXED_FIELDS,
  DEFAULT_UNIQUE_FIELDS,
  FORMAT_TOKEN_FIELDS,
  type Granted,
  MAX_VALUE_LENGTH,
  REDACTED_VALUE,
} from './fields.ts';
export { SUBJECT_ID_PATTERN } from './ids.ts';
export { startVaultJobs, type VaultJobs, type VaultJobsOptions } from './jobs.ts';
export type { KekStatus, RewrapResult, RotationResult } from './kek-rotation.ts';
export type { LookupQuery } from './lookup.ts';
export { applyPolicyFile, readPolicyFile } from './policy-file.ts';
export type { StoredPolicy } from './policy-store.ts';
export type { ReadOptions, ReadResult, SubjectView } from './read-subjects.ts';
export { VAULT_MIGRATIONS, type VaultTables } from './schema.ts';
export type { IssuedToken, TokenRequest } from './tokenize.ts';
export type { SubjectUpdate } from './update-subjects.ts';
export { Vault, type VaultOptions } from './vault.ts';
