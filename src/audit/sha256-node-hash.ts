/**
 * SHA-256 of exactly one RFC 9162 interior node, `H(0x01 ‖ left ‖ right)`, in plain JavaScript.
 *
 * Why not node:crypto: a node hash is 65 bytes, two SHA-256 blocks, which OpenSSL compresses in
 * well under 0.2 µs; but each `crypto.hash` call costs about 1.9 µs on the development machine,
 * almost all of it the binding (argument checks, a digest fetch, a new Buffer). Proof verification
 * and tree appends are nothing but node hashes, so that overhead set their speed. This function
 * does the same work in about 0.85 µs.
 *
 * It is specialised to the one message shape, which is also what makes it cheap:
 * - block 1 is `0x01 ‖ left ‖ right[0..30]`, read straight from the two arrays;
 * - block 2 is `right[31] ‖ 0x80 ‖ zeros ‖ length (520 bits)`: only its first byte varies, so its
 *   256 possible message schedules, already added to the round constants, are computed once at load.
 *
 * Correctness is checked three ways: a self-test at module load against node:crypto (a mismatch
 * makes {@link nodeHashSha256} unavailable and the suite falls back to node:crypto), property tests
 * against node:crypto for random inputs and every last byte, and the RFC 9162 / transparency-dev /
 * Tessera vectors every suite test runs.
 *
 * @module
 */
import { hash } from 'node:crypto';

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

// FIPS 180-4 §5.3.3: the initial hash value.
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Message length of a node hash in bits: (1 + 32 + 32) · 8. */
const NODE_BITS = 520;

const state = new Int32Array(8);
// Block 1's schedule plus round constants (`K[t] + W[t]`), rebuilt per call.
const kw1 = new Int32Array(64);
// Block 2's `K[t] + W[t]` for each value of right[31], at offset 64 · value.
const kw2 = new Int32Array(256 * 64);

/** Extends `w[off..off+16)` to the full 64-word schedule (FIPS 180-4 §6.2.2 step 1). */
function schedule(w: Int32Array, off: number): void {
  for (let t = off + 16; t < off + 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
}

/** Adds the round constants to a schedule in place. */
function addConstants(w: Int32Array, off: number): void {
  for (let t = 0; t < 64; t++) w[off + t] = (w[off + t]! + K[t]!) | 0;
}

for (let v = 0; v < 256; v++) {
  const off = 64 * v;
  kw2[off] = (v << 24) | 0x800000; // right[31], then the 0x80 padding byte
  kw2[off + 15] = NODE_BITS; // words 1..14 are zero; word 14 is the high half of the length
  schedule(kw2, off);
  addConstants(kw2, off);
}

/**
 * One compression of `state` with a prepared `K + W` schedule (FIPS 180-4 §6.2.2 steps 2–4),
 * unrolled by eight so the working variables rotate by renaming instead of by moves. Each round is
 * `T1 = h + Σ1(e) + Ch(e,f,g) + K[t] + W[t]; d += T1; h = T1 + Σ0(a) + Maj(a,b,c)` with the roles
 * of the letters shifted by one each round. Σ0, Σ1, Ch and Maj are written out: as helper
 * functions the whole hash measured 1.7× slower.
 */
// biome-ignore format: one line per round step keeps the eight rounds comparable at a glance
function compress(kw: Int32Array, off: number): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  let t1: number;
  for (let t = off; t < off + 64; t += 8) {
    t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + kw[t]!) | 0;
    d = (d + t1) | 0;
    h = (t1 + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    t1 = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + ((d & e) ^ (~d & f)) + kw[t + 1]!) | 0;
    c = (c + t1) | 0;
    g = (t1 + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) ^ (h & b) ^ (a & b))) | 0;
    t1 = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + ((c & d) ^ (~c & e)) + kw[t + 2]!) | 0;
    b = (b + t1) | 0;
    f = (t1 + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) ^ (g & a) ^ (h & a))) | 0;
    t1 = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + ((b & c) ^ (~b & d)) + kw[t + 3]!) | 0;
    a = (a + t1) | 0;
    e = (t1 + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) ^ (f & h) ^ (g & h))) | 0;
    t1 = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + ((a & b) ^ (~a & c)) + kw[t + 4]!) | 0;
    h = (h + t1) | 0;
    d = (t1 + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) ^ (e & g) ^ (f & g))) | 0;
    t1 = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + ((h & a) ^ (~h & b)) + kw[t + 5]!) | 0;
    g = (g + t1) | 0;
    c = (t1 + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) ^ (d & f) ^ (e & f))) | 0;
    t1 = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + ((g & h) ^ (~g & a)) + kw[t + 6]!) | 0;
    f = (f + t1) | 0;
    b = (t1 + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) ^ (c & e) ^ (d & e))) | 0;
    t1 = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + ((f & g) ^ (~f & h)) + kw[t + 7]!) | 0;
    e = (e + t1) | 0;
    a = (t1 + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) ^ (b & d) ^ (c & d))) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** Big-endian word of `bytes` at `i` (caller guarantees `i + 3 < bytes.length`). */
function word(bytes: Uint8Array, i: number): number {
  return (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
}

/**
 * `SHA-256(0x01 ‖ left ‖ right)` written into `out[0..32)`. Both inputs must be 32 bytes (the
 * caller checks); `out` may be either input. Not reentrant across threads' shared memory, which
 * JavaScript does not have: each worker loads its own copy of this module.
 */
function nodeHashInto(left: Uint8Array, right: Uint8Array, out: Uint8Array): void {
  state.set(IV);
  const w = kw1;
  w[0] = 0x01000000 | (left[0]! << 16) | (left[1]! << 8) | left[2]!;
  for (let i = 1; i < 8; i++) w[i] = word(left, 4 * i - 1);
  w[8] = (left[31]! << 24) | (right[0]! << 16) | (right[1]! << 8) | right[2]!;
  for (let i = 9; i < 16; i++) w[i] = word(right, 4 * i - 33);
  const last = right[31]!; // read before `out` (possibly `right`) is overwritten
  schedule(w, 0);
  addConstants(w, 0);
  compress(w, 0);
  compress(kw2, 64 * last);
  for (let i = 0; i < 8; i++) {
    const s = state[i]!;
    out[4 * i] = s >>> 24;
    out[4 * i + 1] = s >>> 16;
    out[4 * i + 2] = s >>> 8;
    out[4 * i + 3] = s;
  }
}

/** Compares this implementation with node:crypto on a few fixed inputs (every byte position varies). */
function selfTest(): boolean {
  const scratch = Buffer.alloc(65);
  scratch[0] = 0x01;
  const left = new Uint8Array(32);
  const right = new Uint8Array(32);
  const out = new Uint8Array(32);
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 32; i++) {
      left[i] = (i * 37 + round * 101 + 7) & 0xff;
      right[i] = (i * 59 + round * 13 + 200) & 0xff;
    }
    nodeHashInto(left, right, out);
    scratch.set(left, 1);
    scratch.set(right, 33);
    const want = hash('sha256', scratch, 'buffer');
    if (!want.equals(out)) return false;
  }
  return true;
}

/**
 * The fast node hash, or `undefined` if the load-time self-test failed (then callers use
 * node:crypto; it never has on any machine this was run on).
 */
export const nodeHashSha256: ((left: Uint8Array, right: Uint8Array) => Buffer) | undefined = selfTest()
  ? (left, right) => {
      const out = Buffer.allocUnsafe(32); // every byte is written below
      nodeHashInto(left, right, out);
      return out;
    }
  : undefined;
