/**
 * Inclusion and consistency proof generation against stored node hashes.
 *
 * Proofs are planned first, purely: RFC 9162 `PATH` (§2.1.3.1) and `PROOF`/`SUBPROOF` (§2.1.4.1)
 * name subtrees `MTH(D[a:b])`; each is either a perfect node, stored in some tile, or (on the
 * tree's right border) a few perfect nodes folded right to left. A plan is the list of those node
 * lists, so the caller can fetch every needed hash in one batch through a {@link HashReader}, and
 * no proof ever needs more of the tree than ~2·log2(size) hashes.
 *
 * @module
 */
import { FormatError } from './errors.ts';
import type { HashSuite } from './hash-suite.ts';
import { checkSize, type NodeId, rangeNodes, splitPoint } from './tree-math.ts';

/**
 * Reads stored node hashes, in request order. Every requested node is a perfect subtree complete
 * within the tree size the proof is for. The sequencer backs this with tiles
 * (see {@link tileHashReader}); tests back it with an in-memory tree.
 */
export type HashReader = (nodes: readonly NodeId[]) => Promise<readonly Uint8Array[]>;

/** A planned proof: proof hash `i` is `elements[i]` folded right to left. */
export type ProofPlan = readonly (readonly NodeId[])[];

/** `PATH(index, D[begin:end])` as subtree ranges, leaf's sibling first. */
function pathRanges(index: bigint, begin: bigint, end: bigint, out: [bigint, bigint][]): void {
  const n = end - begin;
  if (n <= 1n) return;
  const k = splitPoint(n);
  if (index - begin < k) {
    pathRanges(index, begin, begin + k, out);
    out.push([begin + k, end]);
  } else {
    pathRanges(index, begin + k, end, out);
    out.push([begin, begin + k]);
  }
}

/** `SUBPROOF(m, D[begin:end], b)` as subtree ranges. */
function subproofRanges(
  m: bigint,
  begin: bigint,
  end: bigint,
  complete: boolean,
  out: [bigint, bigint][],
): void {
  const n = end - begin;
  if (m === n) {
    if (!complete) out.push([begin, end]);
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproofRanges(m, begin, begin + k, complete, out);
    out.push([begin + k, end]);
  } else {
    subproofRanges(m - k, begin + k, end, false, out);
    out.push([begin, begin + k]);
  }
}

/**
 * Plan of the inclusion proof for leaf `index` in the tree of `size` leaves.
 *
 * @throws {@link FormatError} `INVALID_ARGUMENT` unless `0 ≤ index < size`.
 */
export function planInclusion(index: bigint, size: bigint): ProofPlan {
  checkSize(index, 'index');
  checkSize(size, 'size');
  if (index >= size) throw new FormatError('INVALID_ARGUMENT', `index ${index} is not below size ${size}`);
  const ranges: [bigint, bigint][] = [];
  pathRanges(index, 0n, size, ranges);
  return ranges.map(([a, b]) => rangeNodes(a, b));
}

/**
 * Plan of the consistency proof from `size1` to `size2`. Empty when `size1` is 0 or equals
 * `size2` (what C2SP tlog-witness expects for those cases).
 *
 * @throws {@link FormatError} `INVALID_ARGUMENT` unless `0 ≤ size1 ≤ size2`.
 */
export function planConsistency(size1: bigint, size2: bigint): ProofPlan {
  checkSize(size1, 'size1');
  checkSize(size2, 'size2');
  if (size1 > size2) throw new FormatError('INVALID_ARGUMENT', `size1 ${size1} is above size2 ${size2}`);
  if (size1 === 0n || size1 === size2) return [];
  const ranges: [bigint, bigint][] = [];
  subproofRanges(size1, 0n, size2, true, ranges);
  return ranges.map(([a, b]) => rangeNodes(a, b));
}

/** Every node a plan needs, in plan order (the order {@link resolvePlan} expects). */
export function planNodes(plan: ProofPlan): NodeId[] {
  return plan.flat();
}

/** Builds the proof from the hashes of {@link planNodes}, in the same order. */
export function resolvePlan(suite: HashSuite, plan: ProofPlan, hashes: readonly Uint8Array[]): Uint8Array[] {
  const proof: Uint8Array[] = [];
  let at = 0;
  for (const element of plan) {
    const parts = hashes.slice(at, at + element.length);
    at += element.length;
    if (parts.length !== element.length)
      throw new FormatError('INVALID_ARGUMENT', 'too few hashes for the plan');
    let acc = parts[parts.length - 1]!;
    for (let i = parts.length - 2; i >= 0; i--) acc = suite.nodeHash(parts[i]!, acc);
    proof.push(acc);
  }
  if (at !== hashes.length) throw new FormatError('INVALID_ARGUMENT', 'more hashes than the plan needs');
  return proof;
}

/**
 * The inclusion proof for leaf `index` in the tree of `size` leaves.
 *
 * @example
 * ```ts
 * const reader = tileHashReader(suite, size, readTiles);
 * const proof = await inclusionProof(suite, 41n, size, reader);
 * ```
 */
export async function inclusionProof(
  suite: HashSuite,
  index: bigint,
  size: bigint,
  reader: HashReader,
): Promise<Uint8Array[]> {
  const plan = planInclusion(index, size);
  return resolvePlan(suite, plan, await reader(planNodes(plan)));
}

/** The consistency proof from `size1` to `size2` (empty for `size1` 0 or equal sizes). */
export async function consistencyProof(
  suite: HashSuite,
  size1: bigint,
  size2: bigint,
  reader: HashReader,
): Promise<Uint8Array[]> {
  const plan = planConsistency(size1, size2);
  if (plan.length === 0) return [];
  return resolvePlan(suite, plan, await reader(planNodes(plan)));
}

/** The root of the tree of `size` leaves, from its compact range nodes. */
export async function rootAt(suite: HashSuite, size: bigint, reader: HashReader): Promise<Uint8Array> {
  checkSize(size, 'size');
  if (size === 0n) return suite.emptyRoot();
  const plan = [rangeNodes(0n, size)];
  return resolvePlan(suite, plan, await reader(planNodes(plan)))[0]!;
}
