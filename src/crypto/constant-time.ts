/**
 * Constant-time comparison for secrets (MACs, tokens, API-key hashes).
 *
 * Node's `timingSafeEqual` throws when lengths differ. These wrappers return `false` instead and
 * still do a full-length comparison, so the time taken depends only on the lengths — which are
 * treated as public (all our MACs and keys have fixed, documented lengths).
 * @module
 */
import { timingSafeEqual } from 'node:crypto';

/** True if `a` and `b` hold the same bytes; constant time for a given pair of lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    // Burn the same work as a real comparison of the expected value, then fail.
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** {@link constantTimeEqual} over the UTF-8 bytes of two strings (e.g. `hmac-sha256:<hex>` identifiers). */
export function constantTimeEqualString(a: string, b: string): boolean {
  return constantTimeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
