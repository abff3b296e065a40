/**
 * Where cue words were seen, for scoring candidates in their context.
 *
 * The scanner records every cue it passes (`record`): the cue's latest end position per id, and
 * the event itself in a small ring. Scoring a candidate then walks back only over the few events
 * whose end can still fall in its window, instead of testing every cue id of every type.
 *
 * The answer is the one the per-id scan gives: only a cue's latest occurrence counts (an
 * occurrence after the candidate hides an earlier one, as it always has), the nearest wins, then
 * the longer cue, then the cue listed first for the type. When the ring has been overrun inside a
 * window (a pathological run of cues), it falls back to the per-id scan.
 *
 * @module
 */
import type { CueIndex } from './cues.ts';

const RING = 256;
const RING_MASK = RING - 1;

/** Per enabled type: each cue id's rank in its raise, lower and foreign lists (-1: not in it). */
export interface CueRanks {
  readonly raise: Int16Array;
  readonly lower: Int16Array;
  readonly foreign: Int16Array;
}

/** Build a type's rank tables from its cue id lists (first listing wins, as in a linear scan). */
export function cueRanks(count: number, raise: Int32Array, lower: Int32Array, foreign: Int32Array): CueRanks {
  const rank = (ids: Int32Array): Int16Array => {
    const r = new Int16Array(count).fill(-1);
    for (let i = 0; i < ids.length; i++) if (r[ids[i]!]! < 0) r[ids[i]!] = i;
    return r;
  };
  return { raise: rank(raise), lower: rank(lower), foreign: rank(foreign) };
}

export class CueLog {
  /** Per cue id: where its latest occurrence ends (-1: not seen in this region). */
  readonly lastPos: Float64Array;
  readonly #lengths: Int32Array;
  readonly #evEnd = new Float64Array(RING);
  readonly #evFrom = new Float64Array(RING);
  readonly #evId = new Int32Array(RING);
  #count = 0;
  /** Longest `end - from` recorded: events starting before `floor - maxSpan` cannot reach it. */
  #maxSpan = 0;
  /** Distinct cue ids seen on the current line (for "a raise word anywhere before, on the line"). */
  readonly #lineIds: Int32Array;
  #lineCount = 0;
  readonly #lineStamp: Int32Array;
  #line = 1;

  // Results of `nearest` (kept in fields: the hot path allocates nothing).
  raiseAt = -1;
  raiseId = -1;
  lowerAt = -1;
  lowerId = -1;
  foreignAt = -1;
  foreignId = -1;

  constructor(cues: CueIndex) {
    const n = cues.words.length;
    this.lastPos = new Float64Array(n).fill(-1);
    this.#lengths = cues.lengths;
    this.#lineIds = new Int32Array(n);
    this.#lineStamp = new Int32Array(n);
  }

  /** Forget everything (a new region). */
  reset(): void {
    this.lastPos.fill(-1);
    this.#count = 0;
    this.#maxSpan = 0;
    this.newLine();
  }

  newLine(): void {
    this.#line++;
    this.#lineCount = 0;
  }

  /** Cue `id` spans `[from, end)`. Calls come in non-decreasing `from` order within a region. */
  record(id: number, from: number, end: number): void {
    this.lastPos[id] = end;
    const slot = this.#count & RING_MASK;
    this.#evEnd[slot] = end;
    this.#evFrom[slot] = from;
    this.#evId[slot] = id;
    this.#count++;
    if (end - from > this.#maxSpan) this.#maxSpan = end - from;
    if (this.#lineStamp[id] !== this.#line) {
      this.#lineStamp[id] = this.#line;
      this.#lineIds[this.#lineCount++] = id;
    }
  }

  /**
   * The nearest raise, lower and foreign cue of a type ending in `[floor, start]` (latest
   * occurrences only), into `raiseAt/raiseId`, `lowerAt/lowerId`, `foreignAt/foreignId`.
   */
  nearest(ranks: CueRanks, floor: number, start: number): void {
    this.raiseAt = -1;
    this.raiseId = -1;
    this.lowerAt = -1;
    this.lowerId = -1;
    this.foreignAt = -1;
    this.foreignId = -1;
    const lastPos = this.lastPos;
    const count = this.#count;
    const oldest = count > RING ? count - RING : 0;
    const reach = floor - this.#maxSpan;
    let k = count - 1;
    for (; k >= oldest; k--) {
      const slot = k & RING_MASK;
      if (this.#evFrom[slot]! < reach) break;
      const p = this.#evEnd[slot]!;
      if (p < floor || p > start) continue;
      const id = this.#evId[slot]!;
      if (lastPos[id] === p) this.#consider(ranks, id, p);
    }
    if (k < oldest && oldest > 0) {
      // The ring was overrun inside the window: ask every id.
      this.raiseAt = this.raiseId = this.lowerAt = this.lowerId = this.foreignAt = this.foreignId = -1;
      for (let id = 0; id < lastPos.length; id++) {
        const p = lastPos[id]!;
        if (p >= floor && p <= start) this.#consider(ranks, id, p);
      }
    }
  }

  #consider(ranks: CueRanks, id: number, p: number): void {
    const len = this.#lengths;
    const r = ranks.raise[id]!;
    if (r >= 0) {
      const best = this.raiseId;
      if (
        p > this.raiseAt ||
        (p === this.raiseAt && (len[id]! > len[best]! || (len[id] === len[best] && r < ranks.raise[best]!)))
      ) {
        this.raiseAt = p;
        this.raiseId = id;
      }
    }
    const l = ranks.lower[id]!;
    if (l >= 0) {
      const best = this.lowerId;
      if (
        p > this.lowerAt ||
        (p === this.lowerAt && (len[id]! > len[best]! || (len[id] === len[best] && l < ranks.lower[best]!)))
      ) {
        this.lowerAt = p;
        this.lowerId = id;
      }
    }
    const f = ranks.foreign[id]!;
    if (f >= 0 && (p > this.foreignAt || (p === this.foreignAt && f < ranks.foreign[this.foreignId]!))) {
      this.foreignAt = p;
      this.foreignId = id;
    }
  }

  /** Whether one of the type's raise cues ends in `[lineStart, start]` (latest occurrences only). */
  raisedOnLine(ranks: CueRanks, lineStart: number, start: number): boolean {
    const lastPos = this.lastPos;
    for (let k = 0; k < this.#lineCount; k++) {
      const id = this.#lineIds[k]!;
      if (ranks.raise[id]! < 0) continue;
      const p = lastPos[id]!;
      if (p >= lineStart && p <= start) return true;
    }
    return false;
  }
}
