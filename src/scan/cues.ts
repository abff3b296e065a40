/**
 * Cue words (context words, name and address cues) compiled for the byte scanner.
 *
 * Instead of searching a text window around every candidate (which costs more than the scan),
 * the scanner notes where each cue word last ended while it walks the bytes; scoring a candidate
 * is then a few array reads. CJK cues are found by their first character (a 64K flag table) and
 * a byte comparison; ASCII cues are whole alphanumeric words, compared lower-cased without `_`/`-`.
 *
 * @module
 */
import type { PiTypeId } from '../pi/types.ts';

/** Flags in the per-code-point table. */
export const F_CUE = 1;
/** Province abbreviations that start a licence plate (京, 沪, 粤 …). */
export const F_PROVINCE = 2;
/** Address structure characters (省 市 区 路 号 …): two on one line ask for an address check. */
export const F_ADDRESS_PART = 4;

export type CueRole = 'raise' | 'lower' | 'name' | 'address';

/** Bits of `CueIndex.roleBits`: a cue that asks for the name / address matchers. */
export const R_NAME = 1;
export const R_ADDRESS = 2;

export interface CjkCue {
  readonly id: number;
  /** UTF-8 bytes of the whole word. */
  readonly bytes: Uint8Array;
}

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** FNV-1a (32-bit) of an ASCII key, as the lexer computes it on lower-cased bytes. */
export function fnv1a(key: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Normalise a field or ASCII cue: lower-case, without spaces, `_`, `-`, quotes and backticks. */
export function normaliseKey(s: string): string {
  return s.toLowerCase().replace(/[\s_\-"'`.]/g, '');
}

export class CueIndex {
  readonly words: string[] = [];
  readonly roles: Set<CueRole>[] = [];
  /** Per cue id: its length (characters), to prefer `idcard` over `card` when both end together. */
  lengths = new Int32Array(0);
  /** Per cue id: its length in UTF-8 bytes as written (ASCII cues: without separators). */
  byteLengths = new Int32Array(0);
  /** Per cue id: R_NAME | R_ADDRESS, read on the hot path. */
  roleBits = new Uint8Array(0);
  readonly flags = new Uint8Array(65536);
  readonly cjkByFirst = new Map<number, CjkCue[]>();
  readonly asciiWords = new Map<string, number>();
  /** (hash, length) of each ASCII cue → id; the length makes a collision even less likely. */
  readonly #asciiHashes = new Map<number, number>();
  /** Per type: cue ids that raise / lower its score. */
  readonly raiseIds = new Map<PiTypeId, Int32Array>();
  readonly lowerIds = new Map<PiTypeId, Int32Array>();
  /** Per type: raise cues of other types that are not its own (they lower it). */
  readonly foreignIds = new Map<PiTypeId, Int32Array>();

  /** Compute `foreignIds` once every type's cues are registered. */
  computeForeign(): void {
    for (const [type, own] of this.raiseIds) {
      const mine = new Set([...own, ...(this.lowerIds.get(type) ?? [])]);
      const foreign = new Set<number>();
      for (const [other, ids] of this.raiseIds) {
        if (other === type) continue;
        for (const id of ids) if (!mine.has(id)) foreign.add(id);
      }
      this.foreignIds.set(type, Int32Array.from(foreign));
    }
  }
  readonly #ids = new Map<string, number>();

  /** Register a cue word and return its id. */
  add(word: string, role: CueRole): number {
    const isAscii = /^[\x20-\x7e]+$/.test(word);
    const key = isAscii ? normaliseKey(word) : word;
    if (key === '') return -1;
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.words.length;
      this.words.push(key);
      this.roles.push(new Set());
      this.#ids.set(key, id);
      if (isAscii) {
        this.asciiWords.set(key, id);
        if (/^[a-z0-9]+$/.test(key)) this.#asciiHashes.set(fnv1a(key) * 64 + key.length, id);
      } else {
        const first = word.codePointAt(0)!;
        // Only cues starting with a 3-byte character (all CJK cues) are indexed by first character.
        if (first < 0x800 || first > 0xffff) return id;
        this.flags[first]! |= F_CUE;
        const list = this.cjkByFirst.get(first) ?? [];
        list.push({ id, bytes: Buffer.from(word, 'utf8') });
        // Longest first, so 身份证号码 wins over 身份证.
        list.sort((a, b) => b.bytes.length - a.bytes.length);
        this.cjkByFirst.set(first, list);
      }
    }
    this.roles[id]!.add(role);
    if (this.roleBits.length <= id) {
      const grown = new Uint8Array(Math.max(64, id * 2));
      grown.set(this.roleBits);
      this.roleBits = grown;
      const lengths = new Int32Array(grown.length);
      lengths.set(this.lengths);
      this.lengths = lengths;
      const byteLengths = new Int32Array(grown.length);
      byteLengths.set(this.byteLengths);
      this.byteLengths = byteLengths;
    }
    this.lengths[id] = [...key].length;
    this.byteLengths[id] = Buffer.byteLength(key, 'utf8');
    if (role === 'name') this.roleBits[id]! |= R_NAME;
    if (role === 'address') this.roleBits[id]! |= R_ADDRESS;
    return id;
  }

  /** Id of the ASCII cue with this lexer hash and length, or -1. */
  asciiByHash(hash: number, length: number): number {
    return this.#asciiHashes.get(hash * 64 + length) ?? -1;
  }

  /**
   * Every CJK cue starting at `buf[i]` (whose first code point is `cp`), longest first: both
   * 证件号码 and its prefix 证件号 are seen, since different types listen for each.
   */
  matchCjk(buf: Uint8Array, i: number, cp: number, found: (cue: CjkCue) => void): void {
    const list = this.cjkByFirst.get(cp);
    if (!list) return;
    outer: for (const cue of list) {
      const b = cue.bytes;
      if (i + b.length > buf.length) continue;
      for (let k = 3; k < b.length; k++) if (buf[i + k] !== b[k]) continue outer;
      found(cue);
    }
  }
}
