/**
 * The detector: one pass over UTF-8 bytes that proposes candidates by shape, lets each PI type's
 * validator judge them, and scores them with the cue words and field names around them.
 *
 * Design notes
 * - Bytes, not strings (see bytes.ts). Full-width digits and letters are folded as they are read,
 *   so `１３８１２３４５６７８` is a mobile number and offsets still point into the original.
 * - Boundaries come from the lexer, never from `\b`: a token is a maximal run of ASCII letters and
 *   digits (and their full-width forms) joined by single separators, so `手机13812345678` yields
 *   the number and `ID_a13812345678b` yields nothing.
 * - Context is remembered, not searched: cue words are logged where they end (cue-log.ts), and a
 *   candidate looks back only over the few logged in its window.
 * - Names and addresses have no checksum; lines with a cue for them are decoded and handed to the
 *   matchers in `pi/cn-name.ts` and `pi/cn-address.ts`, as are cells whose column/key says "name".
 * - What depends only on the enabled types (cue tables, groupings, candidate lists) is built once
 *   and shared (compiled.ts); types that are off cost nothing, not even the strings of candidates.
 *
 * @module
 */
import { findAddresses } from '../pi/cn-address.ts';
import { findNames, NAME_CUES_BEFORE } from '../pi/cn-name.ts';
import type { PiTypeId, Validation } from '../pi/types.ts';
import * as bytes from './bytes.ts';
import { alignBack, cp3, decode, decodeValue, fullWidthAscii, latin1, utf8Length } from './bytes.ts';
import {
  chatHead,
  HEAD_PATTERNS,
  headMayMatch,
  headName,
  headNameText,
  MENTION,
  SENDER_AFTER,
  SENDER_BEFORE,
  SPEAKER,
} from './chat.ts';
import * as decisions from './compiled.ts';
import { Compiled, type Decision, type TypeSlot } from './compiled.ts';
import { CueLog } from './cue-log.ts';
import * as cueFlags from './cues.ts';
import { type CueIndex, cjkPair } from './cues.ts';
import { FieldResolver } from './fields.ts';
import {
  alnumMayHaveTypes,
  alnumTypes,
  digitTypes,
  firstGroupMatches,
  firstGroupMatchesBytes,
} from './shapes.ts';
import type { Explanation, ScanOptions, SourceFormat } from './types.ts';

// Module-local copies of the byte classes and flags: V8 reads an imported binding through its
// module cell, with a hole check, at every use, while a local constant is folded into the code.
const { ALNUM, CLS, DIGIT, JOIN_ANY, JOIN_DIGITS, UPPER } = bytes;
const LOWER_CASE = bytes.LOWER;
const { F_ADDRESS_PART, F_CUE, F_CUE_LOOSE, F_PROVINCE, FNV_OFFSET, FNV_PRIME, R_ADDRESS, R_NAME } = cueFlags;
const { D_FOREIGN, D_LOWER, D_MATCH, D_NONE, D_RAISE } = decisions;

/** A finding before line/column are known: offsets are bytes in the region's buffer. */
export interface RawFinding {
  // Laid out as a `Finding`, whose place-dependent fields (path, line, column, stream offsets) the
  // stream fills in: one object per finding, not two.
  path: string;
  line: number;
  column: number;
  type: PiTypeId;
  score: number;
  masked: string;
  start: number;
  end: number;
  field?: string;
  value?: string;
  explanation?: Explanation;
}

/** How far back (bytes, within the line) a context word still counts: ~20 CJK characters. */
const WINDOW = 64;
/** Another type's word must be this close (bytes, ~8 CJK characters) to speak against a value. */
const FOREIGN_WINDOW = 24;
/** Bytes decoded around a name/address cue. */
const NAME_WINDOW = 240;
const MAX_MERGED_WINDOW = 4096;
const MAX_WORDS = 64;
const MAX_TOKEN_BYTES = 512;
/** Context words move a score this share of the way to 1 (raise) or down by LOWER. */
const RAISE = 0.6;
const FIELD_RAISE = 0.8;
const LOWER = 0.35;
const INVALID_RAISE = 0.25;
/** Another type's word right before a value says it is that type: a stronger penalty. */
const FOREIGN_LOWER = 0.5;
/** Added when ranking types (not to the reported score) for a raise word elsewhere on the line. */
const LINE_BONUS = 0.1;

const PLATE_SUFFIX = '学警挂港澳使领';

/** Bytes that end a URL run (whitespace, quotes, brackets). */
const URL_END = new Uint8Array(256);
for (const ch of ' \t\r\n"\'<>()[]{},;|`') URL_END[ch.charCodeAt(0)] = 1;
/** Bytes after which a CJK character starts a cell/value: quote, delimiter. */
const CELL_OPEN = new Uint8Array(256);
for (const ch of '"\',\t|;') CELL_OPEN[ch.charCodeAt(0)] = 1;

/**
 * The score after context. Values that failed a check but kept some score (a card number failing
 * Luhn) are raised only a little, so context alone never carries them over the default bar: Luhn
 * stays a signal, not a gate, and `--min-score 0.4` still shows them.
 */
function contextual(v: Validation, decision: Decision): number {
  const base = v.score;
  switch (decision) {
    case D_MATCH:
      return base + (1 - base) * (sound(v) ? FIELD_RAISE : INVALID_RAISE);
    case D_RAISE:
      return base + (1 - base) * (sound(v) ? RAISE : INVALID_RAISE);
    case D_LOWER:
      return Math.max(0, base - LOWER);
    case D_FOREIGN:
      return Math.max(0, base - FOREIGN_LOWER);
    default:
      return base;
  }
}

/**
 * A value that failed one of its checks (a card number failing Luhn is still `valid` for a form,
 * since some domestic cards have no Luhn digit) is only lifted a little.
 */
function sound(v: Validation): boolean {
  if (!v.valid) return false;
  const checks = v.checks;
  for (let i = 0; i < checks.length; i++) if (checks[i]!.passed === false) return false;
  return true;
}

function explain(v: Validation, decision: Decision, word: string | undefined): Explanation {
  const e: {
    base: number;
    checks: Validation['checks'];
    context?: { word: string; effect: 'raise' | 'lower' };
    fieldMatched?: boolean;
    kind?: string;
  } = { base: v.score, checks: v.checks };
  if (word !== undefined && decision !== D_MATCH && decision !== D_NONE) {
    e.context = { word, effect: decision === D_RAISE ? 'raise' : 'lower' };
  }
  if (decision === D_MATCH) e.fieldMatched = true;
  if (v.kind !== undefined) e.kind = v.kind;
  return e;
}

/** Candidate lists for the fixed-shape checks (constants: `Compiled.slotsFor` caches by identity). */
const T_EMAIL: readonly PiTypeId[] = ['EMAIL'];
const T_IP: readonly PiTypeId[] = ['IP_ADDRESS'];
const T_MAC: readonly PiTypeId[] = ['MAC_ADDRESS'];
const T_MO: readonly PiTypeId[] = ['MO_ID'];
const T_HK: readonly PiTypeId[] = ['HK_ID'];
const T_BIRTH: readonly PiTypeId[] = ['BIRTH_DATE'];
const T_PLATE: readonly PiTypeId[] = ['CN_LICENSE_PLATE'];

export class Detector {
  readonly #compiled: Compiled;
  readonly #cues: CueIndex;
  readonly #log: CueLog;
  readonly #minScore: number;
  readonly #showValues: boolean;
  readonly #explain: boolean;
  readonly #validateOptions: { now?: Date };
  readonly #names: boolean;
  readonly #addresses: boolean;
  readonly #plates: boolean;
  /** Some type the lexer's tokens can be is enabled (else tokens are only read for cue words). */
  readonly #tokenTypes: boolean;
  readonly fields: FieldResolver;
  readonly #structured: boolean;
  readonly #email: readonly TypeSlot[];
  readonly #ip: readonly TypeSlot[];
  readonly #mac: readonly TypeSlot[];
  readonly #mo: readonly TypeSlot[];
  readonly #hk: readonly TypeSlot[];
  readonly #birth: readonly TypeSlot[];
  readonly #plate: readonly TypeSlot[];
  readonly #nameSlot: TypeSlot | undefined;
  readonly #addressSlot: TypeSlot | undefined;

