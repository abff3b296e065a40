/**
 * Verifies many inclusion proofs against one tree head, remembering authenticated nodes.
 *
 * Within one tree of a fixed size, position `(level, index)` names one value: the hash of leaves
 * `[index·2^level, min((index+1)·2^level, size))`. Once a proof verifies against `(size, root)`,
 * every node its chain computed below the right border, and every sibling it supplied there, is
 * authenticated at its position. A later proof that reaches an authenticated position with the
 * authenticated hash and sibling takes the authenticated parent instead of hashing; one that
 * reaches it with a different hash fails at once (its root would differ). The right-border tail
 * of a proof depends only on its inner length, so it is remembered per inner length.
 *
 * Accepts and rejects exactly what {@link verifyInclusion} does (up to SHA-256 collisions; the
 * tests run both on the same inputs), with the same error codes. For a regulator checking every
 * entry of a range, proofs then cost a few hashes instead of ~log2(size).
 *
 * @module
 */
import { bytesEqual } from './bytes.ts';
import { VerificationError } from './errors.ts';
import type { HashSuite } from './hash-suite.ts';
import { checkInclusionShape, verifyInclusion } from './verify-proof.ts';

/** Options of {@link BatchInclusionVerifier}. */
export interface BatchInclusionOptions {
  /** Cached nodes before the cache is emptied and refilled (default 65,536, about 8 MB). */
  readonly maxCachedNodes?: number;
}

/** Inclusion proofs against one `(size, root)`, typically a verified checkpoint's. */
export class BatchInclusionVerifier {
  readonly #suite: HashSuite;
  readonly #size: bigint;
  readonly #root: Uint8Array;
  readonly #max: number;
  // Authenticated hashes by position, per level. Positions are numbers (Map lookups on bigint
  // keys cost 3x more); trees beyond 2^53 leaves fall back to plain verification.
  #nodes: Map<number, Uint8Array>[] = [];
  #border = new Map<number, readonly Uint8Array[]>(); // authenticated border hashes, per inner length
  #count = 0;

  /** @throws {@link VerificationError} `INVALID_SIZE` or `WRONG_HASH_LENGTH` for an unusable tree head. */
  constructor(suite: HashSuite, size: bigint, root: Uint8Array, options: BatchInclusionOptions = {}) {
    if (typeof size !== 'bigint' || size < 1n)
      throw new VerificationError('INVALID_SIZE', 'size must be ≥ 1');
    if (root.length !== suite.size) throw new VerificationError('WRONG_HASH_LENGTH', 'root has wrong length');
    this.#suite = suite;
    this.#size = size;
    this.#root = Uint8Array.from(root);
    this.#max = options.maxCachedNodes ?? 65_536;
  }

  /**
   * Checks that `leafHash` is leaf `index` of the tree.
   *
   * @throws {@link VerificationError} exactly when {@link verifyInclusion} would.
   */
  verify(index: bigint, leafHash: Uint8Array, proof: readonly Uint8Array[]): void {
    const suite = this.#suite;
    const { inner } = checkInclusionShape(suite, index, this.#size, leafHash, proof);
    if (this.#size > MAX_SAFE) {
      verifyInclusion(suite, index, this.#size, leafHash, proof, this.#root);
      return;
    }
    const seeds: Uint8Array[] = [leafHash]; // seeds[k]: the path's node at level k
    let seed = leafHash;
    let pos = Number(index); // exact: index < size ≤ 2^53
    // Lowest level from which the path is already cached (node and sibling), so not stored again.
    let cachedFrom = inner + 1;
    for (let k = 0; k < inner; k++) {
      const sibling = proof[k]!;
      const isRight = pos % 2 === 1;
      const known = this.#nodes[k]?.get(pos);
      let parent: Uint8Array | undefined;
      if (known !== undefined) {
        if (!bytesEqual(known, seed)) throw mismatch();
        const knownSibling = this.#nodes[k]!.get(isRight ? pos - 1 : pos + 1);
        if (knownSibling !== undefined && bytesEqual(knownSibling, sibling)) {
          parent = this.#nodes[k + 1]?.get(Math.floor(pos / 2));
          if (parent !== undefined && cachedFrom > k) cachedFrom = k;
        }
      }
      seed = parent ?? (isRight ? suite.nodeHash(sibling, seed) : suite.nodeHash(seed, sibling));
      pos = Math.floor(pos / 2);
      seeds.push(seed);
    }
    const known = this.#nodes[inner]?.get(pos);
    if (known !== undefined && !bytesEqual(known, seed)) throw mismatch();
    const knownTail = this.#border.get(inner);
    if (known !== undefined && knownTail !== undefined && tailEquals(proof, inner, knownTail)) {
      cachedFrom = Math.min(cachedFrom, inner);
    } else {
      for (let j = inner; j < proof.length; j++) seed = suite.nodeHash(proof[j]!, seed);
      if (!bytesEqual(seed, this.#root)) throw mismatch();
      cachedFrom = inner + 1;
    }
    this.#remember(Number(index), inner, cachedFrom, seeds, proof);
  }

  // Stores the path below `cachedFrom` (all of it, and the border, after an eviction).
  #remember(
    index: number,
    inner: number,
    cachedFrom: number,
    seeds: readonly Uint8Array[],
    proof: readonly Uint8Array[],
  ): void {
    let upTo = cachedFrom;
    if (this.#count + 2 * inner + 1 > this.#max) {
      this.#nodes = [];
      this.#border = new Map();
      this.#count = 0;
      upTo = inner + 1;
    }
    let pos = index;
    for (let k = 0; k < upTo; k++) {
      const nodes = this.#level(k);
      const before = nodes.size;
      nodes.set(pos, seeds[k]!);
      if (k < inner) nodes.set(pos % 2 === 1 ? pos - 1 : pos + 1, proof[k]!);
      this.#count += nodes.size - before;
      pos = Math.floor(pos / 2);
    }
    if (upTo > inner) this.#border.set(inner, proof.slice(inner));
  }

  #level(k: number): Map<number, Uint8Array> {
    let nodes = this.#nodes[k];
    if (nodes === undefined) {
      nodes = new Map();
      this.#nodes[k] = nodes;
    }
    return nodes;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function tailEquals(proof: readonly Uint8Array[], from: number, tail: readonly Uint8Array[]): boolean {
  for (let j = from; j < proof.length; j++) if (!bytesEqual(proof[j]!, tail[j - from]!)) return false;
  return true;
}

function mismatch(): VerificationError {
  return new VerificationError('ROOT_MISMATCH', 'inclusion proof does not lead to the root');
}
