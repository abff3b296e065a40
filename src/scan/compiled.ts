/**
 * What the detector derives from the set of enabled types alone: the cue index, per-type cue rank
 * tables, field names, and the groupings and candidate lists narrowed to the enabled types.
 *
 * Building it costs a few milliseconds (every cue word of every type), which a scan of many small
 * files would pay per file; it is immutable once built, so detectors with the same types share it.
 *
 * @module
 */
import { CATALOGUE } from '../pi/catalogue.ts';
import { ADDRESS_TRIGGERS, cnAddress } from '../pi/cn-address.ts';
import { NAME_CUES_AFTER, NAME_CUES_BEFORE } from '../pi/cn-name.ts';
import type { PiType, PiTypeId } from '../pi/types.ts';
import { type CueRanks, cueRanks } from './cue-log.ts';
import { CueIndex, F_ADDRESS_PART, F_PROVINCE, normaliseKey } from './cues.ts';
import { type FirstGroup, GROUPINGS } from './shapes.ts';

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领';
const ADDRESS_PARTS = '省市区县镇乡街路道巷弄号栋幢室村';

/** How a field (column, key) name speaks to a type. */
export const D_NONE = 0;
export const D_MATCH = 1;
export const D_RAISE = 2;
export const D_LOWER = 3;
/** Not from field names: another type's cue right before the value. */
export const D_FOREIGN = 4;
export type Decision = 0 | 1 | 2 | 3 | 4;

/** An enabled type with what the scorer needs about it. */
export interface TypeSlot {
  readonly id: PiTypeId;
  readonly mod: PiType;
  readonly ranks: CueRanks;
  /** Field name → decision, filled on first use (the same few names recur). */
  readonly fieldDecisions: Map<string, Decision>;
  /** The type's lower and raise words as field keys (`normaliseKey`), for names not seen yet. */
  readonly lowerKeys: readonly string[];
  readonly raiseKeys: readonly string[];
}

/** A grouping from shapes.ts with its enabled types and its lengths as typed arrays. */
export interface CompiledGrouping {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly sepOk: Uint8Array;
  readonly slots: readonly TypeSlot[];
  readonly first: FirstGroup | undefined;
  readonly lastMayEndWithX: boolean;
  /** Later separators may be any of the grouping's (`Grouping.mixedSeps`). */
  readonly mixed: boolean;
}

/** Groupings are looked up by separator and first-group length (< GROUP_LEN_SLOTS). */
const GROUP_LEN_SLOTS = 16;
const FIELD_CACHE_LIMIT = 4096;

export class Compiled {
  readonly cues = new CueIndex();
  readonly slots = new Map<PiTypeId, TypeSlot>();
  readonly fieldTypes = new Map<string, Set<PiTypeId>>();
  readonly names: boolean;
  readonly addresses: boolean;
  readonly plates: boolean;
  /** Any type that the lexer's tokens can be (everything but names and addresses). */
  readonly tokenTypes: boolean;
  readonly #groupings: (readonly CompiledGrouping[] | undefined)[] = [];
  readonly #lists = new Map<readonly PiTypeId[], readonly TypeSlot[]>();

