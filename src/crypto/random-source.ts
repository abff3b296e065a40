/**
 * Where nonces and fresh keys come from. Production code uses the OS CSPRNG; tests pass a fixed
 * source so that known-answer vectors (which fix the nonce) run through the real code paths.
 * @module
 */
import { randomBytes } from 'node:crypto';

/**
 * Returns a fresh array of `length` bytes that the caller owns (and may zero). Must be
 * cryptographically secure outside tests.
 */
export type RandomSource = (length: number) => Uint8Array;

/** The OS CSPRNG (`crypto.randomBytes`). */
export const systemRandom: RandomSource = (length) => randomBytes(length);
