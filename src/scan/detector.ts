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
 * - Context is remembered, not searched: cue words record where they last ended (cues.ts).
 * - Names and addresses have no checksum; lines with a cue for them are decoded and handed to the
 *   matchers in `pi/cn-name.ts` and `pi/cn-address.ts`, as are cells whose column/key says "name".
 *
 * @module
 */
import { CATALOGUE } from '../pi/catalogue.ts';
import { ADDRESS_TRIGGERS, cnAddress, findAddresses } from '../pi/cn-address.ts';
import { findNames, NAME_CUES_AFTER, NAME_CUES_BEFORE } from '../pi/cn-name.ts';
import type { PiType, PiTypeId, Validation } from '../pi/types.ts';
import {
  ALNUM,
  alignBack,
  CLS,
  cp3,
  DIGIT,
  decode,
  fullWidthAscii,
  JOIN_ANY,
  JOIN_DIGITS,
  UPPER,
  utf8Length,
} from './bytes.ts';
import {
  type CjkCue,
  CueIndex,
  F_ADDRESS_PART,
  F_CUE,
  F_PROVINCE,
  FNV_OFFSET,
  FNV_PRIME,
  normaliseKey,
  R_ADDRESS,
  R_NAME,
} from './cues.ts';
import { FieldResolver } from './fields.ts';
import { alnumTypes, digitTypes, GROUPINGS } from './shapes.ts';
import type { Explanation, ScanOptions, SourceFormat } from './types.ts';

/** A finding before line/column are known: offsets are bytes in the region's buffer. */
export interface RawFinding {
  start: number;
  end: number;
  type: PiTypeId;
  score: number;
  masked: string;
  value?: string;
  field?: string;
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

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领';
const PLATE_SUFFIX = '学警挂港澳使领';
const ADDRESS_PARTS = '省市区县镇乡街路道巷弄号栋幢室村';

/** Bytes that end a URL run (whitespace, quotes, brackets). */
const URL_END = new Uint8Array(256);
for (const ch of ' \t\r\n"\'<>()[]{},;|`') URL_END[ch.charCodeAt(0)] = 1;
/** Bytes after which a CJK character starts a cell/value: quote, delimiter. */
const CELL_OPEN = new Uint8Array(256);
for (const ch of '"\',\t|;') CELL_OPEN[ch.charCodeAt(0)] = 1;

/** Node's Buffer has a native one-byte slicer that its type declarations leave out. */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

type FieldDecision = 'match' | 'raise' | 'lower' | 'foreign' | 'none';

interface ContextDecision {
  readonly decision: FieldDecision;
  readonly word?: string;
  /** One of the type's raise words appears earlier on the line (outside the window, too). */
  readonly onLine?: boolean;
}

/**
 * The score after context. Values that failed a check but kept some score (a card number failing
 * Luhn) are raised only a little, so context alone never carries them over the default bar: Luhn
 * stays a signal, not a gate, and `--min-score 0.4` still shows them.
 */
function contextual(v: Validation, decision: FieldDecision): number {
  const base = v.score;
  // A value that failed one of its checks (a card number failing Luhn is still `valid` for a
  // form, since some domestic cards have no Luhn digit) is only lifted a little.
  const sound = v.valid && !v.checks.some((c) => c.passed === false);
  switch (decision) {
    case 'match':
      return base + (1 - base) * (sound ? FIELD_RAISE : INVALID_RAISE);
    case 'raise':
      return base + (1 - base) * (sound ? RAISE : INVALID_RAISE);
    case 'lower':
      return Math.max(0, base - LOWER);
    case 'foreign':
      return Math.max(0, base - FOREIGN_LOWER);
    default:
      return base;
  }
}

function explain(v: Validation, ctx: ContextDecision): Explanation {
  const e: {
    base: number;
    checks: Validation['checks'];
    context?: { word: string; effect: 'raise' | 'lower' };
    fieldMatched?: boolean;
    kind?: string;
  } = { base: v.score, checks: v.checks };
  if (ctx.word !== undefined && ctx.decision !== 'match' && ctx.decision !== 'none') {
    e.context = { word: ctx.word, effect: ctx.decision === 'raise' ? 'raise' : 'lower' };
  }
  if (ctx.decision === 'match') e.fieldMatched = true;
  if (v.kind !== undefined) e.kind = v.kind;
  return e;
}

export class Detector {
  readonly #types = new Map<PiTypeId, PiType>();
  readonly #cues = new CueIndex();
  readonly #minScore: number;
  readonly #showValues: boolean;
  readonly #explain: boolean;
  readonly #validateOptions: { now?: Date };
  readonly #fieldTypes = new Map<string, Set<PiTypeId>>();
  readonly #fieldDecisions = new Map<string, FieldDecision>();
  readonly #names: boolean;
  readonly #addresses: boolean;
  readonly #plates: boolean;
  readonly fields: FieldResolver;
  readonly #structured: boolean;