  constructor(wanted: ReadonlySet<PiTypeId> | undefined) {
    const types = new Map<PiTypeId, PiType>();
    for (const [id, mod] of CATALOGUE) if (!wanted || wanted.has(id)) types.set(id, mod);
    this.names = types.has('CN_NAME');
    this.addresses = types.has('CN_ADDRESS');
    this.plates = types.has('CN_LICENSE_PLATE');
    this.tokenTypes = [...types.keys()].some((id) => id !== 'CN_NAME' && id !== 'CN_ADDRESS');
    const cues = this.cues;
    for (const [id, mod] of types) {
      // A field name written in text (`mobile=138…`, an escaped JSON key) is a raise word too.
      const raise = [...mod.context.raise, ...mod.fieldNames]
        .map((w) => cues.add(w, 'raise'))
        .filter((x) => x >= 0);
      const lower = (mod.context.lower ?? []).map((w) => cues.add(w, 'lower')).filter((x) => x >= 0);
      cues.raiseIds.set(id, Int32Array.from(raise));
      cues.lowerIds.set(id, Int32Array.from(lower));
      for (const f of mod.fieldNames) {
        const key = normaliseKey(f);
        const set = this.fieldTypes.get(key) ?? new Set();
        set.add(id);
        this.fieldTypes.set(key, set);
      }
    }
    cues.computeForeign();
    if (this.names) for (const w of [...NAME_CUES_BEFORE, ...NAME_CUES_AFTER]) cues.add(w, 'name');
    if (this.addresses) {
      for (const w of cnAddress.context.raise) cues.add(w, 'address');
      for (const w of ADDRESS_TRIGGERS) if ([...w].length > 1) cues.add(w, 'address');
      for (const ch of ADDRESS_PARTS) cues.flags[ch.codePointAt(0)!]! |= F_ADDRESS_PART;
    }
    for (const ch of PROVINCES) cues.flags[ch.codePointAt(0)!]! |= F_PROVINCE;
    cues.freeze();

    const count = cues.words.length;
    for (const [id, mod] of types) {
      const ranks = cueRanks(count, cues.raiseIds.get(id)!, cues.lowerIds.get(id)!, cues.foreignIds.get(id)!);
      this.slots.set(id, {
        id,
        mod,
        ranks,
        fieldDecisions: new Map(),
        lowerKeys: (mod.context.lower ?? []).map(normaliseKey),
        raiseKeys: mod.context.raise.map(normaliseKey),
      });
    }

    for (const g of GROUPINGS) {
      const slots = this.slotsFor(g.types);
      if (slots.length === 0) continue; // none of its types is enabled
      const compiled: CompiledGrouping = {
        lo: Int32Array.from(g.lengths.map((l) => l[0])),
        hi: Int32Array.from(g.lengths.map((l) => l[1])),
        sepOk: new Uint8Array(256),
        slots,
        first: g.first,
        lastMayEndWithX: g.lastMayEndWithX === true,
        mixed: g.mixedSeps === true,
      };
      for (const ch of g.seps) compiled.sepOk[ch.charCodeAt(0)] = 1;
      // Index under each separator and first-group length it accepts, keeping GROUPINGS' order.
      for (const ch of g.seps) {
        for (let len = compiled.lo[0]!; len <= compiled.hi[0]! && len < GROUP_LEN_SLOTS; len++) {
          const key = ch.charCodeAt(0) * GROUP_LEN_SLOTS + len;
          this.#groupings[key] = [...(this.#groupings[key] ?? []), compiled];
        }
      }
    }
  }

  /** The groupings to try when the first group has `len` characters and the next separator is `sep`. */
  groupingsFor(sep: number, len: number): readonly CompiledGrouping[] | undefined {
    return len < GROUP_LEN_SLOTS ? this.#groupings[sep * GROUP_LEN_SLOTS + len] : undefined;
  }

  /** The enabled ones of `types`, in order (cached by array identity: callers pass constants). */
  slotsFor(types: readonly PiTypeId[]): readonly TypeSlot[] {
    let list = this.#lists.get(types);
    if (list === undefined) {
      list = types.map((t) => this.slots.get(t)).filter((s) => s !== undefined);
      this.#lists.set(types, list);
    }
    return list;
  }

  /**
   * A field name named for the type (`手机号`) matches it; one containing a lower word of the type
   * (`订单号`) lowers it; one containing a raise word (`紧急联系人电话`) raises it.
   */
  fieldDecision(slot: TypeSlot, field: string): Decision {
    let d = slot.fieldDecisions.get(field);
    if (d !== undefined) return d;
    const key = normaliseKey(field);
    if (this.fieldTypes.get(key)?.has(slot.id)) d = D_MATCH;
    else if (slot.lowerKeys.some((w) => key.includes(w))) d = D_LOWER;
    else if (slot.raiseKeys.some((w) => key.includes(w))) d = D_RAISE;
    else d = D_NONE;
    if (slot.fieldDecisions.size >= FIELD_CACHE_LIMIT) slot.fieldDecisions.clear();
    slot.fieldDecisions.set(field, d);
    return d;
  }

  static readonly #cache = new Map<string, Compiled>();

  /** The shared tables for this set of types (all types when `types` is undefined). */
  static of(types: readonly PiTypeId[] | undefined): Compiled {
    const key = types === undefined ? '*' : [...new Set(types)].sort().join(',');
    let c = Compiled.#cache.get(key);
    if (c === undefined) {
      c = new Compiled(types === undefined ? undefined : new Set(types));
      Compiled.#cache.set(key, c);
    }
    return c;
  }
}