  // Per-region state.
  #buf: Buffer = Buffer.alloc(0);
  #lineStart = 0;
  #urlStart = -1;
  readonly #nameTriggers: number[] = [];
  readonly #addressTriggers: number[] = [];
  #addressParts = 0;
  #addressCue = false;
  readonly #cellTriggers: number[] = [];
  readonly #mentions: number[] = [];
  #out: RawFinding[] = [];
  // Token scratch space (reused: the hot path allocates only strings).
  readonly #wStart = new Int32Array(MAX_WORDS);
  readonly #wEnd = new Int32Array(MAX_WORDS);
  readonly #wSep = new Uint8Array(MAX_WORDS);
  readonly #wDigits = new Uint8Array(MAX_WORDS);
  readonly #wLen = new Int32Array(MAX_WORDS);
  readonly #wFw = new Uint8Array(MAX_WORDS);
  readonly #wAnyDigit = new Uint8Array(MAX_WORDS);
  /** First word of the `_`/`-` chain a word belongs to (its joined hash runs from there). */
  readonly #wChain = new Int32Array(MAX_WORDS);
  readonly #wJoinLen = new Int32Array(MAX_WORDS);
  readonly #wText: (string | undefined)[] = new Array<string | undefined>(MAX_WORDS).fill(undefined);
  /** The token's chain 0 continues the previous token's last word (`id card`): its hash so far. */
  #chainSeed = FNV_OFFSET;

  /** Types detected only to find names next to them, not reported (see the constructor). */
  readonly #helpers: readonly PiTypeId[];

  /** Validations of the candidate being judged, one per type slot (#judge is not re-entered). */
  readonly #vals: Validation[] = [];
  // Result of #context besides the decision (fields, so scoring allocates nothing).
  #ctxWord: string | undefined = undefined;
  #ctxOnLine = false;

  constructor(options: ScanOptions = {}) {
    // Names are also found by the mobile or ID right after them (#namesBeforeNumbers): when names
    // are asked for without those types, they are detected all the same and left out of the result.
    const wanted = options.types;
    const helpers =
      wanted?.includes('CN_NAME') === true ? NAME_HELPERS.filter((t) => !wanted.includes(t)) : [];
    const shared = Compiled.of(helpers.length > 0 ? [...wanted!, ...helpers] : wanted);
    this.#helpers = helpers;
    this.#compiled = shared;
    this.#cues = shared.cues;
    this.#log = new CueLog(shared.cues);
    this.#minScore = options.minScore ?? 0.5;
    this.#showValues = options.showValues ?? false;
    this.#explain = options.explain ?? false;
    this.#validateOptions = options.now ? { now: options.now } : {};
    const format: SourceFormat = options.format ?? 'text';
    this.fields = new FieldResolver(format);
    this.#structured = format !== 'text';
    this.#names = shared.names;
    this.#addresses = shared.addresses;
    this.#plates = shared.plates;
    this.#tokenTypes = shared.tokenTypes;
    this.#email = shared.slotsFor(T_EMAIL);
    this.#ip = shared.slotsFor(T_IP);
    this.#mac = shared.slotsFor(T_MAC);
    this.#mo = shared.slotsFor(T_MO);
    this.#hk = shared.slotsFor(T_HK);
    this.#birth = shared.slotsFor(T_BIRTH);
    this.#plate = shared.slotsFor(T_PLATE);
    this.#nameSlot = shared.slots.get('CN_NAME');
    this.#addressSlot = shared.slots.get('CN_ADDRESS');
  }

