/**
 * Cue words (context words, name and address cues) compiled for the byte scanner.
 *
 * Instead of searching a text window around every candidate (which costs more than the scan),
 * the scanner logs where each cue word ends while it walks the bytes (cue-log.ts); scoring a
 * candidate reads back the few logged in its window. CJK cues are found by their first character
 * (a 64K flag table), a pair filter on the next character and a byte comparison; ASCII cues are
 * whole alphanumeric words, compared lower-cased without `_`/`-` (by hash and length).
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
/** A CJK cue starts with this character and has no 3-byte second character (see `cjkPairs`). */
export const F_CUE_LOOSE = 8;

export type CueRole = 'raise' | 'lower' | 'name' | 'address';

/** Bits of `CueIndex.roleBits`: a cue that asks for the name / address matchers. */
export const R_NAME = 1;
export const R_ADDRESS = 2;

export interface CjkCue {
  readonly id: number;
  /** UTF-8 bytes of the whole word. */
  readonly bytes: Uint8Array;
  /** Code point of its second character when that is a 3-byte one (a quick reject), else -1. */
  readonly second: number;
}

/** Slot of a (first, second) character pair in `CueIndex.cjkPairs`. */
export function cjkPair(first: number, second: number): number {
  return ((first << 6) ^ second) & 0xffff;
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
  /** `cjkByFirst` as an array indexed by code point (built by `freeze`): no hashing per character. */
  cjkTable: (readonly CjkCue[] | undefined)[] = [];
  /**
   * A bit per hashed (first, second) character pair of the CJK cues (with F_CUE_LOOSE for first
   * characters that also start a cue without a 3-byte second character): a character followed by
   * a pair no cue starts with is passed over without walking its cue list.
   */
  readonly cjkPairs = new Uint8Array(1 << 13);
  readonly asciiWords = new Map<string, number>();
  /** (hash, length) of each ASCII cue → id; the length makes a collision even less likely. */
  readonly #asciiHashes = new Map<number, number>();
  /**
   * The same map as an open-addressing table (hash, length, id triples), so the lexer looks words
   * up without boxing `hash * 64 + length` into a heap number. Built by `freeze()`.
   */
  #table = new Int32Array(0);
  #tableMask = 0;
  /** Lengths (< 64) of the ASCII cues: a word of another length needs no hash. */
  readonly asciiLengths = new Uint8Array(64);
  /** Per type: cue ids that raise / lower its score. */
  readonly raiseIds = new Map<PiTypeId, Int32Array>();
  readonly lowerIds = new Map<PiTypeId, Int32Array>();
  /** Per type: raise cues of other types that are not its own (they lower it). */
  readonly foreignIds = new Map<PiTypeId, Int32Array>();

  /**
   * Compute `foreignIds` once every type's cues are registered. Name and address cues are nobody's
   * foreign words: they announce a person or a place, and a person's number often follows them
   * (`客户：张女士 13912345678`, `收件人 13912345678`), where a document word (`身份证` before a
   * number that passes Luhn) does speak against a card.
   */
  computeForeign(): void {
    for (const [type, own] of this.raiseIds) {
      const mine = new Set([...own, ...(this.lowerIds.get(type) ?? [])]);
      const foreign = new Set<number>();
      for (const [other, ids] of this.raiseIds) {
        if (other === type || other === 'CN_NAME' || other === 'CN_ADDRESS') continue;
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
        // Shorter than 64, so `hash * 64 + length` stays unambiguous (see asciiLookup).
        if (/^[a-z0-9]+$/.test(key) && key.length < 64)
          this.#asciiHashes.set(fnv1a(key) * 64 + key.length, id);
      } else {
        const first = word.codePointAt(0)!;
        // Only cues starting with a 3-byte character (all CJK cues) are indexed by first character.
        if (first < 0x800 || first > 0xffff) return id;
        this.flags[first]! |= F_CUE;
        const list = this.cjkByFirst.get(first) ?? [];
        const bytes = Buffer.from(word, 'utf8');
        const second = word.codePointAt(1) ?? -1;
        list.push({ id, bytes, second: second >= 0x800 && second <= 0xffff ? second : -1 });
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

  /** Build the lookup table once every cue is registered. */
  freeze(): void {
    let size = 16;
    while (size < this.#asciiHashes.size * 4) size *= 2;
    const table = new Int32Array(size * 3).fill(-1);
    const mask = size - 1;
    for (const [key, id] of this.#asciiHashes) {
      const length = ((key % 64) + 64) % 64;
      const hash = (key - length) / 64;
      this.asciiLengths[length] = 1;
      let slot = (hash ^ length) & mask;
      while (table[slot * 3 + 2]! >= 0) slot = (slot + 1) & mask;
      table[slot * 3] = hash;
      table[slot * 3 + 1] = length;
      table[slot * 3 + 2] = id;
    }
    this.#table = table;
    this.#tableMask = mask;
    this.cjkTable = new Array<readonly CjkCue[] | undefined>(65536).fill(undefined);
    for (const [first, list] of this.cjkByFirst) {
      this.cjkTable[first] = list;
      for (const cue of list) {
        if (cue.second >= 0) {
          const h = cjkPair(first, cue.second);
          this.cjkPairs[h >> 3]! |= 1 << (h & 7);
        } else this.flags[first]! |= F_CUE_LOOSE;
      }
    }
  }

  /**
   * Id of the ASCII cue with this lexer hash and length, or -1: the cue whose key `hash * 64 +
   * length` equals the word's (so a word of 64 or more characters aliases `(hash + 1) * 64 +
   * (length - 64)`), looked up without boxing that key into a heap number.
   */
  asciiLookup(hash: number, length: number): number {
    let h = hash;
    let len = length;
    if (len >= 64) {
      h += Math.floor(len / 64);
      len %= 64;
      if (h > 0x7fffffff || len === 0) return -1;
    }
    const table = this.#table;
    const mask = this.#tableMask;
    let slot = (h ^ len) & mask;
    for (;;) {
      const id = table[slot * 3 + 2]!;
      if (id < 0) return -1;
      if (table[slot * 3] === h && table[slot * 3 + 1] === len) return id;
      slot = (slot + 1) & mask;
    }
  }
}
