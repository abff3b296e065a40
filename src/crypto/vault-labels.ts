/**
 * Key-derivation labels for the vault's root-derived keys (issue 4). Same grammar and parameter
 * encoding as `labels.ts` (`shiming/v<N>/<purpose>/<percent-encoded params>`), checked by its
 * `assertValidLabel`; they live here so the audit labels' file stays untouched.
 *
 * INVARIANT — a label is part of the key. Changing a row's text, parameter order, version
 * encoding, suite or length silently changes the key: wrapped KEKs stop unwrapping, blind indexes
 * stop matching and format tokens stop detokenising. Add a `shiming/v2/...` label and migrate
 * instead; never edit a row in place.
 *
 * | purpose        | label                                                | suite            | bytes          | used for                                      |
 * |----------------|------------------------------------------------------|------------------|----------------|-----------------------------------------------|
 * | `kek-wrap`     | `shiming/v1/kek-wrap/<tenant>`                       | the KEK's suite  | 32 intl, 16 gm | AEAD key that wraps the tenant's random KEKs  |
 * | `blind-index`  | `shiming/v1/blind-index/<tenant>/<field>/<version>`  | tenant's suite   | 32             | HMAC key of a field's blind index             |
 * | `format-token` | `shiming/v1/format-token/<tenant>/<field>/<version>` | tenant's suite   | 32             | AES-256 key for FF1 format-valid tokens       |
 *
 * `<version>` is the decimal key version (1, 2, …) with no leading zeros.
 * @module
 */
import { aeadKeyLength } from './aead-suite.ts';
import { assertContextId, assertKeyVersion } from './ciphertext.ts';
import { assertValidLabel, LABEL_PREFIX_V1 } from './labels.ts';
import type { DeriveKeyRequest } from './root-key-provider.ts';
import type { Suite } from './suite.ts';

/** Purposes with a vault label in version 1. */
export type VaultKeyPurpose = 'kek-wrap' | 'blind-index' | 'format-token';

function vaultLabel(purpose: VaultKeyPurpose, params: readonly string[]): string {
  // Params are context ids ([A-Za-z0-9_.:-]) or decimal versions; encodeURIComponent (as in
  // labels.ts) only changes ':' to '%3A'.
  const label = [LABEL_PREFIX_V1, purpose, ...params.map((p) => encodeURIComponent(p))].join('/');
  assertValidLabel(label);
  return label;
}

/** `shiming/v1/kek-wrap/<tenant>`: derive the key that wraps `tenant`'s KEKs of `suite`. */
export function kekWrapKeyRequest(tenant: string, suite: Suite): DeriveKeyRequest {
  assertContextId('tenant', tenant);
  return { label: vaultLabel('kek-wrap', [tenant]), length: aeadKeyLength(suite), suite };
}

/** `shiming/v1/blind-index/<tenant>/<field>/<version>`: the HMAC key of a blind index. */
export function blindIndexKeyRequest(
  tenant: string,
  field: string,
  version: number,
  suite: Suite,
): DeriveKeyRequest {
  assertContextId('tenant', tenant);
  assertContextId('field', field);
  assertKeyVersion(version);
  return { label: vaultLabel('blind-index', [tenant, field, String(version)]), length: 32, suite };
}

/** `shiming/v1/format-token/<tenant>/<field>/<version>`: the AES-256 key for FF1 tokens. */
export function formatTokenKeyRequest(
  tenant: string,
  field: string,
  version: number,
  suite: Suite,
): DeriveKeyRequest {
  assertContextId('tenant', tenant);
  assertContextId('field', field);
  assertKeyVersion(version);
  return { label: vaultLabel('format-token', [tenant, field, String(version)]), length: 32, suite };
}
