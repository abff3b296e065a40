/**
 * Inclusion and consistency proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2).
 *
 * Written in the closed form of transparency-dev/merkle `proof/verify.go` and keeping its helper
 * names (`decompInclProof`, `chainInner`, `chainInnerRight`, `chainBorderRight`) so the two read
 * side by side. The RFC's bit-by-bit loop and this form accept exactly the same proofs — the tests
 * run a literal transcription of the RFC steps against this code — but here the expected proof
 * length is known up front, so a malformed proof is rejected before any hashing and a
 * "shift until LSB(fn) is set" loop cannot spin.
 *
 * Preconditions the RFC leaves to callers, adopted from transparency-dev (PR #140) and C2SP:
 * `index < size`; `0 < size1 ≤ size2` (a proof from the empty tree proves nothing); equal sizes
 * need an empty proof and equal roots, decided *before* hash lengths are checked (one upstream
 * vector uses 12-byte placeholder roots there). Every hash is 32 bytes; a proof is at most 64.
 *
 * @module
 */
import { bytesEqual } from './bytes.ts';
import { VerificationError } from './errors.ts';
import type { HashSuite } from './hash-suite.ts';
import { bitLength, MAX_TREE_SIZE, popCount, trailingZeros } from './tree-math.ts';

/** Inclusion proof shape: `inner` hashes below the split with `size − 1`, `border` on the right border. */
export function decompInclProof(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  const border = popCount(index >> BigInt(inner));
  return { inner, border };
}

/** Chains `seed` with `proof`, siblings left or right by the bits of `index`. */
export function chainInner(
  suite: HashSuite,
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  index: bigint,
): Uint8Array {
  let bits = index;
  for (const h of proof) {
    seed = (bits & 1n) === 0n ? suite.nodeHash(seed, h) : suite.nodeHash(h, seed);
    bits >>= 1n;
  }
  return seed;
}

/** Like {@link chainInner} but only the left siblings (bits set): rebuilds the smaller tree's root. */
export function chainInnerRight(
  suite: HashSuite,
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  index: bigint,
): Uint8Array {
  let bits = index;
  for (const h of proof) {
    if ((bits & 1n) === 1n) seed = suite.nodeHash(h, seed);
    bits >>= 1n;
  }
  return seed;
}

/** Chains `seed` with proof hashes that are all left siblings (the tree's right border). */
export function chainBorderRight(
  suite: HashSuite,
  seed: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  for (const h of proof) seed = suite.nodeHash(h, seed);
  return seed;
}

function checkHashes(suite: HashSuite, hashes: readonly Uint8Array[], what: string): void {
  for (const h of hashes) {
    if (!(h instanceof Uint8Array) || h.length !== suite.size) {
      throw new VerificationError('WRONG_HASH_LENGTH', `${what} must be ${suite.size} bytes`);
    }
  }
}

function checkBigint(value: bigint, what: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_TREE_SIZE) {
    throw new VerificationError('INVALID_SIZE', `${what} must be a bigint in [0, 2^64)`);
  }
}

/**
 * The argument checks of inclusion verification, before any hashing: index and size in range,
 * exact proof length, 32-byte hashes. Returns the proof's shape.
 *
 * @throws {@link VerificationError} `INVALID_INDEX`, `INVALID_SIZE`, `WRONG_PROOF_LENGTH`,
 *   `WRONG_HASH_LENGTH`.
 */
export function checkInclusionShape(
  suite: HashSuite,
  index: bigint,
  size: bigint,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): { inner: number; border: number } {
  checkBigint(index, 'index');
  checkBigint(size, 'size');
  if (index >= size) throw new VerificationError('INVALID_INDEX', `index ${index} is not below size ${size}`);
  const shape = decompInclProof(index, size);
  if (proof.length !== shape.inner + shape.border) {
    throw new VerificationError(
      'WRONG_PROOF_LENGTH',
      `inclusion proof has ${proof.length} hashes, want ${shape.inner + shape.border}`,
    );
  }
  checkHashes(suite, [leafHash], 'leaf hash');
  checkHashes(suite, proof, 'proof hash');
  return shape;
}

