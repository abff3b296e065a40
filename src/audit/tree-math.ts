/**
 * Index arithmetic for RFC 9162 Merkle trees, on `bigint`.
 *
 * Tree sizes and indices are `bigint` everywhere in this module's public API. JavaScript's bitwise
 * operators on `number` work on 32 bits (`(2**32 + 6) >> 1 === 3`), a bug class peers shipped
 * (lisk-sdk#8616); bigint shifts are exact at every size.
 *
 * A *node* `(level, index)` is the perfect subtree covering leaves
 * `[index · 2^level, (index + 1) · 2^level)`; level 0 nodes are leaves.
 *
 * @module
 */
import { FormatError } from './errors.ts';

/** A perfect subtree: `2^level` leaves starting at `index · 2^level`. */
export interface NodeId {
  readonly level: number;
  readonly index: bigint;
}

/** Largest tree size this module accepts: sizes are uint64 in every log format. */
export const MAX_TREE_SIZE = 2n ** 64n - 1n;

/** Number of bits needed to write `x` (0 for 0 — sigstore-js#646 got this wrong). */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Number of set bits of a non-negative `x`. */
export function popCount(x: bigint): number {
  let n = 0;
  for (const c of x.toString(2)) if (c === '1') n++;
  return n;
}

/** Number of trailing zero bits of a positive `x` (0 for 0). */
export function trailingZeros(x: bigint): number {
  if (x === 0n) return 0;
  let n = 0;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

/** `x` is 2^k for some k ≥ 0. */
export function isPowerOfTwo(x: bigint): boolean {
  return x > 0n && (x & (x - 1n)) === 0n;
}

/** The largest power of two strictly smaller than `n` (`n ≥ 2`): the RFC 9162 split point `k`. */
export function splitPoint(n: bigint): bigint {
  return 1n << BigInt(bitLength(n - 1n) - 1);
}

/** Throws unless `value` is a bigint in `[0, MAX_TREE_SIZE]`. */
export function checkSize(value: bigint, what: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_TREE_SIZE) {
    throw new FormatError('INVALID_ARGUMENT', `${what} must be a bigint in [0, 2^64)`);
  }
}

/**
 * The perfect subtrees that make up `[begin, end)`, left to right, largest first on the left.
 * `begin` must be a multiple of the largest power of two ≤ `end − begin` (true for every range an
 * RFC 9162 proof asks about); the MTH of the range is these nodes folded right to left.
 */
export function rangeNodes(begin: bigint, end: bigint): NodeId[] {
  const nodes: NodeId[] = [];
  let start = begin;
  for (let level = bitLength(end - begin); level >= 0; level--) {
    const width = 1n << BigInt(level);
    if (start + width <= end) {
      nodes.push({ level, index: start >> BigInt(level) });
      start += width;
    }
  }
  return nodes;
}

/** The nodes of the compact range `[0, size)`: one per set bit of `size`, largest first. */
export function compactRangeNodes(size: bigint): NodeId[] {
  return rangeNodes(0n, size);
}

/** The leaf range `[begin, end)` a node covers. */
export function nodeRange(node: NodeId): { begin: bigint; end: bigint } {
  const level = BigInt(node.level);
  return { begin: node.index << level, end: (node.index + 1n) << level };
}
