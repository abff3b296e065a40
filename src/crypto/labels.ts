/**
 * Key-derivation labels: the HKDF `info` strings that name every key derived from the root.
 *
 * A label is `shiming/v<N>/<purpose>[/<param>…]`. Each parameter is percent-encoded with
 * `encodeURIComponent`, so a `/` inside a parameter (a log origin such as `example.com/audit`)
 * cannot be confused with a separator: `shiming/v1/log-signing/example.com%2Faudit`.
 *
 * INVARIANT — read before editing this file. A label is part of the key. Changing a label's text,
 * its version, its parameter encoding, or the suite/length it is derived with silently changes
 * the key: every stored audit HMAC stops matching `auditHash` lookups and every checkpoint
 * signature changes public key. To change a derivation, add a new label with a new version
 * (`shiming/v2/...`) and migrate; never edit a row of the table below in place.
 *
 * | purpose            | label                                   | suite          | bytes | used for                                |
 * |--------------------|-----------------------------------------|----------------|-------|-----------------------------------------|
 * | `audit-hmac`       | `shiming/v1/audit-hmac/<log>`           | per log        | 32    | HMAC of identifiers in audit entries    |
 * | `log-signing`      | `shiming/v1/log-signing/<origin>`       | `intl` always  | 32    | Ed25519 seed for checkpoint signatures  |
 * | `root-fingerprint` | `shiming/v1/root-fingerprint`           | `intl` always  | 8     | non-secret id of the root key (hex)     |
 *
 * Reserved for the vault (issue 4), not yet derived: `tenant-kek`, `blind-index`, `token`.
 * @module
 */
import { CryptoError } from './errors.ts';
import { HKDF_MAX_INFO_BYTES } from './hkdf.ts';

/** Prefix of every version-1 label. */
export const LABEL_PREFIX_V1 = 'shiming/v1';

/** The purposes with a label in version 1. */
export type KeyPurpose = 'audit-hmac' | 'log-signing' | 'root-fingerprint';

/** Full label grammar: prefix, version, purpose, then percent-encoded non-empty parameters. */
const LABEL_PATTERN =
  /^shiming\/v[1-9][0-9]*\/[a-z][a-z0-9-]*(?:\/(?:[A-Za-z0-9\-_.!~*'()]|%[0-9A-F]{2})+)*$/;

/** Throws `INVALID_LABEL` unless `label` follows the grammar above and fits in HKDF `info`. */
export function assertValidLabel(label: string): void {
  if (!LABEL_PATTERN.test(label) || Buffer.byteLength(label, 'utf8') > HKDF_MAX_INFO_BYTES) {
    throw new CryptoError(
      'INVALID_LABEL',
      'key label must look like "shiming/v1/<purpose>/<param>" with percent-encoded, non-empty params',
    );
  }
}

/**
 * Build a version-1 label from a purpose and its parameters.
 *
 * @param purpose - one of {@link KeyPurpose}
 * @param params - non-empty, well-formed strings; percent-encoded here
 */
export function keyLabel(purpose: KeyPurpose, ...params: string[]): string {
  const parts = params.map((p) => {
    if (p.length === 0 || !p.isWellFormed()) {
      throw new CryptoError('INVALID_LABEL', `parameters of the "${purpose}" label must be non-empty text`);
    }
    return encodeURIComponent(p.normalize('NFC'));
  });
  const label = [LABEL_PREFIX_V1, purpose, ...parts].join('/');
  assertValidLabel(label);
  return label;
}

/** `shiming/v1/audit-hmac/<log>`: the HMAC key for identifiers written to audit log `log`. */
export function auditHmacLabel(log: string): string {
  return keyLabel('audit-hmac', log);
}

/** `shiming/v1/log-signing/<origin>`: the Ed25519 seed for checkpoints of the log named `origin`. */
export function logSigningLabel(origin: string): string {
  return keyLabel('log-signing', origin);
}

/** `shiming/v1/root-fingerprint`: a short non-secret value identifying the root key. */
export const ROOT_FINGERPRINT_LABEL = keyLabel('root-fingerprint');