/**
 * The root an inclusion proof leads to.
 *
 * @throws {@link VerificationError} as {@link checkInclusionShape}.
 */
export function rootFromInclusionProof(
  suite: HashSuite,
  index: bigint,
  size: bigint,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  const { inner } = checkInclusionShape(suite, index, size, leafHash, proof);
  const res = chainInner(suite, leafHash, proof.slice(0, inner), index);
  return chainBorderRight(suite, res, proof.slice(inner));
}

/**
 * Checks that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`.
 *
 * @throws {@link VerificationError} as {@link rootFromInclusionProof}, or `ROOT_MISMATCH`.
 * @example
 * ```ts
 * verifyInclusion(suite, 5n, 8n, suite.leafHash(entry), proof, checkpoint.root);
 * ```
 */
export function verifyInclusion(
  suite: HashSuite,
  index: bigint,
  size: bigint,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const got = rootFromInclusionProof(suite, index, size, leafHash, proof);
  checkHashes(suite, [root], 'root');
  if (!bytesEqual(got, root))
    throw new VerificationError('ROOT_MISMATCH', 'inclusion proof does not lead to the root');
}

/**
 * Checks that the tree of `size1` leaves with root `root1` is a prefix of the tree of `size2`
 * leaves with root `root2`.
 *
 * @throws {@link VerificationError} `INVALID_SIZE` (size1 = 0 or size1 > size2),
 *   `WRONG_PROOF_LENGTH`, `WRONG_HASH_LENGTH`, `ROOT_MISMATCH`.
 */
export function verifyConsistency(
  suite: HashSuite,
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkBigint(size1, 'size1');
  checkBigint(size2, 'size2');
  if (size2 < size1) throw new VerificationError('INVALID_SIZE', `size2 ${size2} is below size1 ${size1}`);
  // Before the equal-size branch: (0, 0) with an empty proof proves nothing (transparency-dev #140).
  if (size1 === 0n)
    throw new VerificationError('INVALID_SIZE', 'a consistency proof from the empty tree is meaningless');
  if (size1 === size2) {
    if (proof.length !== 0)
      throw new VerificationError('WRONG_PROOF_LENGTH', 'equal sizes need an empty proof');
    if (!bytesEqual(root1, root2))
      throw new VerificationError('ROOT_MISMATCH', 'equal sizes with different roots');
    return;
  }
  if (proof.length === 0) throw new VerificationError('WRONG_PROOF_LENGTH', 'empty consistency proof');

  const decomposition = decompInclProof(size1 - 1n, size2);
  const shift = trailingZeros(size1);
  const inner = decomposition.inner - shift; // shift < inner because size1 < size2
  const border = decomposition.border;
  // RFC 9162 step 2: when size1 is a power of two its root is the proof's implicit first hash.
  const seedIsRoot1 = size1 === 1n << BigInt(shift);
  const start = seedIsRoot1 ? 0 : 1;
  if (proof.length !== start + inner + border) {
    throw new VerificationError(
      'WRONG_PROOF_LENGTH',
      `consistency proof has ${proof.length} hashes, want ${start + inner + border}`,
    );
  }
  checkHashes(suite, [root1, root2], 'root');
  checkHashes(suite, proof, 'proof hash');
  const seed = seedIsRoot1 ? root1 : proof[0]!;
  const rest = proof.slice(start);
  const innerPart = rest.slice(0, inner);
  const borderPart = rest.slice(inner);
  const mask = (size1 - 1n) >> BigInt(shift);

  const hash1 = chainBorderRight(suite, chainInnerRight(suite, seed, innerPart, mask), borderPart);
  if (!bytesEqual(hash1, root1)) throw new VerificationError('ROOT_MISMATCH', 'proof does not lead to root1');
  const hash2 = chainBorderRight(suite, chainInner(suite, seed, innerPart, mask), borderPart);
  if (!bytesEqual(hash2, root2)) throw new VerificationError('ROOT_MISMATCH', 'proof does not lead to root2');
}