  // Per-region state.
  #buf: Buffer = Buffer.alloc(0);
  #lastPos: Float64Array;
  #lineStart = 0;
  #urlStart = -1;
  #nameTriggers: number[] = [];
  #addressTriggers: number[] = [];
  #addressParts = 0;
  #addressCue = false;
  #cellTriggers: number[] = [];
  #mentions: number[] = [];
  #out: RawFinding[] = [];
  // Token scratch space (reused: the hot path allocates only strings).
  readonly #wStart = new Int32Array(MAX_WORDS);
  readonly #wEnd = new Int32Array(MAX_WORDS);
  readonly #wSep = new Uint8Array(MAX_WORDS);
  readonly #wDigits = new Uint8Array(MAX_WORDS);
  readonly #wLen = new Int32Array(MAX_WORDS);
  readonly #wFw = new Uint8Array(MAX_WORDS);
  readonly #wAnyDigit = new Uint8Array(MAX_WORDS);
  readonly #wHash = new Int32Array(MAX_WORDS);
  readonly #wJoinHash = new Int32Array(MAX_WORDS);
  readonly #wJoinLen = new Int32Array(MAX_WORDS);
  readonly #wText: (string | undefined)[] = new Array<string | undefined>(MAX_WORDS).fill(undefined);

  constructor(options: ScanOptions = {}) {
    const wanted = options.types ? new Set(options.types) : undefined;
    for (const [id, mod] of CATALOGUE) if (!wanted || wanted.has(id)) this.#types.set(id, mod);
    this.#minScore = options.minScore ?? 0.5;
    this.#showValues = options.showValues ?? false;
    this.#explain = options.explain ?? false;
    this.#validateOptions = options.now ? { now: options.now } : {};
    const format: SourceFormat = options.format ?? 'text';
    this.fields = new FieldResolver(format);
    this.#structured = format !== 'text';
    this.#names = this.#types.has('CN_NAME');
    this.#addresses = this.#types.has('CN_ADDRESS');
    this.#plates = this.#types.has('CN_LICENSE_PLATE');

    for (const [id, mod] of this.#types) {
      // A field name written in text (`mobile=138…`, an escaped JSON key) is a raise word too.
      const raise = [...mod.context.raise, ...mod.fieldNames]
        .map((w) => this.#cues.add(w, 'raise'))
        .filter((x) => x >= 0);
      const lower = (mod.context.lower ?? []).map((w) => this.#cues.add(w, 'lower')).filter((x) => x >= 0);
      this.#cues.raiseIds.set(id, Int32Array.from(raise));
      this.#cues.lowerIds.set(id, Int32Array.from(lower));
      for (const f of mod.fieldNames) {
        const key = normaliseKey(f);
        const set = this.#fieldTypes.get(key) ?? new Set();
        set.add(id);
        this.#fieldTypes.set(key, set);
      }
    }
    this.#cues.computeForeign();
    if (this.#names) for (const w of [...NAME_CUES_BEFORE, ...NAME_CUES_AFTER]) this.#cues.add(w, 'name');
    if (this.#addresses) {
      for (const w of cnAddress.context.raise) this.#cues.add(w, 'address');
      for (const w of ADDRESS_TRIGGERS) if ([...w].length > 1) this.#cues.add(w, 'address');
      for (const ch of ADDRESS_PARTS) this.#cues.flags[ch.codePointAt(0)!]! |= F_ADDRESS_PART;
    }
    for (const ch of PROVINCES) this.#cues.flags[ch.codePointAt(0)!]! |= F_PROVINCE;
    this.#lastPos = new Float64Array(this.#cues.words.length).fill(-1);
  }

  /**
   * Scan `buf[from, to)`, which must start at a line start. Returns findings sorted by start,
   * overlaps resolved (the higher score wins). Offsets are indices into `buf`.
   */
  scanRegion(buf: Uint8Array, from: number, to: number): RawFinding[] {
    this.#buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const b = this.#buf;
    this.#out = [];
    this.#lastPos.fill(-1);
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
        if (k & ALNUM || (c === 0x2b && CLS[b[i + 1] ?? 0]! & DIGIT)) {
          i = this.#token(i, to);
          continue;
        }
        if (c === 0x0a) {
          this.#endLine(i);
          this.#lineStart = i + 1;
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
        continue;
      }
      i++;
    }
    this.#endLine(to);
    return resolveOverlaps(this.#out);
  }

  // ---- CJK characters: cues, address parts -------------------------------------------------

  #cjk(i: number, cp: number, f: number): void {
    if (f & F_CUE) {
      this.#cuePos = i;
      this.#cues.matchCjk(this.#buf, i, cp, this.#onCjkCue);
    }
    if (f & F_ADDRESS_PART) {
      this.#addressParts++;
      this.#addressTriggers.push(i);
    }
  }

  readonly #onCjkCue = (cue: CjkCue): void => {
    this.#lastPos[cue.id] = this.#cuePos + cue.bytes.length;
    this.#roleCue(cue.id, this.#cuePos);
  };
  #cuePos = 0;
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
      const triggers = wantAddress ? this.#nameTriggers.concat(this.#addressTriggers) : this.#nameTriggers;
      this.#windows(triggers, lineEnd, this.#nameTriggers.length > 0, wantAddress);
    }
    if (this.#cellTriggers.length > 0) this.#cells(lineEnd);
    if (this.#names && !this.#structured) this.#chatNames(lineEnd);
    this.#nameTriggers = [];
    this.#addressTriggers = [];
    this.#addressParts = 0;
    this.#addressCue = false;
    this.#cellTriggers = [];
    this.#mentions = [];
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
      const head = decode(b, ls, alignBack(b, Math.min(lineEnd, ls + 96), ls));
      const m = SPEAKER.exec(head) ?? SENDER_AFTER.exec(head) ?? SENDER_BEFORE.exec(head);
      if (m?.[1] !== undefined) this.#chatName(head, ls, m.index + m[0].indexOf(m[1]), m[1]);
    }
    for (const at of this.#mentions) {
      const text = decode(b, at + 1, alignBack(b, Math.min(lineEnd, at + 1 + 30), at + 1));
      const m = MENTION.exec(text);
      if (m?.[1] !== undefined) this.#chatName(text, at + 1, 0, m[1]);
    }
  }

