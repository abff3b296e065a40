/**
 * Where nonces and fresh keys come from. Production code uses the OS CSPRNG; tests pass a fixed
 * source so that known-answer vectors (which fix the nonce) run through the real code paths.
 * @module
 */
import { randomFillSync } from 'node:crypto';

/**
 * Returns a fresh array of `length` bytes that the caller owns (and may zero). Must be
 * cryptographically secure outside tests.
 */
export type RandomSource = (length: number) => Uint8Array;

// Each `randomBytes` call costs ~3 µs of fixed overhead (OpenSSL's fork check makes a syscall),
// whatever its length; a vault write takes six draws of 12–32 bytes. Drawing 4 KiB at a time
// and handing out copies makes a draw ~0.5 µs. Handed-out bytes are zeroed in the pool at once,
// so the only key material waiting in memory is bytes no caller has seen yet.
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;

/** The OS CSPRNG (`crypto.randomFillSync`), drawn in 4 KiB blocks. */
export const systemRandom: RandomSource = (length) => {
  if (!Number.isSafeInteger(length) || length < 0)
    throw new RangeError('length must be a non-negative integer');
  if (length > POOL_BYTES / 4) return randomFillSync(new Uint8Array(length));
  if (used + length > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const out = pool.slice(used, used + length);
  pool.fill(0, used, used + length);
  used += length;
  return out;
};
