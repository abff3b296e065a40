/**
 * The right edge of a growing Merkle tree: append leaves in O(1) amortised hashes, get the root.
 *
 * A compact range `[0, size)` holds one hash per set bit of `size`: the roots of the perfect
 * subtrees the tree decomposes into, largest (leftmost) first. Appending leaf `i` pushes its hash
 * and merges once per trailing 1-bit of `i` — the RFC 9162 §2.1.2 stack algorithm — and every merge
 * yields a new *complete* node, which the sequencer stores in tiles. Appending N leaves costs N leaf
 * hashes plus fewer than N node hashes; the root costs ≤ 63 more.
 *
 * @module
 */
import { bytesEqual } from './bytes.ts';
import { FormatError } from './errors.ts';
import type { HashSuite } from './hash-suite.ts';
import { checkSize, MAX_TREE_SIZE, popCount } from './tree-math.ts';

/** Called for every node an append completes: the leaf itself (level 0), then each merge. */
export type NodeVisitor = (level: number, index: bigint, hash: Uint8Array) => void;

/** The compact range `[0, size)` of an RFC 9162 tree. */
export class CompactRange {
  readonly #suite: HashSuite;
  readonly #hashes: Uint8Array[];
  #size: bigint;

  private constructor(suite: HashSuite, size: bigint, hashes: Uint8Array[]) {
    this.#suite = suite;
    this.#size = size;
    this.#hashes = hashes;
  }

  /** The compact range of the empty tree. */
  static empty(suite: HashSuite): CompactRange {
    return new CompactRange(suite, 0n, []);
  }

  /**
   * Restores a range from its size and the hashes {@link CompactRange.hashes} returned.
   *
   * @throws {@link FormatError} `INVALID_ARGUMENT` if the count is not `popCount(size)` or a hash
   *   has the wrong length.
   */
  static from(suite: HashSuite, size: bigint, hashes: readonly Uint8Array[]): CompactRange {
    checkSize(size, 'size');
    if (hashes.length !== popCount(size)) {
      throw new FormatError(
        'INVALID_ARGUMENT',
        `a compact range of size ${size} has ${popCount(size)} hashes`,
      );
    }
    for (const h of hashes) {
      if (h.length !== suite.size)
        throw new FormatError('INVALID_ARGUMENT', 'compact range hash has wrong length');
    }
    return new CompactRange(
      suite,
      size,
      hashes.map((h) => Uint8Array.from(h)),
    );
  }

  /** Number of leaves appended so far. */
  get size(): bigint {
    return this.#size;
  }

  /** The range's hashes, largest subtree first (copies; persist them with {@link size}). */
  hashes(): Uint8Array[] {
    return this.#hashes.map((h) => Uint8Array.from(h));
  }

  /**
   * Appends a leaf hash; `visit` sees the leaf and each node the append completes.
   *
   * @returns the index the leaf got.
   */
  append(leafHash: Uint8Array, visit?: NodeVisitor): bigint {
    if (leafHash.length !== this.#suite.size) {
      throw new FormatError('INVALID_ARGUMENT', 'leaf hash has wrong length');
    }
    const index = this.#size;
    if (index === MAX_TREE_SIZE) throw new FormatError('INVALID_ARGUMENT', 'tree is full');
    visit?.(0, index, leafHash);
    let hash: Uint8Array = leafHash;
    let level = 0;
    let n = index;
    // Each trailing 1-bit of the old size is a left sibling waiting on the stack.
    while ((n & 1n) === 1n) {
      hash = this.#suite.nodeHash(this.#hashes.pop()!, hash);
      n >>= 1n;
      level++;
      visit?.(level, n, hash);
    }
    this.#hashes.push(hash);
    this.#size = index + 1n;
    return index;
  }

  /** The root: the stack folded right to left; `H()` for the empty tree. */
  root(): Uint8Array {
    const hashes = this.#hashes;
    if (hashes.length === 0) return this.#suite.emptyRoot();
    let acc = hashes[hashes.length - 1]!;
    for (let i = hashes.length - 2; i >= 0; i--) acc = this.#suite.nodeHash(hashes[i]!, acc);
    return acc;
  }

  /** A copy that can be appended to independently (e.g. for a batch that may be rolled back). */
  clone(): CompactRange {
    return new CompactRange(this.#suite, this.#size, [...this.#hashes]);
  }

  /** Same size and same hashes. */
  equals(other: CompactRange): boolean {
    if (other.#size !== this.#size || other.#hashes.length !== this.#hashes.length) return false;
    return this.#hashes.every((h, i) => bytesEqual(h, other.#hashes[i]!));
  }
}