  #chatName(text: string, base: number, at: number, name: string): void {
    const v = this.#types.get('CN_NAME')!.validate(name);
    if (!v.valid) return;
    this.#emitSpan('CN_NAME', text, base, at, at + name.length, Math.min(0.95, v.score + CHAT_NAME_RAISE));
  }

  #windows(triggers: number[], lineEnd: number, names: boolean, addresses: boolean): void {
    const b = this.#buf;
    triggers.sort((x, y) => x - y);
    let ws = -1;
    let we = -1;
    const flush = () => {
      if (ws < 0) return;
      const text = decode(b, ws, we);
      if (names && this.#names) {
        for (const span of findNames(text))
          this.#emitSpan('CN_NAME', text, ws, span.start, span.end, span.score);
      }
      if (addresses && this.#addresses) {
        for (const span of findAddresses(text)) {
          this.#emitSpan('CN_ADDRESS', text, ws, span.start, span.end, span.score);
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
        this.#names && (this.#fieldSays('CN_NAME', field) || NAME_COLUMN_CUES.some((c) => field.includes(c)));
      const isAddress = this.#addresses && this.#fieldSays('CN_ADDRESS', field);
      if (!isName && !isAddress) continue;
      const end = this.#cellEnd(pos, lineEnd);
      const text = decode(b, pos, end);
      if (isName) {
        for (const span of findNames(text, { fieldIsName: true })) {
          this.#emitSpan('CN_NAME', text, pos, span.start, span.end, span.score, field);
        }
      }
      if (isAddress) {
        for (const span of findAddresses(text, { fieldIsAddress: true })) {
          this.#emitSpan('CN_ADDRESS', text, pos, span.start, span.end, span.score, field);
        }
      }
    }
  }

  #cellEnd(pos: number, lineEnd: number): number {
    const b = this.#buf;
    const open = b[pos - 1];
    const close = open === 0x22 || open === 0x27 ? open : -1;
    for (let i = pos; i < lineEnd; i++) {
      const c = b[i]!;
      if (close >= 0 ? c === close && b[i - 1] !== 0x5c : CELL_OPEN[c] || c === 0x0d) return i;
    }
    return lineEnd;
  }

