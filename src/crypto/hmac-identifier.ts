/**
 * Keyed-HMAC identifiers: how audit entries (and anything else that must not hold PI) name a
 * person, ID number or phone number. `hmac-sha256:<64 hex>` or `hmac-sm3:<64 hex>`.
 *
 * INVARIANT — the MAC input is `utf8(kind) ‖ 0x00 ‖ utf8(normalise(kind, value))`:
 * - `kind` is a PI type id (`CN_RESIDENT_ID`) or a plain name (`actor`); it can never contain 0x00,
 *   so the same value under two kinds gives unrelated identifiers and no (kind, value) pair can
 *   masquerade as another.
 * - the value is normalised by the caller's `normalise` (for PI types, the catalogue's
 *   `piType(kind).normalise`: full-width folded, separators dropped, check letter upper-cased —
 *   `audit/` passes it, as crypto sits below `pi/` and cannot import it); by default NFC + trim.
 * Changing the separator, the encoding, or a PI type's `normalise` changes identifiers, and old
 * audit entries can then no longer be found by `auditHash`. Treat each as a versioned format.
 * @module
 */
import { CryptoError } from './errors.ts';
import type { HmacKey } from './hmac-key.ts';
import type { Suite } from './suite.ts';

/** Identifier prefix per suite. */
export const HMAC_IDENTIFIER_PREFIX: Readonly<Record<Suite, string>> = {
  intl: 'hmac-sha256:',
  gm: 'hmac-sm3:',
};

/** Unicode NFC, surrounding white space removed. */
const nfcTrim = (value: string): string => value.normalize('NFC').trim();

const KIND_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const IDENTIFIER_PATTERN = /^hmac-(?:sha256|sm3):[0-9a-f]{64}$/;

/**
 * The canonical form of `value` for `kind`, as hashed by {@link hmacIdentifier}.
 *
 * @throws CryptoError `INVALID_KIND` for a malformed kind; `INVALID_VALUE` if `value` is not
 *   well-formed Unicode or normalises to the empty string
 */
export function normaliseIdentifierValue(
  kind: string,
  value: string,
  normalise: (value: string) => string = nfcTrim,
): string {
  if (!KIND_PATTERN.test(kind)) {
    throw new CryptoError(
      'INVALID_KIND',
      'identifier kind must be a PI type id or match [A-Za-z0-9_.:-]{1,64}',
    );
  }
  // Lone surrogates would all encode to U+FFFD and collide; refuse them.
  if (!value.isWellFormed()) {
    throw new CryptoError('INVALID_VALUE', `identifier value of kind ${kind} is not well-formed Unicode`);
  }
  let normalised: string;
  try {
    normalised = normalise(value);
  } catch {
    // No cause attached: a normaliser's message could quote the value.
    throw new CryptoError('INVALID_VALUE', `identifier value of kind ${kind} could not be normalised`);
  }
  if (normalised.length === 0) {
    throw new CryptoError('INVALID_VALUE', `identifier value of kind ${kind} is empty after normalisation`);
  }
  return normalised;
}

/**
 * The keyed-HMAC identifier of `value`: `hmac-sha256:<hex>` (suite `intl`) or `hmac-sm3:<hex>` (`gm`).
 *
 * Equal values in different spellings give equal identifiers (`110105 19491231 002x` and
 * `11010519491231002X` under `CN_RESIDENT_ID`), so an investigator holding a value can find the
 * entries about it by computing this with the same key; without the key the identifier reveals
 * nothing, even for low-entropy values such as phone numbers.
 *
 * @param key - an {@link HmacKey}, e.g. from `deriveAuditHmacKey`
 * @param kind - a PI type id (`CN_MOBILE`) or another name matching `[A-Za-z0-9_.:-]{1,64}`
 * @param value - the plain value; never echoed in errors
 * @param normalise - canonical form of the value (default NFC + trim); for PI types pass the catalogue's
 */
export function hmacIdentifier(
  key: HmacKey,
  kind: string,
  value: string,
  normalise?: (value: string) => string,
): string {
  const normalised = normaliseIdentifierValue(kind, value, normalise);
  const input = Buffer.concat([Buffer.from(kind, 'utf8'), Uint8Array.of(0), Buffer.from(normalised, 'utf8')]);
  return HMAC_IDENTIFIER_PREFIX[key.suite] + Buffer.from(key.mac(input)).toString('hex');
}

/** True if `text` has the shape of an identifier from {@link hmacIdentifier} (either suite). */
export function isHmacIdentifier(text: string): boolean {
  return IDENTIFIER_PATTERN.test(text);
}
