/**
 * The Merkle Tree Hash of a list, literally as RFC 9162 §2.1.1 defines it.
 *
 * This is the reference definition the incremental code ({@link CompactRange}, tiles, proofs) is
 * tested against; it needs every leaf hash in memory, so production paths never call it on a
 * whole log.
 *
 * @module
 */
import type { HashSuite } from './hash-suite.ts';

/**
 * `MTH(D[begin:end])` from leaf hashes (not entries):
 * `MTH({}) = H()`, `MTH({d}) = leaf hash`, otherwise split at the largest power of two `k < n`
 * and return `H(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))`. No odd node is ever duplicated.
 *
 * @example
 * ```ts
 * merkleTreeHash(suite, entries.map((e) => suite.leafHash(e)));
 * ```
 */
export function merkleTreeHash(
  suite: HashSuite,
  leafHashes: readonly Uint8Array[],
  begin = 0,
  end = leafHashes.length,
): Uint8Array {
  const n = end - begin;
  if (n === 0) return suite.emptyRoot();
  if (n === 1) return leafHashes[begin]!;
  // Largest power of two strictly below n, by doubling (array lengths are safe integers).
  let k = 1;
  while (k * 2 < n) k *= 2;
  return suite.nodeHash(
    merkleTreeHash(suite, leafHashes, begin, begin + k),
    merkleTreeHash(suite, leafHashes, begin + k, end),
  );
}

/** The Merkle Tree Hash of raw entries (hashes every entry as a leaf first). */
export function merkleTreeHashOfEntries(suite: HashSuite, entries: readonly Uint8Array[]): Uint8Array {
  return merkleTreeHash(
    suite,
    entries.map((e) => suite.leafHash(e)),
  );
}
