/**
 * `auditIdentifier`: how the audit log names a person or a PI value without holding it — the
 * keyed HMAC of `src/crypto/`, with PI values put in their catalogue's canonical form first, so
 * an investigator's `110105 19491231 002x` finds the entries written for `11010519491231002X`.
 *
 * @module
 */
import { hmacIdentifier } from '../crypto/hmac-identifier.ts';
import type { HmacKey } from '../crypto/hmac-key.ts';
import { isPiTypeId, piType } from '../pi/catalogue.ts';

/**
 * `hmac-sha256:<hex>` (or `hmac-sm3:`) of `value` under `kind`: a PI type id (`CN_MOBILE`), whose
 * `normalise` decides the canonical form, or another name (`actor`), normalised by NFC and trim.
 */
export function auditIdentifier(key: HmacKey, kind: string, value: string): string {
  return hmacIdentifier(key, kind, value, isPiTypeId(kind) ? piType(kind).normalise : undefined);
}