  /**
   * Scan `buf[from, to)`, which must start at a line start. Returns findings sorted by start,
   * overlaps resolved (the higher score wins). Offsets are indices into `buf`.
   */
  scanRegion(buf: Uint8Array, from: number, to: number): RawFinding[] {
    this.#buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const b = this.#buf;
    this.#out = [];
    this.#log.reset();
    this.#lineStart = from;
    this.#urlStart = -1;
    this.#carryEnd = -2;
    this.fields.beginRegion(b, from, to);
    const flags = this.#cues.flags;
    const cellAware = this.#structured && (this.#names || this.#addresses);

    let i = from;
    while (i < to) {
      const c = b[i]!;
      if (c < 0x80) {
        const k = CLS[c]!;
        if (k & LETTER) {
          const e = this.#letters(i, to);
          if (e >= 0) {
            i = e;
            continue;
          }
        }
        if (k & ALNUM || (c === 0x2b && CLS[b[i + 1] ?? 0]! & DIGIT)) {
          i = this.#token(i, to);
          continue;
        }
        if (c === 0x0a) {
          this.#endLine(i);
          this.#lineStart = i + 1;
          this.#log.newLine();
        } else if (c === 0x40 && ((b[i + 1] ?? 0) & 0xf0) === 0xe0 && this.#names) {
          this.#mentions.push(i); // @张伟: a chat mention
        } else if (c === 0x3a && b[i + 1] === 0x2f && b[i + 2] === 0x2f) {
          this.#urlStart = i; // "://": the rest of this run is a URL
        } else if (this.#urlStart >= 0 && URL_END[c]) {
          this.#urlStart = -1;
        }
        i++;
        continue;
      }
      if (c >= 0xe0 && c < 0xf0) {
        if (c === 0xef) {
          const a = fullWidthAscii(b[i + 1] ?? 0, b[i + 2] ?? 0);
          if (a !== 0 && CLS[a]! & ALNUM) {
            i = this.#token(i, to);
            continue;
          }
        }
        const cp = cp3(b, i);
        const f = flags[cp]!;
        if (f !== 0) this.#cjk(i, cp, f);
        if (cellAware && (i === this.#lineStart || CELL_OPEN[b[i - 1]!])) this.#cellTriggers.push(i);
        this.#urlStart = -1;
        i += 3;
        // Chinese text is mostly characters that mean nothing to the scanner: step over them.
        // (Inside such a run no cell starts, unless broken UTF-8 put a delimiter before one.)
        while (i < to) {
          const d = b[i]!;
          if (d < 0xe0 || d >= 0xef || flags[cp3(b, i)] !== 0 || (cellAware && CELL_OPEN[b[i - 1]!])) break;
          i += 3;
        }
        continue;
      }
      i++;
    }
    this.#endLine(to);
    const found = resolveOverlaps(this.#out);
    return this.#helpers.length === 0 ? found : found.filter((f) => !this.#helpers.includes(f.type));
  }

  // ---- CJK characters: cues, address parts -------------------------------------------------

  #cjk(i: number, cp: number, f: number): void {
    if (f & F_CUE) {
      // Every cue starting here, longest first: both 证件号码 and its prefix 证件号 are seen, since
      // different types listen for each.
      const cues = this.#cues;
      const b = this.#buf;
      // The next character, to reject most cues on one comparison.
      const next = (b[i + 3]! & 0xf0) === 0xe0 ? cp3(b, i + 3) : -2;
      const pair = next >= 0 ? cjkPair(cp, next) : 0;
      const list =
        f & F_CUE_LOOSE || (next >= 0 && cues.cjkPairs[pair >> 3]! & (1 << (pair & 7)))
          ? cues.cjkTable[cp]
          : undefined;
      if (list !== undefined) {
        outer: for (const cue of list) {
          const bytes = cue.bytes;
          if ((cue.second >= 0 && cue.second !== next) || i + bytes.length > b.length) continue;
          for (let k = 3; k < bytes.length; k++) if (b[i + k] !== bytes[k]) continue outer;
          this.#log.record(cue.id, i, i + bytes.length);
          this.#roleCue(cue.id, i);
        }
      }
    }
    if (f & F_ADDRESS_PART) {
      this.#addressParts++;
      this.#addressTriggers.push(i);
    }
  }

  /** Set by a match that extends past its token. */
  #skipTo = 0;
  /** Joined hash of the last letters-only word, for cues written with spaces (`id card`). */
  #carryHash = 0;
  #carryLen = 0;
  #carryEnd = -2;

  /** A cue for the name or address matchers was seen at `i`. */
  #roleCue(id: number, i: number): void {
    const bits = this.#cues.roleBits[id]!;
    if (bits & R_NAME) this.#nameTriggers.push(i);
    if (bits & R_ADDRESS) {
      this.#addressCue = true;
      this.#addressTriggers.push(i);
    }
  }

  /** At a line end: run the name and address matchers where the line asked for them. */
  #endLine(lineEnd: number): void {
    const wantAddress = this.#addressTriggers.length > 0 && (this.#addressCue || this.#addressParts >= 2);
    if (this.#nameTriggers.length > 0 || wantAddress) {
      const triggers = wantAddress ? merged(this.#nameTriggers, this.#addressTriggers) : this.#nameTriggers;
      this.#windows(triggers, lineEnd, this.#nameTriggers.length > 0, wantAddress);
    }
    if (this.#cellTriggers.length > 0) this.#cells(lineEnd);
    if (this.#names && !this.#structured) this.#chatNames(lineEnd);
    if (this.#names) this.#namesBeforeNumbers();
    // (Setting `length` is a runtime call in V8 even when it changes nothing: only when needed.)
    if (this.#nameTriggers.length !== 0) this.#nameTriggers.length = 0;
    if (this.#addressTriggers.length !== 0) this.#addressTriggers.length = 0;
    this.#addressParts = 0;
    this.#addressCue = false;
    if (this.#cellTriggers.length !== 0) this.#cellTriggers.length = 0;
    if (this.#mentions.length !== 0) this.#mentions.length = 0;
  }

  /**
   * Names that chat exports put in fixed places: the speaker before `：` (`[09:12] 张伟：…`), the
   * sender on a header line (`2024-07-09 03:53:08 张伟`, `张伟 2024/05/26 07:38`), and `@张伟`
   * mentions. Each candidate must still pass the name validator (surname, length, stop words).
   */
  #chatNames(lineEnd: number): void {
    const b = this.#buf;
    const ls = this.#lineStart;
    const first = b[ls];
    if (lineEnd > ls && (first === 0x5b || (first! >= 0x30 && first! <= 0x39) || (first! & 0xf0) === 0xe0)) {
      const headEnd = alignBack(b, Math.min(lineEnd, ls + 96), ls);
      // Most heads are tested on their bytes; others are decoded for the patterns.
      const at = chatHead(b, ls, headEnd);
      if (at >= 0) {
        const name = headNameText(b, at, headName.end);
        this.#chatName(name, at, 0, name);
      } else if (at === HEAD_PATTERNS && headMayMatch(b, ls, headEnd)) {
        const head = decode(b, ls, headEnd);
        const m = SPEAKER.exec(head) ?? SENDER_AFTER.exec(head) ?? SENDER_BEFORE.exec(head);
        if (m?.[1] !== undefined) this.#chatName(head, ls, m.index + m[0].indexOf(m[1]), m[1]);
      }
    }
    for (const at of this.#mentions) {
      const text = decode(b, at + 1, alignBack(b, Math.min(lineEnd, at + 1 + 30), at + 1));
      const m = MENTION.exec(text);
      if (m?.[1] !== undefined) this.#chatName(text, at + 1, 0, m[1]);
    }
  }

  /**
   * A short name standing alone right before a person's number: `收货地址：…，崔思，14744968601`,
   * `报名信息：汤昌溪 210101198505164447`. Shipping labels, sign-up lists and chat messages put the
   * name there without any cue word. The candidate must be 2–4 Han characters with a separator
   * on both sides (so never the tail of a phrase) and pass the name validator with a common
   * surname.
   */
  #namesBeforeNumbers(): void {
    const out = this.#out;
    const b = this.#buf;
    const ls = this.#lineStart;
    for (let k = out.length - 1; k >= 0 && out[k]!.start >= ls; k--) {
      const f = out[k]!;
      if (f.type !== 'CN_MOBILE' && f.type !== 'CN_RESIDENT_ID') continue;
      // Back over one or two separators, then over two to four Han characters.
      let p = f.start;
      for (let n = 0; n < 2; n++) {
        const w = separatorBefore(b, p, ls);
        if (w === 0) break;
        p -= w;
      }
      if (p === f.start) continue;
      const end = p;
      while (end - p < 12 && p - 3 >= ls && isHanAt(b, p - 3)) p -= 3;
      const chars = (end - p) / 3;
      if (chars < 2 || chars > 4 || (p > ls && separatorBefore(b, p, ls) === 0)) continue;
      const name = decode(b, p, end);
      if (this.#nameScore(name) < NEXT_TO_NUMBER_MIN) continue;
      this.#emitSpan(this.#nameSlot!, name, p, 0, name.length, NEXT_TO_NUMBER_SCORE);
    }
  }

  /**
   * The name validator's score for `name`, -1 when it is no name. A chat has few speakers, each
   * on many lines, and a list few contacts: the verdicts are remembered (validate is pure).
   */
  #nameScore(name: string): number {
    let score = this.#speakerScores.get(name);
    if (score === undefined) {
      const v = this.#nameSlot!.mod.validate(name);
      score = v.valid ? v.score : -1;
      if (this.#speakerScores.size >= MEMO_LIMIT) this.#speakerScores.clear();
      this.#speakerScores.set(name, score);
    }
    return score;
  }

  #chatName(text: string, base: number, at: number, name: string): void {
    const score = this.#nameScore(name);
    if (score < 0) return;
    this.#emitSpan(
      this.#nameSlot!,
      text,
      base,
      at,
      at + name.length,
      Math.min(0.95, score + CHAT_NAME_RAISE),
    );
  }

  #windows(triggers: number[], lineEnd: number, names: boolean, addresses: boolean): void {
    const b = this.#buf;
    // Triggers are recorded in scan order, so this is mostly a check.
    if (!ascending(triggers)) triggers.sort((x, y) => x - y);
    let ws = -1;
    let we = -1;
    const flush = () => {
      if (ws < 0) return;
      const text = decode(b, ws, we);
      if (names && this.#names) {
        for (const span of findNames(text))
          this.#emitSpan(this.#nameSlot!, text, ws, span.start, span.end, span.score);
      }
      if (addresses && this.#addresses) {
        for (const span of findAddresses(text)) {
          this.#emitSpan(
            this.#addressSlot!,
            text,
            ws,
            span.start,
            span.end,
            span.score,
            undefined,
            span.masked,
          );
        }
      }
    };
    for (const t of triggers) {
      const s = alignBack(b, Math.max(this.#lineStart, t - NAME_WINDOW), this.#lineStart);
      const e = alignBack(b, Math.min(lineEnd, t + NAME_WINDOW), this.#lineStart);
      // Overlapping windows merge, up to a bound: a 100 MB single line full of cues must not
      // become one giant string (the matchers and the offset mapping are linear in it).
      if (ws >= 0 && s <= we && we - ws < MAX_MERGED_WINDOW) {
        if (e > we) we = e;
      } else {
        flush();
        ws = s;
        we = e;
      }
    }
    flush();
  }

  /** Cells (CSV cells, JSON string values, SQL strings) that start with a CJK character. */
  #cells(lineEnd: number): void {
    const b = this.#buf;
    for (const pos of this.#cellTriggers) {
      const field = this.fields.fieldAt(b, this.#lineStart, lineEnd, pos);
      if (field === undefined) continue;
      // A column named for the type, or containing one of its words (客户姓名, 紧急联系人, 注册地址).
      const isName =
        this.#names &&
        (this.#fieldSays(this.#nameSlot!, field) ||
          NAME_COLUMN_CUES.some((c) => field.includes(c) || this.fields.commentOf(field)?.includes(c)));
      const isAddress = this.#addresses && this.#fieldSays(this.#addressSlot!, field);
      if (!isName && !isAddress) continue;
      const end = this.#cellEnd(pos, lineEnd);
      const text = decode(b, pos, end);
      if (isName) {
        for (const span of findNames(text, { fieldIsName: true })) {
          this.#emitSpan(this.#nameSlot!, text, pos, span.start, span.end, span.score, field);
        }
      }
      if (isAddress) {
        for (const span of findAddresses(text, { fieldIsAddress: true })) {
          this.#emitSpan(this.#addressSlot!, text, pos, span.start, span.end, span.score, field, span.masked);
        }
      }
    }
  }

  #cellEnd(pos: number, lineEnd: number): number {
    const b = this.#buf;
    const open = b[pos - 1];
    // A string of a JSON document quoted inside another (`\"name\":\"张伟\"`) ends at its next
    // backslash-quote, however many backslashes the document was escaped with.
    if (open === 0x22 && b[pos - 2] === 0x5c) {
      for (let i = pos; i < lineEnd; i++) {
        if (b[i] !== 0x5c) continue;
        let j = i;
        while (b[j] === 0x5c) j++;
        if (b[j] === 0x22) return i;
        i = j;
      }
      return lineEnd;
    }
    const close = open === 0x22 || open === 0x27 ? open : -1;
    for (let i = pos; i < lineEnd; i++) {
      const c = b[i]!;
      if (close >= 0 ? c === close && b[i - 1] !== 0x5c : CELL_OPEN[c] || c === 0x0d) return i;
    }
    return lineEnd;
  }

  #emitSpan(
    slot: TypeSlot,
    text: string,
    base: number,
    s: number,
    e: number,
    score: number,
    field?: string,
    masked?: string,
  ): void {
    if (score < this.#minScore) return;
    const start = base + this.#utf8Offset(text, s);
    const end = start + utf8Length(text.slice(s, e));
    const value = text.slice(s, e);
    const f =
      field ?? (this.#structured ? this.fields.fieldAt(this.#buf, this.#lineStart, end, start) : undefined);
    const finding: RawFinding = {
      path: '',
      line: 0,
      column: 0,
      type: slot.id,
      score: round2(score),
      masked: masked ?? (slot === this.#nameSlot ? this.#nameMask(value) : slot.mod.mask(value)),
      start,
      end,
    };
    if (f !== undefined) finding.field = f;
    if (this.#showValues) finding.value = value;
    if (this.#explain) finding.explanation = { base: round2(score), checks: [] };
    this.#out.push(finding);
  }

  /**
   * `utf8Length(text, s)`, continued from the previous call on the same text when `s` is further
   * on: spans of one window come in order, and a long window would be walked again for each.
   */
  #utf8Offset(text: string, s: number): number {
    let from = 0;
    let bytes = 0;
    const at = this.#u8At;
    // Not from inside a surrogate pair, which utf8Length counts differently when cut there.
    if (text === this.#u8Text && s >= at && !(at > 0 && isHighSurrogate(text.charCodeAt(at - 1)))) {
      from = at;
      bytes = this.#u8Bytes;
    }
    bytes += utf8Length(text, s, from);
    this.#u8Text = text;
    this.#u8At = s;
    this.#u8Bytes = bytes;
    return bytes;
  }
  #u8Text = '';
  #u8At = 0;
  #u8Bytes = 0;

  /** Masks of names, remembered: the same few names recur (mask is pure). */
  #nameMask(value: string): string {
    let m = this.#nameMasks.get(value);
    if (m === undefined) {
      m = this.#nameSlot!.mod.mask(value);
      if (this.#nameMasks.size >= MEMO_LIMIT) this.#nameMasks.clear();
      this.#nameMasks.set(value, m);
    }
    return m;
  }
  readonly #speakerScores = new Map<string, number>();
  readonly #nameMasks = new Map<string, string>();

  // ---- ASCII / full-width tokens -------------------------------------------------------------

  /**
   * A token that is one word of ASCII letters (most words of logs, keys and English text), read
   * without the general lexer: the cue words and the carry are recorded as #token would record
   * them, and such a word is no type. Returns the index after it, or -1 to leave the token to
   * #token (followed by a digit, a separator that may join, a byte from 0x80; very long; or a
   * possible plate).
   */
  #letters(start: number, to: number): number {
    const b = this.#buf;
    let i = start + 1;
    while (i < to && CLS[b[i]!]! & LETTER) i++;
    if (i < to && (b[i]! >= 0x80 || CLS[b[i]!]! & (DIGIT | JOIN_ANY | JOIN_DIGITS))) return -1;
    const len = i - start;
    if (len > MAX_TOKEN_BYTES) return -1;
    if (
      this.#tokenTypes &&
      this.#plates &&
      start >= 3 &&
      CLS[b[start]!]! & UPPER &&
      (b[start - 3]! & 0xf0) === 0xe0
    )
      return -1;
    // `ID card no`: the previous letters-only word continues the joined hash across one space.
    const carried = start === this.#carryEnd + 1 && b[this.#carryEnd] === 0x20;
    const jlen = carried ? this.#carryLen + len : len;
    const cues = this.#cues;
    const lengths = cues.asciiLengths;
    if (len >= 64 || lengths[len]) {
      const id = cues.asciiLookup(hashLower(b, FNV_OFFSET, start, i), len);
      if (id >= 0) {
        this.#log.record(id, start, i);
        this.#roleCue(id, start);
      }
    }
    let joined = 0;
    let joinedDone = false;
    if (jlen !== len && (jlen >= 64 || lengths[jlen])) {
      joined = hashLower(b, this.#carryHash, start, i);
      joinedDone = true;
      const jid = cues.asciiLookup(joined, jlen);
      if (jid >= 0) {
        this.#log.record(jid, start, i);
        this.#roleCue(jid, start);
      }
    }
    this.#carryEnd = i;
    this.#carryLen = jlen;
    if (b[i] === 0x20)
      this.#carryHash = joinedDone ? joined : hashLower(b, carried ? this.#carryHash : FNV_OFFSET, start, i);
    return i;
  }

  /** Lex the token starting at `start`, analyse it, and return the index after it. */
  #token(start: number, to: number): number {
    const b = this.#buf;
    const wStart = this.#wStart;
    const wEnd = this.#wEnd;
    const wSep = this.#wSep;
    const wLen = this.#wLen;
    let n = 0;
    let i = start;
    // CLS bits of the current word's characters (letters, digits).
    let kinds = 0;
    let fw = 0;
    let len = 0;
    // Length of the words joined across `_`/`-` (for `id_card`); their hash is computed only for a
    // word that could be a cue (see #asciiCues), so the loop below only classifies bytes.
    let jlen = 0;
    let chain = 0;
    let hasAt = false;
    let colons = 0;
    let doubleColon = false;
    let ws = start;
    let prev = 0; // class of the previous token character
    let sep = 0;
    let overflow = false;
    let tokenKinds = 0;
    // Cue words are looked up only among words without digits.
    let wordsWithoutDigits = 0;
    this.#chainSeed = FNV_OFFSET;
    if (b[i] === 0x2b) {
      i++; // leading "+" of "+86"
      len++;
    } else if (start === this.#carryEnd + 1 && b[this.#carryEnd] === 0x20) {
      // `ID card no`: the previous letters-only word continues the joined hash across one space.
      this.#chainSeed = this.#carryHash;
      jlen = this.#carryLen;
    }

    for (;;) {
      // Fast path: a run of ASCII letters and digits.
      const run = i;
      while (i < to) {
        const c = b[i]!;
        if (c >= 0x80) break;
        const k = CLS[c]!;
        if (!(k & ALNUM)) break;
        kinds |= k;
        i++;
      }
      if (i > run) {
        prev = CLS[b[i - 1]!]!;
        len += i - run;
        jlen += i - run;
      }
      // Read one character, folding full-width forms.
      let a = 0;
      let width = 1;
      if (i < to) {
        const c = b[i]!;
        if (c < 0x80) a = c;
        else if (c === 0xef) {
          a = fullWidthAscii(b[i + 1] ?? 0, b[i + 2] ?? 0);
          width = 3;
        } else if (c === 0xe3 && b[i + 1] === 0x80 && b[i + 2] === 0x80) {
          a = 0x20; // ideographic space
          width = 3;
        }
      }
      const k = a === 0 ? 0 : CLS[a]!;
      if (k & ALNUM) {
        // A full-width letter or digit (ASCII ones were taken by the fast path).
        fw = 1;
        kinds |= k;
        prev = k;
        i += width;
        len++;
        jlen++;
        if (i - start > MAX_TOKEN_BYTES) {
          overflow = true;
          break;
        }
        continue;
      }
      if (i - start > MAX_TOKEN_BYTES) {
        overflow = true;
        break;
      }
      // A separator joins only if the character after it is alphanumeric (and digits for JOIN_DIGITS).
      let joins = false;
      if (k & (JOIN_ANY | JOIN_DIGITS) && prev !== 0 && i + width < to) {
        const nc = b[i + width]!;
        const na =
          nc < 0x80 ? nc : nc === 0xef ? fullWidthAscii(b[i + width + 1] ?? 0, b[i + width + 2] ?? 0) : 0;
        const nk = na === 0 ? 0 : CLS[na]!;
        if (k & JOIN_ANY) joins = (nk & ALNUM) !== 0 || (a === 0x3a && na === 0x3a);
        else if (a === 0x28) joins = (prev & DIGIT) !== 0 && (nk & ALNUM) !== 0;
        else joins = (prev & ALNUM) !== 0 && (nk & DIGIT) !== 0;
      }
      if (n < MAX_WORDS) {
        wStart[n] = ws;
        wEnd[n] = i;
        wSep[n] = sep;
        this.#wDigits[n] = kinds & (UPPER | LOWER_CASE) ? 0 : 1;
        wLen[n] = len;
        this.#wFw[n] = fw;
        this.#wAnyDigit[n] = kinds & DIGIT ? 1 : 0;
        this.#wChain[n] = chain;
        this.#wJoinLen[n] = jlen;
        this.#wText[n] = undefined;
      }
      tokenKinds |= kinds;
      if (!(kinds & DIGIT)) wordsWithoutDigits++;
      n++;
      if (!joins) break;
      if (a !== 0x5f && a !== 0x2d) {
        jlen = 0;
        chain = n;
      }
      if (a === 0x40) hasAt = true;
      else if (a === 0x3a) colons++;
      sep = a;
      i += width;
      if (a === 0x3a && b[i] === 0x3a) {
        i++; // IPv6 "::", kept as one separator
        sep = DOUBLE_COLON;
        doubleColon = true;
      }
      ws = i;
      kinds = 0;
      fw = 0;
      len = 0;
      prev = 0;
    }
    if (overflow || n > MAX_WORDS) {
      // Giant runs (base64 blobs, digit soup) are skipped whole rather than guessed at.
      while (i < to && b[i]! < 0x80 && CLS[b[i]!]! & (ALNUM | JOIN_ANY)) i++;
      return i;
    }
    if (wordsWithoutDigits > 0) this.#asciiCues(n);
    const last = n - 1;
    if (this.#wAnyDigit[last]) this.#carryEnd = -2;
    else {
      this.#carryEnd = wEnd[last]!;
      this.#carryLen = this.#wJoinLen[last]!;
      // Only read by a token starting right after one space.
      if (b[this.#carryEnd] === 0x20) this.#carryHash = this.#joinHash(last);
    }
    if (!this.#tokenTypes) return i;
    // One or two words without digits (most words of logs, keys, prose) are no type: only an
    // e-mail, an IPv6 address (`::`) or a plate (after a CJK province character) can be letters.
    if (
      n < 3 &&
      !(tokenKinds & DIGIT) &&
      !hasAt &&
      !doubleColon &&
      !(this.#plates && start >= 3 && CLS[b[start]!]! & UPPER && (b[start - 3]! & 0xf0) === 0xe0)
    )
      return i;
    this.#skipTo = 0;
    if (hasAt) this.#emails(start, i, n);
    else this.#words(start, i, n, doubleColon ? Math.max(colons, 7) : colons);
    // A plate may run past the token (`黑Y·8708挂`): resume after it.
    return Math.max(this.#skipTo, i);
  }

  /** Text of word `k`, full-width forms folded to ASCII (computed on first use). */
  #text(k: number): string {
    let t = this.#wText[k];
    if (t !== undefined) return t;
    const b = this.#buf;
    const s = this.#wStart[k]!;
    const e = this.#wEnd[k]!;
    if (!this.#wFw[k]) t = latin1(b, s, e);
    else {
      t = '';
      for (let i = s; i < e; ) {
        const c = b[i]!;
        if (c < 0x80) {
          t += String.fromCharCode(c);
          i++;
        } else {
          t += String.fromCharCode(fullWidthAscii(b[i + 1] ?? 0, b[i + 2] ?? 0));
          i += 3;
        }
      }
    }
    this.#wText[k] = t;
    return t;
  }

  /** FNV-1a, continued from `h`, of word `k` lower-cased (full-width folded, a leading `+` skipped). */
  #hashWord(h: number, k: number): number {
    const b = this.#buf;
    let i = this.#wStart[k]!;
    const e = this.#wEnd[k]!;
    if (b[i] === 0x2b) i++;
    while (i < e) {
      const c = b[i]!;
      if (c < 0x80) {
        h = Math.imul(h ^ (c | 0x20), FNV_PRIME);
        i++;
      } else {
        h = Math.imul(h ^ (fullWidthAscii(b[i + 1] ?? 0, b[i + 2] ?? 0) | 0x20), FNV_PRIME);
        i += 3;
      }
    }
    return h;
  }

  /** Hash of word `k` joined with the words before it across `_`/`-` (and a carried word). */
  #joinHash(k: number): number {
    const from = this.#wChain[k]!;
    let h = from === 0 ? this.#chainSeed : FNV_OFFSET;
    for (let j = from; j <= k; j++) h = this.#hashWord(h, j);
    return h;
  }

  /** Record ASCII cue words (`mobile`, `id_card`, `tel` …) seen in this token, by hash. */
  #asciiCues(n: number): void {
    const cues = this.#cues;
    const lengths = cues.asciiLengths;
    for (let k = 0; k < n; k++) {
      if (this.#wAnyDigit[k]) continue;
      const len = this.#wLen[k]!;
      // No cue has this length (nor is it long enough to alias one): no hash needed.
      if (len < 64 && !lengths[len]) {
        if (this.#wJoinLen[k] === len) continue;
      } else {
        const id = cues.asciiLookup(this.#hashWord(FNV_OFFSET, k), len);
        if (id >= 0) {
          this.#log.record(id, this.#wStart[k]!, this.#wEnd[k]!);
          this.#roleCue(id, this.#wStart[k]!);
        }
      }
      const jlen = this.#wJoinLen[k]!;
      if (jlen !== len && (jlen >= 64 || lengths[jlen])) {
        const jid = cues.asciiLookup(this.#joinHash(k), jlen);
        if (jid >= 0) {
          this.#log.record(jid, this.#wStart[k]!, this.#wEnd[k]!);
          this.#roleCue(jid, this.#wStart[k]!);
        }
      }
    }
  }

  #tokenText(n: number): string {
    let s = this.#text(0);
    for (let k = 1; k < n; k++) s += sepText(this.#wSep[k]!) + this.#text(k);
    return s;
  }

  /** Character offset of each word's start in `#tokenText`. */
  #charStarts(n: number): number[] {
    const starts: number[] = [];
    let acc = 0;
    for (let k = 0; k < n; k++) {
      if (k > 0) acc += this.#wSep[k] === DOUBLE_COLON ? 2 : 1;
      starts.push(acc);
      acc += this.#wLen[k]!;
    }
    return starts;
  }

  /** Byte offset of character `ci` of the token text (words and their separators). */
  #byteAt(n: number, ci: number): number {
    let acc = 0;
    for (let k = 0; k < n; k++) {
      if (k > 0) {
        const sepLen = this.#wSep[k] === DOUBLE_COLON ? 2 : 1;
        if (ci < acc + sepLen) return this.#wStart[k]! - sepLen + (ci - acc);
        acc += sepLen;
      }
      const len = this.#wLen[k]!;
      if (ci < acc + len) {
        // Full-width words are 3 bytes a character.
        const bytesPerChar = this.#wFw[k] ? 3 : 1;
        return this.#wStart[k]! + (ci - acc) * bytesPerChar;
      }
      acc += len;
    }
    return this.#wEnd[n - 1]!;
  }

  #emails(_start: number, _end: number, n: number): void {
    if (this.#email.length === 0) return;
    const text = this.#tokenText(n);
    EMAIL_SHAPE.lastIndex = 0;
    for (let m = EMAIL_SHAPE.exec(text); m; m = EMAIL_SHAPE.exec(text)) {
      const s = this.#byteAt(n, m.index);
      const e = this.#byteAt(n, m.index + m[0].length - 1) + 1;
      this.#judge(this.#email, m[0], s, e);
    }
  }

  #words(start: number, end: number, n: number, colons: number): void {
    let k = 0;
    // Times (12:00:00) have two colons; an IPv6 address has "::" or seven.
    if (colons >= 7) k = this.#colonForms(n) + 1;
    if (n === 5 && this.#maybeUuid() && isUuid(this.#tokenText(n))) return;
    while (k < n) {
      let used = n - k >= 3 ? this.#macGroups(k, n) : 0;
      if (used === 0 && n - k >= 2 && this.#wDigits[k]) used = this.#groupings(k, n);
      if (used === 0) used = this.#single(k, n, start, end);
      k += used > 0 ? used : 1;
    }
  }

  /** Five words of 8-4-4-4-12 characters joined by `-`: the only tokens `isUuid` can accept. */
  #maybeUuid(): boolean {
    const len = this.#wLen;
    const sep = this.#wSep;
    return (
      len[0] === 8 &&
      len[1] === 4 &&
      len[2] === 4 &&
      len[3] === 4 &&
      len[4] === 12 &&
      sep[1] === 0x2d &&
      sep[2] === 0x2d &&
      sep[3] === 0x2d &&
      sep[4] === 0x2d
    );
  }

  /**
   * IPv6 literals inside a token with colons (`ip:fe80::1`, `2001:db8::8a2e:370:7334`), tried at
   * each word start. Returns the index of the last word consumed, or -1.
   */
  #colonForms(n: number): number {
    if (this.#ip.length === 0) return -1;
    const text = this.#tokenText(n);
    const starts = this.#charStarts(n);
    for (let k = 0; k < n; k++) {
      IPV6_SHAPE.lastIndex = starts[k]!;
      const m = IPV6_SHAPE.exec(text);
      if (!m) continue;
      const s = this.#byteAt(n, m.index);
      const e = this.#byteAt(n, m.index + m[0].length - 1) + 1;
      if (this.#judge(this.#ip, m[0], s, e)) return this.#wordAt(n, e - 1);
    }
    return -1;
  }

  /** Index of the word containing byte `pos`. */
  #wordAt(n: number, pos: number): number {
    for (let k = 0; k < n; k++) if (pos < this.#wEnd[k]!) return k;
    return n - 1;
  }

  /** Try the conventional groupings at word `k`; returns the number of words consumed (0: none). */
  #groupings(k: number, n: number): number {
    const wLen = this.#wLen;
    const wSep = this.#wSep;
    const wDigits = this.#wDigits;
    const sep = wSep[k + 1]!;
    // Only the enabled groupings that accept this separator and first-group length.
    const list = this.#compiled.groupingsFor(sep, wLen[k]!);
    if (list === undefined) return 0;
    outer: for (const g of list) {
      const m = g.lo.length;
      if (k + m > n) continue;
      for (let j = 0; j < m; j++) {
        const len = wLen[k + j]!;
        if (len < g.lo[j]! || len > g.hi[j]!) continue outer;
        if (j > 0 && (g.mixed ? g.sepOk[wSep[k + j]!] === 0 : wSep[k + j] !== sep)) continue outer;
        if (!wDigits[k + j]) {
          const lastX = g.lastMayEndWithX && j === m - 1 && this.#digitsThenX(k + j);
          if (!lastX) continue outer;
        }
      }
      if (g.first !== undefined) {
        const ok = this.#wFw[k]
          ? firstGroupMatches(g.first, this.#text(k))
          : firstGroupMatchesBytes(g.first, this.#buf, this.#wStart[k]!, wLen[k]!);
        if (!ok) continue;
      }
      // `(+86)139…`, `(0974)5407…`: a bracket closing the first group. The opening one is just
      // before the token; take it into the value, so `(010)62345678` is found whole.
      let from = this.#wStart[k]!;
      let prefix = '';
      if (sep === 0x29) {
        const b = this.#buf;
        if (b[from - 1] === 0x28) from -= 1;
        else if (b[from - 3] === 0xef && b[from - 2] === 0xbc && b[from - 1] === 0x88) from -= 3;
        if (from < this.#wStart[k]!) prefix = '(';
      }
      let written: string;
      if (prefix === '' && sep !== 0x29 && this.#plainRun(k, m))
        written = latin1(this.#buf, from, this.#wEnd[k + m - 1]!);
      else {
        written = prefix + this.#text(k);
        for (let j = 1; j < m; j++) written += String.fromCharCode(wSep[k + j]!) + this.#text(k + j);
        if (prefix === '' && sep === 0x29) written = written.replace(')', ' ');
      }
      if (this.#judge(g.slots, written, from, this.#wEnd[k + m - 1]!)) return m;
      // A grouping that failed validation may still be good as separate groups (e.g. two numbers).
    }
    return 0;
  }

  /**
   * Words `k … k+m-1` are ASCII and joined by one-byte separators, so their text joined by those
   * separators is just their bytes: one string instead of one per word.
   */
  #plainRun(k: number, m: number): boolean {
    for (let j = 0; j < m; j++) {
      if (this.#wFw[k + j]) return false;
      if (j > 0 && this.#wStart[k + j]! - this.#wEnd[k + j - 1]! !== 1) return false;
    }
    return true;
  }

  /** Word `k` is digits then `X`/`x` (a resident ID's last group). */
  #digitsThenX(k: number): boolean {
    if (this.#wFw[k]) return DIGITS_X.test(this.#text(k));
    const b = this.#buf;
    const s = this.#wStart[k]!;
    const e = this.#wEnd[k]!;
    if (e - s < 2 || (b[e - 1]! | 0x20) !== 0x78) return false;
    for (let i = s; i < e - 1; i++) if (!(CLS[b[i]!]! & DIGIT)) return false;
    return true;
  }

  /** Word `k` is all hex digits. */
  #isHex(k: number): boolean {
    if (this.#wFw[k]) return HEX.test(this.#text(k));
    const b = this.#buf;
    const e = this.#wEnd[k]!;
    for (let i = this.#wStart[k]!; i < e; i++) if (!IS_HEX[b[i]!]) return false;
    return true;
  }

  /** MAC written as six 2-hex groups (`:` or `-`) or three 4-hex groups (Cisco `.`) at word `k`. */
  #macGroups(k: number, n: number): number {
    if (this.#mac.length === 0) return 0;
    const sep = this.#wSep[k + 1]!;
    const want = sep === 0x3a || sep === 0x2d ? 6 : sep === 0x2e ? 3 : 0;
    if (want === 0 || k + want > n) return 0;
    const len = want === 6 ? 2 : 4;
    for (let j = 0; j < want; j++) {
      if (this.#wLen[k + j] !== len || (j > 0 && this.#wSep[k + j] !== sep)) return 0;
    }
    // Not part of a longer run of the same groups (a 7-pair string is no MAC).
    if (k + want < n && this.#wSep[k + want] === sep && this.#wLen[k + want] === len) return 0;
    if (k > 0 && this.#wSep[k] === sep && this.#wLen[k - 1] === len && this.#isHex(k - 1)) return 0;
    for (let j = 0; j < want; j++) if (!this.#isHex(k + j)) return 0;
    let written: string;
    if (this.#plainRun(k, want)) written = latin1(this.#buf, this.#wStart[k]!, this.#wEnd[k + want - 1]!);
    else {
      written = this.#text(k);
      for (let j = 1; j < want; j++) written += String.fromCharCode(sep) + this.#text(k + j);
    }
    return this.#judge(this.#mac, written, this.#wStart[k]!, this.#wEnd[k + want - 1]!) ? want : 0;
  }

  /** Enabled candidate types for a group of `digits` digits starting with `first` (cached). */
  #digitSlots(digits: number, first: number): readonly TypeSlot[] {
    if (digits >= DIGIT_SLOT_LENGTHS) return NO_SLOTS;
    const key = digits * 256 + first;
    let slots = this.#digitSlotCache[key];
    if (slots === undefined) {
      slots = this.#compiled.slotsFor(digitTypes(digits, first));
      this.#digitSlotCache[key] = slots;
    }
    return slots;
  }
  readonly #digitSlotCache: (readonly TypeSlot[] | undefined)[] = new Array(DIGIT_SLOT_LENGTHS * 256).fill(
    undefined,
  );

  /** Judge word `k` on its own. */
  #single(k: number, n: number, start: number, _end: number): number {
    const b = this.#buf;
    const ws = this.#wStart[k]!;
    const we = this.#wEnd[k]!;
    const len = this.#wLen[k]!;
    const parenNext = k + 1 < n && this.#wSep[k + 1] === 0x28 && this.#wLen[k + 1] === 1;
    if (this.#wDigits[k]) {
      const plus = b[ws] === 0x2b ? 1 : 0;
      const digitCount = len - plus;
      // Macao ID 1234567(8).
      if (digitCount === 7 && parenNext && !plus && this.#mo.length > 0) {
        if (this.#judge(this.#mo, `${this.#text(k)}(${this.#text(k + 1)})`, ws, this.#closeParen(k + 1)))
          return 2;
      }
      // 1990年1月31日
      if (digitCount === 4 && k === n - 1 && this.#birth.length > 0) {
        const e = chineseDateEnd(b, we, Math.min(b.length, we + 24));
        if (e > 0 && this.#judge(this.#birth, decode(b, ws, e), ws, e)) return 1;
      }
      const firstByte = this.#wFw[k] ? fullWidthAscii(b[ws + 1] ?? 0, b[ws + 2] ?? 0) : b[ws + plus]!;
      const slots = this.#digitSlots(digitCount, firstByte);
      if (slots.length > 0) {
        const w = this.#text(k);
        this.#judge(slots, w, ws, we, plus ? w.slice(1) : w);
      }
      return 1;
    }
    // Licence plate: a province character right before a token starting with a capital letter.
    if (k === 0 && this.#plates && ws === start && ws >= 3 && len <= 7 && CLS[b[ws]!]! & UPPER) {
      const e = this.#plateAt(ws);
      if (e > 0) {
        this.#skipTo = e;
        return n;
      }
    }
    // Letters-only words are never a type here; no letter-bearing type is shorter or longer.
    if (!this.#wAnyDigit[k] || len < 5 || len > 18) return 1;
    // HK ID A123456(7)
    if (parenNext && len <= 8 && this.#hk.length > 0) {
      const written = `${this.#text(k).toUpperCase()}(${this.#text(k + 1).toUpperCase()})`;
      if (this.#judge(this.#hk, written, ws, this.#closeParen(k + 1))) return 2;
    }
    const c0 = this.#wFw[k] && b[ws]! >= 0x80 ? fullWidthAscii(b[ws + 1] ?? 0, b[ws + 2] ?? 0) : b[ws]!;
    if (!alnumMayHaveTypes(len, (CLS[c0]! & (UPPER | LOWER_CASE)) !== 0)) return 1;
    const upper = this.#text(k).toUpperCase();
    const slots = this.#compiled.slotsFor(alnumTypes(upper));
    if (slots.length > 0) this.#judge(slots, this.#text(k), ws, we, upper);
    return 1;
  }

  /**
   * A licence plate whose issuing-authority letter is at `ws`, right after a province character:
   * `京A12345`, `粤B·D12345`, `黑K 60058`, `粤Z1234港`. Returns its end, or 0.
   */
  #plateAt(ws: number): number {
    const b = this.#buf;
    const pcp = cp3(b, ws - 3);
    if ((b[ws - 3]! & 0xf0) !== 0xe0 || !(this.#cues.flags[pcp]! & F_PROVINCE)) return 0;
    let p = ws + 1;
    // An optional separator after the authority letter: middle dot, bullet, space or hyphen.
    if (b[p] === 0xc2 && b[p + 1] === 0xb7) p += 2;
    else if (b[p] === 0xe2 && b[p + 1] === 0x80 && b[p + 2] === 0xa2) p += 3;
    else if (b[p] === 0x20 || b[p] === 0x2d) p++;
    let serial = '';
    while (serial.length < 7) {
      const c = b[p]!;
      const a = c < 0x80 ? c : c === 0xef ? fullWidthAscii(b[p + 1] ?? 0, b[p + 2] ?? 0) : 0;
      if (a === 0 || !(CLS[a]! & (DIGIT | UPPER))) break;
      serial += String.fromCharCode(a);
      p += c < 0x80 ? 1 : 3;
    }
    if (serial.length < 4 || serial.length > 6) return 0;
    const next = b[p]!;
    if (next < 0x80 && CLS[next]! & ALNUM) return 0;
    let written = String.fromCodePoint(pcp) + String.fromCharCode(b[ws]!) + serial;
    if ((next & 0xf0) === 0xe0 && PLATE_SUFFIX.includes(String.fromCharCode(cp3(b, p)))) {
      written += String.fromCharCode(cp3(b, p));
      p += 3;
    }
    return this.#judge(this.#plate, written, ws - 3, p) ? p : 0;
  }

  /** End offset of word `k` including a closing parenthesis right after it. */
  #closeParen(k: number): number {
    const e = this.#wEnd[k]!;
    const c = this.#buf[e];
    if (c === 0x29) return e + 1;
    if (c === 0xef && this.#buf[e + 1] === 0xbc && this.#buf[e + 2] === 0x89) return e + 3;
    return e;
  }

  /**
   * Validate `written` as each of `slots`' types, score each accepted type in its context, emit the
   * best. Returns true when some type accepted the value (even if context then put it under the
   * bar), which tells the caller the words are consumed.
   */
  #judge(
    slots: readonly TypeSlot[],
    written: string,
    start: number,
    end: number,
    compact = written,
  ): boolean {
    // Validate first (validators are pure): when no accepted type could reach the bar even in a
    // column named for it, the value is consumed and nothing is reported, context unread.
    const vals = this.#vals;
    let accepted = false;
    let reachable = false;
    for (let t = 0; t < slots.length; t++) {
      const v = slots[t]!.mod.validate(compact, this.#validateOptions);
      vals[t] = v;
      if (v.score <= 0) continue;
      accepted = true;
      if (!reachable && Math.max(v.score, contextual(v, D_MATCH)) >= this.#minScore) reachable = true;
    }
    if (!accepted) return false;
    if (!reachable) return true;
    let best: TypeSlot | undefined;
    let bestV: Validation | undefined;
    let bestScore = -1;
    let bestRank = -1;
    let bestDecision: Decision = D_NONE;
    let bestWord: string | undefined;
    let field: string | undefined;
    let fieldResolved = false;
    let scope = this.#lineStart;
    for (let t = 0; t < slots.length; t++) {
      const slot = slots[t]!;
      const v = vals[t]!;
      if (v.score <= 0) continue;
      if (!fieldResolved) {
        if (this.#structured) {
          field = this.fields.fieldAt(this.#buf, this.#lineStart, end, start);
          scope = this.fields.scope;
        }
        fieldResolved = true;
      }
      // The type is chosen by its score in context: `PE1234567` next to 护照 is a passport even
      // if it also passes the Hong Kong ID check digit.
      let decision = this.#context(slot, start, field, scope);
      // A birth date is as often followed by its word as preceded by it: 1990年1月31日出生.
      if (decision === D_NONE && slot.id === 'BIRTH_DATE' && bornAfter(this.#buf, end)) {
        decision = D_RAISE;
        this.#ctxWord = '出生';
      }
      const score = contextual(v, decision);
      // Ties between document types under a generic `证件号码` column are broken by the row:
      // `台湾居民来往大陆通行证,11673008` is a permit, not a Macao ID.
      const rank = score + (this.#ctxOnLine ? LINE_BONUS : 0);
      if (rank > bestRank) {
        bestRank = rank;
        best = slot;
        bestV = v;
        bestScore = score;
        bestDecision = decision;
        bestWord = this.#ctxWord;
      }
    }
    if (!best || !bestV) return false;
    if (bestScore < this.#minScore) return true;
    const finding: RawFinding = {
      path: '',
      line: 0,
      column: 0,
      type: best.id,
      score: round2(bestScore),
      masked: best.mod.mask(written),
      start,
      end,
    };
    if (field !== undefined) finding.field = field;
    if (this.#showValues) finding.value = decodeValue(this.#buf, start, end);
    if (this.#explain) finding.explanation = explain(bestV, bestDecision, bestWord);
    this.#out.push(finding);
    return true;
  }

  /**
   * How the surroundings of a value at `start` speak to a type: its field name first, else the
   * nearest of the type's own raise or lower words before it on the line, else a raise word of
   * another type (`身份证` before an 18-digit number that happens to pass Luhn) lowers it. Sets
   * `#ctxWord` (the word that decided) and `#ctxOnLine`.
   */
  #context(slot: TypeSlot, start: number, field: string | undefined, scope: number): Decision {
    const log = this.#log;
    if (field !== undefined) {
      const d = this.#fieldDecision(slot, field);
      if (d !== D_NONE) {
        this.#ctxWord = field;
        this.#ctxOnLine = log.raisedOnLine(slot.ranks, this.#lineStart, start);
        return d;
      }
    }
    this.#ctxOnLine = false;
    // Cue words count within the value's own field (cell, JSON key and value) and a few
    // characters back: a `trace` key earlier on a log line says nothing about a `to` number.
    // Nearest wins; at the same end, the longer cue (`idcard` over `card`).
    const floor = Math.max(scope, start - WINDOW);
    log.nearest(slot.ranks, floor, start);
    const raiseAt = log.raiseAt;
    const raiseId = log.raiseId;
    const lowerAt = log.lowerAt;
    const lowerId = log.lowerId;
    // Another type's raise word speaks against this type when it is nearer than the type's own
    // words (`证件号码：… 出生日期：19590707` is a date, not a Macao ID), but not when it only
    // continues one of them (`通行证号码 C55128840`: 号码 is a mobile word glued to 通行证); with no
    // word of its own near, only right before the value.
    const own = Math.max(raiseAt, lowerAt);
    const near = own >= 0 ? own + 1 : Math.max(floor, start - FOREIGN_WINDOW);
    const foreignAt = log.foreignAt >= near ? log.foreignAt : -1;
    const cues = this.#cues;
    if (foreignAt >= 0 && !(raiseAt >= 0 && foreignAt - cues.byteLengths[log.foreignId]! <= raiseAt)) {
      this.#ctxWord = cues.words[log.foreignId]!;
      return D_FOREIGN;
    }
    // Inside a URL path, a number is an id unless a raise cue (e.g. `?phone=`) follows the `://`.
    if (this.#urlStart >= 0 && this.#urlStart >= this.#lineStart && raiseAt < this.#urlStart) {
      this.#ctxWord = 'url';
      return D_LOWER;
    }
    if (raiseAt < 0 && lowerAt < 0) {
      this.#ctxWord = undefined;
      return D_NONE;
    }
    const len = cues.lengths;
    if (raiseAt > lowerAt || (raiseAt === lowerAt && len[raiseId]! >= len[lowerId]!)) {
      this.#ctxWord = cues.words[raiseId]!;
      return D_RAISE;
    }
    this.#ctxWord = cues.words[lowerId]!;
    return D_LOWER;
  }

  /** The field's say on a type: by its name, else by its SQL COMMENT (`xm` COMMENT '姓名'). */
  #fieldDecision(slot: TypeSlot, field: string): Decision {
    const d = this.#compiled.fieldDecision(slot, field);
    if (d !== D_NONE) return d;
    const comment = this.fields.commentOf(field);
    return comment === undefined ? d : this.#compiled.fieldDecision(slot, comment);
  }

  #fieldSays(slot: TypeSlot, field: string): boolean {
    const d = this.#fieldDecision(slot, field);
    return d === D_MATCH || d === D_RAISE;
  }
}

const NO_SLOTS: readonly TypeSlot[] = [];

/** The types a lone name is found before (#namesBeforeNumbers). */
const NAME_HELPERS: readonly PiTypeId[] = ['CN_MOBILE', 'CN_RESIDENT_ID'];

/** A lone name right before a number: the validator's least score (a common surname) and the score given. */
const NEXT_TO_NUMBER_MIN = 0.4;
const NEXT_TO_NUMBER_SCORE = 0.7;

/** Is `b[i, i+3)` a CJK unified ideograph (U+4E00–U+9FFF)? */
function isHanAt(b: Uint8Array, i: number): boolean {
  const c0 = b[i]!;
  if (c0 < 0xe4 || c0 > 0xe9) return false;
  const cp = cp3(b, i);
  return cp >= 0x4e00 && cp <= 0x9fff && (b[i + 1]! & 0xc0) === 0x80 && (b[i + 2]! & 0xc0) === 0x80;
}

/**
 * Byte length of the separator ending at `p` (a space, tab, `,` `:` `|` `;`, or the full-width
 * `，` `：` `；` `、` and ideographic space), or 0; never reads before `from`.
 */
function separatorBefore(b: Uint8Array, p: number, from: number): number {
  if (p - 1 < from) return 0;
  const c = b[p - 1]!;
  if (c === 0x20 || c === 0x09 || c === 0x2c || c === 0x3a || c === 0x7c || c === 0x3b) return 1;
  if (p - 3 < from) return 0;
  const c0 = b[p - 3]!;
  const c1 = b[p - 2]!;
  if (c0 === 0xef && c1 === 0xbc && (c === 0x8c || c === 0x9a || c === 0x9b)) return 3; // ，：；
  if (c0 === 0xe3 && c1 === 0x80 && (c === 0x81 || c === 0x80)) return 3; // 、 and U+3000
  return 0;
}

/** Does 出生 (UTF-8 E5 87 BA E7 94 9F) follow `end` in `b`, after at most one ASCII space? */
function bornAfter(b: Uint8Array, end: number): boolean {
  const i = b[end] === 0x20 ? end + 1 : end;
  return (
    i + 5 < b.length &&
    b[i] === 0xe5 &&
    b[i + 1] === 0x87 &&
    b[i + 2] === 0xba &&
    b[i + 3] === 0xe7 &&
    b[i + 4] === 0x94 &&
    b[i + 5] === 0x9f
  );
}

function ascending(a: readonly number[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! > a[i]!) return false;
  return true;
}

/** `a` and `b` in one ascending list (merged when both are ascending, else sorted). */
function merged(a: readonly number[], b: readonly number[]): number[] {
  if (!ascending(a) || !ascending(b)) return a.concat(b).sort((x, y) => x - y);
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
const LETTER = UPPER | LOWER_CASE;

/** FNV-1a, continued from `h`, of the ASCII bytes `b[from, to)` lower-cased. */
function hashLower(b: Uint8Array, h: number, from: number, to: number): number {
  let x = h;
  for (let i = from; i < to; i++) x = Math.imul(x ^ (b[i]! | 0x20), FNV_PRIME);
  return x;
}
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
/** Entries kept in a memo of pure results (speaker verdicts, name masks) before it starts over. */
const MEMO_LIMIT = 4096;
/** Digit groups this long or longer name no type. */
const DIGIT_SLOT_LENGTHS = 20;

/** Column headers that name a person without being a name field as such (法定代表人, 入住人). */
const NAME_COLUMN_CUES = NAME_CUES_BEFORE.filter((c) => /^[\u4e00-\u9fff]{2,}$/.test(c) && c.endsWith('人'));
/** Chat structure is strong evidence: this is added to the validator's score. */
const CHAT_NAME_RAISE = 0.35;

const EMAIL_SHAPE =
  /[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})+/g;
/** Tried sticky at word starts; the validator decides. */
const IPV6_SHAPE =
  /[0-9A-Fa-f]{1,4}(?::{1,2}[0-9A-Fa-f]{1,4}){1,7}(?:\.\d{1,3}){0,3}(?![0-9A-Fa-f:])|[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6}::/y;
/** `::` between two words of a token is stored as this separator code. */
const DOUBLE_COLON = 1;

function sepText(sep: number): string {
  return sep === DOUBLE_COLON ? '::' : String.fromCharCode(sep);
}
const HEX = /^[0-9A-Fa-f]+$/;
const IS_HEX = new Uint8Array(256);
for (const ch of '0123456789ABCDEFabcdef') IS_HEX[ch.charCodeAt(0)] = 1;
const DIGITS_X = /^\d+[Xx]$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function isUuid(s: string): boolean {
  return s.length === 36 && UUID.test(s);
}
function chineseDateEnd(b: Uint8Array, i: number, limit: number): number {
  const NIAN = [0xe5, 0xb9, 0xb4];
  const YUE = [0xe6, 0x9c, 0x88];
  const RI = [0xe6, 0x97, 0xa5];
  const eat = (p: number, bytes: number[]) =>
    p + 2 < limit && b[p] === bytes[0] && b[p + 1] === bytes[1] && b[p + 2] === bytes[2] ? p + 3 : 0;
  const digits = (p: number) => {
    let q = p;
    let count = 0;
    while (q < limit && count < 2) {
      if (b[q]! >= 0x30 && b[q]! <= 0x39) q++;
      else if (b[q] === 0xef && fullWidthAscii(b[q + 1] ?? 0, b[q + 2] ?? 0) >= 0x30 && b[q + 2]! <= 0x99)
        q += 3;
      else break;
      count++;
    }
    return count > 0 ? q : 0;
  };
  let p = eat(i, NIAN);
  if (!p) return 0;
  p = digits(p);
  if (!p) return 0;
  p = eat(p, YUE);
  if (!p) return 0;
  p = digits(p);
  if (!p) return 0;
  return eat(p, RI) || p;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Sort by start; where two findings overlap keep the higher score (then the longer). */
export function resolveOverlaps(found: RawFinding[]): RawFinding[] {
  if (found.length < 2) return found;
  // Findings mostly arrive in order; the sort is stable, so an ordered list stays as it is.
  if (!inOrder(found)) found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: RawFinding[] = [];
  for (const f of found) {
    const last = kept[kept.length - 1];
    if (last && f.start < last.end) {
      const better =
        f.score > last.score || (f.score === last.score && f.end - f.start > last.end - last.start);
      if (better) kept[kept.length - 1] = f;
      continue;
    }
    kept.push(f);
  }
  return kept;
}

function inOrder(found: readonly RawFinding[]): boolean {
  for (let i = 1; i < found.length; i++) {
    const a = found[i - 1]!;
    const b = found[i]!;
    if (a.start > b.start || (a.start === b.start && a.end < b.end)) return false;
  }
  return true;
}
