/**
 * Full replay: the root of a tree recomputed from every entry (RFC 9162 §2.1.2).
 *
 * The regulator's strongest check. Entries stream through a {@link CompactRange} — the §2.1.2
 * stack algorithm: push each leaf hash, merge once per trailing 1-bit of its index, fold the stack
 * at the end — so memory stays at ≤ 64 hashes whatever the log size.
 *
 * @module
 */
import { bytesEqual } from './bytes.ts';
import type { Checkpoint } from './checkpoint.ts';
import { CompactRange } from './compact-range.ts';
import { VerificationError } from './errors.ts';
import type { HashSuite } from './hash-suite.ts';

/** Size and root of a replayed tree. */
export interface ReplayResult {
  readonly size: bigint;
  readonly root: Uint8Array;
}

/** Options of {@link replayEntries}. */
export interface ReplayOptions {
  /** Sees every leaf hash, e.g. to compare it with the stored level-0 tile. */
  readonly onLeaf?: (index: bigint, leafHash: Uint8Array) => void;
  /** Stop with `REPLAY_MISMATCH` once more than this many entries arrive (a checkpoint's size). */
  readonly maxSize?: bigint;
}

/**
 * Hashes `entries` in order into a tree and returns its size and root.
 *
 * @example
 * ```ts
 * const { size, root } = await replayEntries(suite, readEntries(db));
 * ```
 */
export async function replayEntries(
  suite: HashSuite,
  entries: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const range = CompactRange.empty(suite);
  for await (const entry of entries) {
    if (options.maxSize !== undefined && range.size >= options.maxSize) {
      throw new VerificationError('REPLAY_MISMATCH', `more than ${options.maxSize} entries`);
    }
    const leaf = suite.leafHash(entry);
    options.onLeaf?.(range.size, leaf);
    range.append(leaf);
  }
  return { size: range.size, root: range.root() };
}

/**
 * Replays `entries` and checks they are exactly the tree `checkpoint` commits to.
 *
 * @throws {@link VerificationError} `REPLAY_MISMATCH` for a different entry count or root.
 */
export async function verifyReplay(
  suite: HashSuite,
  checkpoint: Pick<Checkpoint, 'size' | 'root'>,
  entries: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: Pick<ReplayOptions, 'onLeaf'> = {},
): Promise<ReplayResult> {
  const result = await replayEntries(suite, entries, { ...options, maxSize: checkpoint.size });
  if (result.size !== checkpoint.size) {
    throw new VerificationError(
      'REPLAY_MISMATCH',
      `${result.size} entries, checkpoint says ${checkpoint.size}`,
    );
  }
  if (!bytesEqual(result.root, checkpoint.root)) {
    throw new VerificationError('REPLAY_MISMATCH', 'entries do not hash to the checkpoint root');
  }
  return result;
}