  #emitSpan(
    type: PiTypeId,
    text: string,
    base: number,
    s: number,
    e: number,
    score: number,
    field?: string,
  ): void {
    if (score < this.#minScore) return;
    const start = base + utf8Length(text, s);
    const end = start + utf8Length(text.slice(s, e));
    const value = text.slice(s, e);
    const f =
      field ?? (this.#structured ? this.fields.fieldAt(this.#buf, this.#lineStart, end, start) : undefined);
    const finding: RawFinding = {
      start,
      end,
      type,
      score: round2(score),
      masked: this.#types.get(type)!.mask(value),
    };
    if (this.#showValues) finding.value = value;
    if (f !== undefined) finding.field = f;
    if (this.#explain) finding.explanation = { base: round2(score), checks: [] };
    this.#out.push(finding);
  }

  // ---- ASCII / full-width tokens -------------------------------------------------------------

  /** Lex the token starting at `start`, analyse it, and return the index after it. */
  #token(start: number, to: number): number {
    const b = this.#buf;
    const wStart = this.#wStart;
    const wEnd = this.#wEnd;
    const wSep = this.#wSep;
    const wDigits = this.#wDigits;
    const wLen = this.#wLen;
    const wFw = this.#wFw;
    let n = 0;
    let i = start;
    let allDigits = 1;
    let anyDigit = 0;
    let fw = 0;
    let len = 0;
    // FNV-1a of the lower-cased word, and of the words joined across `_`/`-` (for `id_card`),
    // so ASCII cue words are recognised without making strings.
    let h = FNV_OFFSET;
    let jh = FNV_OFFSET;
    let jlen = 0;
    let hasAt = false;
    let colons = 0;
    let doubleColon = false;
    let ws = start;
    let prev = 0; // class of the previous token character
    let sep = 0;
    let overflow = false;
    if (b[i] === 0x2b) {
      i++; // leading "+" of "+86"
      len++;
    } else if (start === this.#carryEnd + 1 && b[this.#carryEnd] === 0x20) {
      // `ID card no`: the previous letters-only word continues the joined hash across one space.
      jh = this.#carryHash;
      jlen = this.#carryLen;
    }

    for (;;) {
      // Fast path: a run of ASCII letters and digits.
      while (i < to) {
        const c = b[i]!;
        if (c >= 0x80) break;
        const k = CLS[c]!;
        if (!(k & ALNUM)) break;
        if (k & DIGIT) anyDigit = 1;
        else allDigits = 0;
        const lc = c | 0x20;
        h = Math.imul(h ^ lc, FNV_PRIME);
        jh = Math.imul(jh ^ lc, FNV_PRIME);
        prev = k;
        i++;
        len++;
        jlen++;
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
        if (k & DIGIT) anyDigit = 1;
        else allDigits = 0;
        h = Math.imul(h ^ (a | 0x20), FNV_PRIME);
        jh = Math.imul(jh ^ (a | 0x20), FNV_PRIME);
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
        wDigits[n] = allDigits;
        wLen[n] = len;
        wFw[n] = fw;
        this.#wAnyDigit[n] = anyDigit;
        this.#wHash[n] = h;
        this.#wJoinHash[n] = jh;
        this.#wJoinLen[n] = jlen;
        this.#wText[n] = undefined;
      }
      n++;
      if (!joins) break;
      if (a !== 0x5f && a !== 0x2d) {
        jh = FNV_OFFSET;
        jlen = 0;
      }
      h = FNV_OFFSET;
      anyDigit = 0;
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
      allDigits = 1;
      fw = 0;
      len = 0;
      prev = 0;
    }
    if (overflow || n > MAX_WORDS) {
      // Giant runs (base64 blobs, digit soup) are skipped whole rather than guessed at.
      while (i < to && b[i]! < 0x80 && CLS[b[i]!]! & (ALNUM | JOIN_ANY)) i++;
      return i;
    }
    this.#asciiCues(n);
    const last = n - 1;
    if (this.#wAnyDigit[last]) this.#carryEnd = -2;
    else {
      this.#carryHash = this.#wJoinHash[last]!;
      this.#carryLen = this.#wJoinLen[last]!;
      this.#carryEnd = this.#wEnd[last]!;
    }
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
    if (!this.#wFw[k]) t = (b as unknown as Latin1Slicer).latin1Slice(s, e);
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

  /** Record ASCII cue words (`mobile`, `id_card`, `tel` …) seen in this token, by hash. */
  #asciiCues(n: number): void {
    const cues = this.#cues;
    for (let k = 0; k < n; k++) {
      if (this.#wAnyDigit[k]) continue;
      const end = this.#wEnd[k]!;
      const id = cues.asciiByHash(this.#wHash[k]!, this.#wLen[k]!);
      if (id >= 0) {
        this.#lastPos[id] = end;
        this.#roleCue(id, this.#wStart[k]!);
      }
      if (this.#wJoinLen[k] !== this.#wLen[k]) {
        const jid = cues.asciiByHash(this.#wJoinHash[k]!, this.#wJoinLen[k]!);
        if (jid >= 0) {
          this.#lastPos[jid] = end;
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
    if (!this.#types.has('EMAIL')) return;
    const text = this.#tokenText(n);
    EMAIL_SHAPE.lastIndex = 0;
    for (let m = EMAIL_SHAPE.exec(text); m; m = EMAIL_SHAPE.exec(text)) {
      const s = this.#byteAt(n, m.index);
      const e = this.#byteAt(n, m.index + m[0].length - 1) + 1;
      this.#judge(['EMAIL'], m[0], s, e);
    }
  }

  #words(start: number, end: number, n: number, colons: number): void {
    let k = 0;
    // Times (12:00:00) have two colons; an IPv6 address has "::" or seven.
    if (colons >= 7) k = this.#colonForms(n) + 1;
    if (n === 5 && this.#wLen[0] === 8 && this.#wLen[4] === 12 && isUuid(this.#tokenText(n))) return;
    while (k < n) {
      let used = n - k >= 3 ? this.#macGroups(k, n) : 0;
      if (used === 0 && n - k >= 2 && this.#wDigits[k]) used = this.#groupings(k, n);
      if (used === 0) used = this.#single(k, n, start, end);
      k += used > 0 ? used : 1;
    }
  }

  /**
   * IPv6 literals inside a token with colons (`ip:fe80::1`, `2001:db8::8a2e:370:7334`), tried at
   * each word start. Returns the index of the last word consumed, or -1.
   */
  #colonForms(n: number): number {
    if (!this.#types.has('IP_ADDRESS')) return -1;
    const text = this.#tokenText(n);
    const starts = this.#charStarts(n);
    for (let k = 0; k < n; k++) {
      IPV6_SHAPE.lastIndex = starts[k]!;
      const m = IPV6_SHAPE.exec(text);
      if (!m) continue;
      const s = this.#byteAt(n, m.index);
      const e = this.#byteAt(n, m.index + m[0].length - 1) + 1;
      if (this.#judge(['IP_ADDRESS'], m[0], s, e)) return this.#wordAt(n, e - 1);
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
    outer: for (const g of COMPILED_GROUPINGS) {
      const m = g.lo.length;
      if (k + m > n || !g.sepOk[sep]) continue;
      for (let j = 0; j < m; j++) {
        const len = wLen[k + j]!;
        if (len < g.lo[j]! || len > g.hi[j]!) continue outer;
        if (j > 0 && wSep[k + j] !== sep) continue outer;
        if (!wDigits[k + j]) {
          const lastX = g.lastMayEndWithX && j === m - 1 && /^\d+[Xx]$/.test(this.#text(k + j));
          if (!lastX) continue outer;
        }
      }
      const first = this.#text(k);
      if (g.first && !g.first(first)) continue;
      if (!g.types.some((t) => this.#types.has(t))) continue;
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
      let written = prefix + first;
      for (let j = 1; j < m; j++) written += String.fromCharCode(sep) + this.#text(k + j);
      if (prefix === '' && sep === 0x29) written = written.replace(')', ' ');
      if (this.#judge(g.types, written, from, this.#wEnd[k + m - 1]!)) return m;
      // A grouping that failed validation may still be good as separate groups (e.g. two numbers).
    }
    return 0;
  }

  /** MAC written as six 2-hex groups (`:` or `-`) or three 4-hex groups (Cisco `.`) at word `k`. */
  #macGroups(k: number, n: number): number {
    if (!this.#types.has('MAC_ADDRESS')) return 0;
    const sep = this.#wSep[k + 1]!;
    const want = sep === 0x3a || sep === 0x2d ? 6 : sep === 0x2e ? 3 : 0;
    if (want === 0 || k + want > n) return 0;
    const len = want === 6 ? 2 : 4;
    for (let j = 0; j < want; j++) {
      if (this.#wLen[k + j] !== len || (j > 0 && this.#wSep[k + j] !== sep)) return 0;
    }
    // Not part of a longer run of the same groups (a 7-pair string is no MAC).
    if (k + want < n && this.#wSep[k + want] === sep && this.#wLen[k + want] === len) return 0;
    if (k > 0 && this.#wSep[k] === sep && this.#wLen[k - 1] === len && HEX.test(this.#text(k - 1))) return 0;
    let written = this.#text(k);
    if (!HEX.test(written)) return 0;
    for (let j = 1; j < want; j++) {
      const w = this.#text(k + j);
      if (!HEX.test(w)) return 0;
      written += String.fromCharCode(sep) + w;
    }
    return this.#judge(['MAC_ADDRESS'], written, this.#wStart[k]!, this.#wEnd[k + want - 1]!) ? want : 0;
  }

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
      if (digitCount === 7 && parenNext && !plus) {
        if (this.#judge(['MO_ID'], `${this.#text(k)}(${this.#text(k + 1)})`, ws, this.#closeParen(k + 1)))
          return 2;
      }
      // 1990年1月31日
      if (digitCount === 4 && k === n - 1 && this.#types.has('BIRTH_DATE')) {
        const e = chineseDateEnd(b, we, Math.min(b.length, we + 24));
        if (e > 0 && this.#judge(['BIRTH_DATE'], decode(b, ws, e), ws, e)) return 1;
      }
      const firstByte = this.#wFw[k] ? fullWidthAscii(b[ws + 1] ?? 0, b[ws + 2] ?? 0) : b[ws + plus]!;
      const types = digitTypes(digitCount, firstByte);
      if (types.length > 0) {
        const w = this.#text(k);
        this.#judge(types, w, ws, we, plus ? w.slice(1) : w);
      }
      return 1;
    }
    // Licence plate: a province character right before a token starting with a capital letter.
    if (k === 0 && this.#plates && ws === start && ws >= 3 && len <= 7 && CLS[b[ws]!]! & UPPER) {
      const e = this.#plate(ws);
      if (e > 0) {
        this.#skipTo = e;
        return n;
      }
    }
    // Letters-only words are never a type here; no letter-bearing type is shorter or longer.
    if (!this.#wAnyDigit[k] || len < 5 || len > 18) return 1;
    const upper = this.#text(k).toUpperCase();
    // HK ID A123456(7)
    if (parenNext && len <= 8) {
      const written = `${upper}(${this.#text(k + 1).toUpperCase()})`;
      if (this.#judge(['HK_ID'], written, ws, this.#closeParen(k + 1))) return 2;
    }
    const types = alnumTypes(upper);
    if (types.length > 0) this.#judge(types, this.#text(k), ws, we, upper);
    return 1;
  }

  /**
   * A licence plate whose issuing-authority letter is at `ws`, right after a province character:
   * `京A12345`, `粤B·D12345`, `黑K 60058`, `粤Z1234港`. Returns its end, or 0.
   */
  #plate(ws: number): number {
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
    return this.#judge(['CN_LICENSE_PLATE'], written, ws - 3, p) ? p : 0;
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
   * Validate `written` as each of `types`, score each accepted type in its context, emit the best.
   * Returns true when some type accepted the value (even if context then put it under the bar),
   * which tells the caller the words are consumed.
   */
  #judge(
    types: readonly PiTypeId[],
    written: string,
    start: number,
    end: number,
    compact = written,
  ): boolean {
    let bestType: PiType | undefined;
    let bestV: Validation | undefined;
    let bestScore = -1;
    let bestRank = -1;
    let bestCtx: ContextDecision | undefined;
    let field: string | undefined;
    let fieldResolved = false;
    let scope = this.#lineStart;
    for (const t of types) {
      const mod = this.#types.get(t);
      if (!mod) continue;
      const v = mod.validate(compact, this.#validateOptions);
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
      const ctx = this.#context(t, start, field, scope);
      const score = contextual(v, ctx.decision);
      // Ties between document types under a generic `证件号码` column are broken by the row:
      // `台湾居民来往大陆通行证,11673008` is a permit, not a Macao ID.
      const rank = score + (ctx.onLine ? LINE_BONUS : 0);
      if (rank > bestRank) {
        bestRank = rank;
        bestType = mod;
        bestV = v;
        bestScore = score;
        bestCtx = ctx;
      }
    }
    if (!bestType || !bestV || !bestCtx) return false;
    if (bestScore < this.#minScore) return true;
    const finding: RawFinding = {
      start,
      end,
      type: bestType.id,
      score: round2(bestScore),
      masked: bestType.mask(written),
    };
    if (this.#showValues) finding.value = decode(this.#buf, start, end);
    if (field !== undefined) finding.field = field;
    if (this.#explain) finding.explanation = explain(bestV, bestCtx);
    this.#out.push(finding);
    return true;
  }

  /**
   * How the surroundings of a value at `start` speak to `type`: its field name first, else the
   * nearest of the type's own raise or lower words before it on the line, else a raise word of
   * another type (`身份证` before an 18-digit number that happens to pass Luhn) lowers it.
   */
  #context(type: PiTypeId, start: number, field: string | undefined, scope: number): ContextDecision {
    if (field !== undefined) {
      const d = this.#fieldDecision(type, field);
      if (d !== 'none') return { decision: d, word: field, onLine: this.#raisedOnLine(type, start) };
    }
    // Cue words count within the value's own field (cell, JSON key and value) and a few
    // characters back: a `trace` key earlier on a log line says nothing about a `to` number.
    const floor = Math.max(scope, start - WINDOW);
    const lastPos = this.#lastPos;
    let raiseAt = -1;
    let raiseId = -1;
    // Nearest wins; at the same end, the longer cue (`idcard` over `card`).
    const len = this.#cues.lengths;
    for (const id of this.#cues.raiseIds.get(type)!) {
      const p = lastPos[id]!;
      if (p >= floor && p <= start && (p > raiseAt || (p === raiseAt && len[id]! > len[raiseId]!))) {
        raiseAt = p;
        raiseId = id;
      }
    }
    let lowerAt = -1;
    let lowerId = -1;
    for (const id of this.#cues.lowerIds.get(type)!) {
      const p = lastPos[id]!;
      if (p >= floor && p <= start && (p > lowerAt || (p === lowerAt && len[id]! > len[lowerId]!))) {
        lowerAt = p;
        lowerId = id;
      }
    }
    // Another type's raise word speaks against this type when it is nearer than the type's own
    // words (`证件号码：… 出生日期：19590707` is a date, not a Macao ID), but not when it only
    // continues one of them (`通行证号码 C55128840`: 号码 is a mobile word glued to 通行证); with no
    // word of its own near, only right before the value.
    let foreignAt = -1;
    let foreignId = -1;
    const own = Math.max(raiseAt, lowerAt);
    const near = own >= 0 ? own + 1 : Math.max(floor, start - FOREIGN_WINDOW);
    for (const id of this.#cues.foreignIds.get(type)!) {
      const p = lastPos[id]!;
      if (p >= near && p <= start && p > foreignAt) {
        foreignAt = p;
        foreignId = id;
      }
    }
    if (foreignAt >= 0 && !(raiseAt >= 0 && foreignAt - this.#cues.byteLengths[foreignId]! <= raiseAt)) {
      return { decision: 'foreign', word: this.#cues.words[foreignId]! };
    }
    // Inside a URL path, a number is an id unless a raise cue (e.g. `?phone=`) follows the `://`.
    if (this.#urlStart >= 0 && this.#urlStart >= this.#lineStart && raiseAt < this.#urlStart) {
      return { decision: 'lower', word: 'url' };
    }
    if (raiseAt < 0 && lowerAt < 0) return { decision: 'none' };
    if (raiseAt > lowerAt || (raiseAt === lowerAt && len[raiseId]! >= len[lowerId]!)) {
      return { decision: 'raise', word: this.#cues.words[raiseId]! };
    }
    return { decision: 'lower', word: this.#cues.words[lowerId]! };
  }

  #fieldSays(type: PiTypeId, field: string): boolean {
    const d = this.#fieldDecision(type, field);
    return d === 'match' || d === 'raise';
  }

  #raisedOnLine(type: PiTypeId, start: number): boolean {
    for (const id of this.#cues.raiseIds.get(type)!) {
      const p = this.#lastPos[id]!;
      if (p >= this.#lineStart && p <= start) return true;
    }
    return false;
  }

  #fieldDecision(type: PiTypeId, field: string): FieldDecision {
    const cacheKey = `${type}\u0000${field}`;
    let d = this.#fieldDecisions.get(cacheKey);
    if (d !== undefined) return d;
    const key = normaliseKey(field);
    const mod = this.#types.get(type)!;
    if (this.#fieldTypes.get(key)?.has(type)) d = 'match';
    else if ((mod.context.lower ?? []).some((w) => key.includes(normaliseKey(w)))) d = 'lower';
    else if (mod.context.raise.some((w) => key.includes(normaliseKey(w)))) d = 'raise';
    else d = 'none';
    this.#fieldDecisions.set(cacheKey, d);
    return d;
  }
}

interface CompiledGrouping {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly sepOk: Uint8Array;
  readonly types: readonly PiTypeId[];
  readonly first: ((w: string) => boolean) | undefined;
  readonly lastMayEndWithX: boolean;
}

const COMPILED_GROUPINGS: readonly CompiledGrouping[] = GROUPINGS.map((g) => {
  const sepOk = new Uint8Array(256);
  for (const ch of g.seps) sepOk[ch.charCodeAt(0)] = 1;
  return {
    lo: Int32Array.from(g.lengths.map((l) => l[0])),
    hi: Int32Array.from(g.lengths.map((l) => l[1])),
    sepOk,
    types: g.types,
    first: g.first,
    lastMayEndWithX: g.lastMayEndWithX === true,
  };
});

/** `[09:12] 张伟：` or `09:12 张伟:` or `2024-07-09 10:00 张伟：` at a line start. */
const SPEAKER =
  /^(?:\[[0-9:\-/ .]{4,24}\]\s*|\d{1,2}:\d{2}(?::\d{2})?\s+|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+)?([\u4e00-\u9fff][\u4e00-\u9fff·]{1,9})\s*[:：]/;
/** `2024-07-09 03:53:08 张伟` alone on a line (WeChat export headers). */
const SENDER_AFTER =
  /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+([\u4e00-\u9fff][\u4e00-\u9fff·]{1,9})\s*\r?$/;
/** `张伟 2024/05/26 07:38:15` (QQ export headers). */
const SENDER_BEFORE =
  /^([\u4e00-\u9fff][\u4e00-\u9fff·]{1,9})\s+\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}/;
/** After `@`: a name ended by a space, punctuation or the line end. */
const MENTION = /^([\u4e00-\u9fff][\u4e00-\u9fff·]{1,9})(?=[\s,，:：。!！?？)）]|$)/;
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
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function isUuid(s: string): boolean {
  return s.length === 36 && UUID.test(s);
}

/** After a 4-digit year at `i`: `年M月D日` (ASCII or full-width digits) → end offset, else 0. */
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
  found.sort((a, b) => a.start - b.start || b.end - a.end);
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
