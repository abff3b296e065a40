/**
 * What a witness remembers: per log origin, the latest checkpoint it cosigned. That record is the
 * regulator's anchor — a log that later shows a shorter or different tree contradicts it.
 *
 * Stores are injected ({@link FileWitnessStateStore} on disk, {@link MemoryWitnessStateStore} in
 * tests). Updates are compare-and-swap, so a check-then-write race can never roll a record back
 * (the race C2SP tlog-witness spells out).
 *
 * @module
 */
import { bytesEqual } from '../bytes.ts';
import type { Checkpoint } from '../checkpoint.ts';

/** The latest checkpoint a witness cosigned for one log. */
export interface WitnessRecord {
  /** The parsed checkpoint (origin, size, root). */
  readonly checkpoint: Checkpoint;
  /** The note as cosigned: the checkpoint text, the log's verified signatures and our cosignature. */
  readonly note: string;
}

/** Durable per-origin storage of {@link WitnessRecord}s. */
export interface WitnessStateStore {
  /** The record for `origin`, or `undefined` if the witness never cosigned for it. */
  load(origin: string): Promise<WitnessRecord | undefined>;
  /**
   * Durably replaces the record for `origin` with `next`, only if the stored record is still
   * `previous` (same size and root; `undefined` = none). Resolves `false` when it is not.
   * Must not resolve `true` before `next` is durable: the witness hands out its cosignature after.
   */
  compareAndSwap(origin: string, previous: WitnessRecord | undefined, next: WitnessRecord): Promise<boolean>;
}

/** Whether two records name the same tree (size and root); `undefined` only equals `undefined`. */
export function sameWitnessRecord(a: WitnessRecord | undefined, b: WitnessRecord | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.checkpoint.origin === b.checkpoint.origin &&
    a.checkpoint.size === b.checkpoint.size &&
    bytesEqual(a.checkpoint.root, b.checkpoint.root)
  );
}

/** A {@link WitnessStateStore} in memory: for tests, and a witness that may forget on restart. */
export class MemoryWitnessStateStore implements WitnessStateStore {
  readonly #records = new Map<string, WitnessRecord>();

  async load(origin: string): Promise<WitnessRecord | undefined> {
    return this.#records.get(origin);
  }

  async compareAndSwap(
    origin: string,
    previous: WitnessRecord | undefined,
    next: WitnessRecord,
  ): Promise<boolean> {
    if (!sameWitnessRecord(this.#records.get(origin), previous)) return false;
    this.#records.set(origin, next);
    return true;
  }

  /** Origins with a record. */
  origins(): string[] {
    return [...this.#records.keys()];
  }
}
