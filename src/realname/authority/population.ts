/**
 * The synthetic population the reference identity authority answers from: its record format, a
 * seeded generator, a streaming JSONL writer and a validating reader.
 *
 * A real authority holds the resident register and the carriers' subscriber records; this module
 * makes a stand-in that behaves like one (valid ID numbers with real birth dates and region codes,
 * mobiles in real number segments with the right carrier, minors, shared surnames, deceased and
 * moved people) without holding anyone's data. Every identity is made up: resident IDs carry a
 * correct MOD 11-2 check character and pass the `src/pi` validator, and any resemblance to a real
 * person's number is chance.
 *
 * File format: JSON Lines, one person per line (see `docs/authority.md`):
 * `{"name":"…","residentId":"…","mobiles":[{"number":"…","carrier":"cmcc"}],"networkIdentity":"…","status":"active"}`.
 *
 * Errors carry a line number and the field at fault, never the value.
 *
 * @module
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { cnMobile } from '../../pi/cn-mobile.ts';
import { cnName } from '../../pi/cn-name.ts';
import { cnResidentId, residentIdCheckChar } from '../../pi/cn-resident-id.ts';
import { MOBILE_SEGMENTS } from '../../pi/data/mobile-prefixes.ts';
import {
  COMPOUND_SURNAMES,
  GIVEN_NAME_CHARS,
  NON_GIVEN_CHARS,
  NON_NAME_WORDS,
  TIER1_SURNAMES,
  TIER2_SURNAMES,
} from '../../pi/data/surnames.ts';
import { listRegions } from '../../pi/regions.ts';
import { dayNumber, todayInShanghai } from '../../pi/text.ts';
import { ageOn, dateOfDayNumber } from '../adapters/age.ts';
import type { Carrier } from '../types.ts';

/** Register status. `deceased` and `moved` (household registration being transferred) answer NO_RECORD. */
export const PERSON_STATUSES = ['active', 'deceased', 'moved'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

export const CARRIERS: readonly Carrier[] = ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'];

/** A mobile number registered (实名登记) to a person, with the carrier of its number segment. */
export interface PersonMobile {
  /** 11-digit national number. */
  readonly number: string;
  readonly carrier: Carrier;
}

/** One person of the synthetic register. */
export interface Person {
  readonly name: string;
  /** 18-character resident ID (valid check character, real birth date, known region code). */
  readonly residentId: string;
  /** Mobiles registered to the person at the carriers; none for many young children. */
  readonly mobiles: readonly PersonMobile[];
  /** The opaque network identity number (网号): letters and digits, no ID digits in it. */
  readonly networkIdentity: string;
  readonly status: PersonStatus;
}

/** Stable codes of {@link PopulationError}. */
export type PopulationErrorCode =
  /** A line is not a JSON object. */
  | 'BAD_JSON'
  /** A field is missing, of the wrong type, or fails validation. */
  | 'BAD_FIELD'
  /** A resident ID, mobile or network identity appears twice. */
  | 'DUPLICATE'
  /** The file could not be read or written. */
  | 'IO'
  /** Generator options out of range. */
  | 'BAD_OPTIONS';

/** A population problem; `line` is 1-based when it comes from a file. Never carries a value. */
export class PopulationError extends Error {
  override readonly name = 'PopulationError';
  readonly code: PopulationErrorCode;
  readonly line: number | undefined;
  readonly field: string | undefined;
  constructor(code: PopulationErrorCode, message: string, line?: number, field?: string) {
    super(line === undefined ? message : `population line ${line}: ${message}`);
    this.code = code;
    this.line = line;
    this.field = field;
  }
}

// --- carriers ----------------------------------------------------------------------------------

const CARRIER_OF_KIND: Readonly<Record<string, Carrier>> = {
  'china-mobile': 'cmcc',
  'china-unicom': 'cucc',
  'china-telecom': 'ctcc',
  'china-broadnet': 'cbn',
  mvno: 'mvno',
};

/**
 * The carrier a person's mobile belongs to, from its MIIT number segment (validated by
 * `src/pi/cn-mobile.ts`), or `undefined` for a number that is invalid or not a personal
 * subscription (satellite, IoT and data-card ranges).
 */
export function carrierOfMobile(number: string): Carrier | undefined {
  if (number.length !== 11) return undefined;
  const v = cnMobile.validate(number);
  return v.valid && v.kind !== undefined ? CARRIER_OF_KIND[v.kind] : undefined;
}

// --- validation --------------------------------------------------------------------------------

const RESIDENT_ID_RE = /^\d{17}[\dX]$/;
const NETWORK_IDENTITY_RE = /^[A-Za-z0-9]{8,64}$/;
/** A network identity must not hide an ID fragment: no run of more than three digits. */
const DIGIT_RUN_RE = /\d{4}/;
const FIELDS = new Set(['name', 'residentId', 'mobiles', 'networkIdentity', 'status']);

/** True if `name` is a plausible display name for the register: 1–64 characters, no controls. */
function nameShapeOk(name: string): boolean {
  return name.length > 0 && name.length <= 64 && name.trim() === name && !/[\u0000-\u001f\u007f]/.test(name);
}

/** The reason a resident ID is refused, or `undefined` if it is valid (18 characters only). */
export function residentIdProblem(residentId: string, now?: Date): string | undefined {
  if (!RESIDENT_ID_RE.test(residentId)) return 'BAD_FORMAT';
  const v = cnResidentId.validate(residentId, now === undefined ? undefined : { now });
  return v.valid ? undefined : (v.reason ?? 'INVALID');
}

/** True if `value` has the shape of a network identity (8–64 letters and digits, no 4-digit run). */
export function isNetworkIdentity(value: string): boolean {
  return NETWORK_IDENTITY_RE.test(value) && !DIGIT_RUN_RE.test(value);
}

const fieldError = (field: string, what: string, line?: number) =>
  new PopulationError('BAD_FIELD', `${field} ${what}`, line, field);

/**
 * Checks one parsed record and returns it as a {@link Person} (a fresh object holding only the
 * known fields). Throws {@link PopulationError} naming the field, never the value.
 */
export function validatePerson(value: unknown, line?: number): Person {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PopulationError('BAD_JSON', 'not a JSON object', line);
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!FIELDS.has(key)) throw new PopulationError('BAD_FIELD', 'unknown field', line);
  }
  const { name, residentId, mobiles, networkIdentity, status } = r;
  if (typeof name !== 'string' || !nameShapeOk(name))
    throw fieldError('name', 'must be 1-64 characters without surrounding spaces', line);
  if (typeof residentId !== 'string') throw fieldError('residentId', 'must be a string', line);
  const idProblem = residentIdProblem(residentId);
  if (idProblem !== undefined) throw fieldError('residentId', `fails validation (${idProblem})`, line);
  if (!Array.isArray(mobiles) || mobiles.length > 8)
    throw fieldError('mobiles', 'must be an array of at most 8 entries', line);
  const checked: PersonMobile[] = [];
  for (const m of mobiles as unknown[]) {
    if (typeof m !== 'object' || m === null) throw fieldError('mobiles', 'entries must be objects', line);
    const { number, carrier, ...rest } = m as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw fieldError('mobiles', 'entries have an unknown field', line);
    if (typeof number !== 'string') throw fieldError('mobiles.number', 'must be a string', line);
    const segmentCarrier = carrierOfMobile(number);
    if (segmentCarrier === undefined)
      throw fieldError('mobiles.number', 'is not a personal mobile in an allocated segment', line);
    if (carrier !== segmentCarrier)
      throw fieldError('mobiles.carrier', 'does not match the number segment', line);
    checked.push({ number, carrier: segmentCarrier });
  }
  if (typeof networkIdentity !== 'string' || !isNetworkIdentity(networkIdentity))
    throw fieldError('networkIdentity', 'must be 8-64 letters and digits with no run of 4 digits', line);
  if (typeof status !== 'string' || !(PERSON_STATUSES as readonly string[]).includes(status))
    throw fieldError('status', `must be one of ${PERSON_STATUSES.join(', ')}`, line);
  return { name, residentId, mobiles: checked, networkIdentity, status: status as PersonStatus };
}

// --- generator ---------------------------------------------------------------------------------

/** Options of {@link generatePopulation}. */
export interface GeneratePopulationOptions {
  /** People to make (at most 10,000,000). */
  readonly count: number;
  /** Any integer; the same seed and `asOf` give the same population. */
  readonly seed: number;
  /** Share of minors aged 5–17 on `asOf` (default 0.2). */
  readonly minorsShare?: number;
  /** Share of deceased people (default 0.01; adults only). */
  readonly deceasedShare?: number;
  /** Share of people whose household registration is being moved (default 0.01). */
  readonly movedShare?: number;
  /** The date ages refer to (default: today in Asia/Shanghai). */
  readonly asOf?: Date;
}

/** Most people generated; the mobile numbering scheme guarantees uniqueness up to this count. */
export const MAX_POPULATION = 10_000_000;

/** sfc32 seeded through splitmix32: 128 bits of state, so long runs never repeat. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4_294_967_296;
  };
}

type Rng = () => number;
const intIn = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

interface Pools {
  readonly currentRegions: readonly string[];
  readonly historicalRegions: readonly string[];
  readonly compound: readonly string[];
  readonly given: readonly string[];
  /** 3-digit personal prefixes that no longer prefix overrides (so 8 free digits never change carrier). */
  readonly prefixes: readonly string[];
}
let pools: Pools | undefined;

function buildPools(): Pools {
  if (pools) return pools;
  const currentRegions: string[] = [];
  const historicalRegions: string[] = [];
  for (const r of listRegions()) {
    const p = r.code.charCodeAt(0) - 48;
    if (p < 1 || p > 6 || r.code.endsWith('00')) continue; // mainland county level only
    (r.to === null ? currentRegions : historicalRegions).push(r.code);
  }
  const prefixes = MOBILE_SEGMENTS.filter(
    ([prefix, , use]) =>
      prefix.length === 3 &&
      (use === 'public' || use === 'mvno') &&
      !MOBILE_SEGMENTS.some(([other]) => other.length > 3 && other.startsWith(prefix)),
  ).map(([prefix]) => prefix);
  pools = {
    currentRegions,
    historicalRegions,
    compound: [...COMPOUND_SURNAMES].filter(([, tier]) => tier === 1).map(([s]) => s),
    given: [...GIVEN_NAME_CHARS].filter((c) => !NON_GIVEN_CHARS.has(c)),
    prefixes,
  };
  return pools;
}

function makeName(rng: Rng, p: Pools): string {
  for (;;) {
    const r = rng();
    // Tier-1 surnames dominate, so many people share a surname (and some a full name).
    const surname = r < 0.03 ? pick(rng, p.compound) : pick(rng, r < 0.85 ? TIER1_SURNAMES : TIER2_SURNAMES);
    let name = surname + pick(rng, p.given);
    if (rng() < 0.7) name += pick(rng, p.given);
    if (NON_NAME_WORDS.has(name) || !cnName.validate(name).valid) continue;
    return name;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function makeResidentId(rng: Rng, p: Pools, birthDay: number): string {
  const region = rng() < 0.15 ? pick(rng, p.historicalRegions) : pick(rng, p.currentRegions);
  const b = dateOfDayNumber(birthDay);
  const first17 = `${region}${b.year}${pad(b.month, 2)}${pad(b.day, 2)}${pad(intIn(rng, 0, 999), 3)}`;
  return first17 + residentIdCheckChar(first17);
}

/** Alphabet of network identities: no I, O, 0, 1 (read-aloud safe). */
const NI_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function makeNetworkIdentity(rng: Rng): string {
  for (;;) {
    let s = 'WH';
    for (let i = 0; i < 18; i++) s += NI_ALPHABET[Math.floor(rng() * NI_ALPHABET.length)];
    if (!DIGIT_RUN_RE.test(s)) return s;
  }
}

/** An odd multiplier not divisible by 5: coprime to 10^8, so `slot → slot·M + k mod 10^8` is a bijection. */
const MOBILE_MULTIPLIER = 48_271_017;

/** Birth day number for an age drawn in [minAge, maxAge] on `today`. */
function birthDayFor(rng: Rng, today: number, minAge: number, maxAge: number): number {
  const t = dateOfDayNumber(today);
  for (;;) {
    // Up to a year and a few days earlier than `age` years ago; retry until the age is right.
    const age = intIn(rng, minAge, maxAge);
    const day = dayNumber(t.year - age, t.month, Math.min(t.day, 28)) - intIn(rng, 0, 366);
    const real = ageOn(dateOfDayNumber(day), t);
    if (real >= minAge && real <= maxAge) return day;
  }
}

function checkOptions(o: GeneratePopulationOptions): void {
  const bad = (what: string) => new PopulationError('BAD_OPTIONS', what);
  if (!Number.isInteger(o.count) || o.count < 0 || o.count > MAX_POPULATION)
    throw bad(`count must be an integer from 0 to ${MAX_POPULATION}`);
  if (!Number.isInteger(o.seed)) throw bad('seed must be an integer');
  for (const [k, v] of [
    ['minorsShare', o.minorsShare],
    ['deceasedShare', o.deceasedShare],
    ['movedShare', o.movedShare],
  ] as const) {
    if (v !== undefined && !(v >= 0 && v <= 1)) throw bad(`${k} must be between 0 and 1`);
  }
  if (o.asOf !== undefined && Number.isNaN(o.asOf.getTime())) throw bad('asOf must be a valid date');
}

/**
 * Generates people one at a time (for writing millions without holding them). Deterministic by
 * `seed` and `asOf`. Resident IDs, mobiles and network identities are unique.
 */
export function* populationStream(options: GeneratePopulationOptions): Generator<Person> {
  checkOptions(options);
  const p = buildPools();
  const rng = prng(options.seed);
  const today = todayInShanghai(options.asOf);
  const minorsShare = options.minorsShare ?? 0.2;
  const deceasedShare = options.deceasedShare ?? 0.01;
  const movedShare = options.movedShare ?? 0.01;
  const mobileOffset = Math.floor(rng() * 100_000_000);
  const ids = new Set<string>();
  for (let i = 0; i < options.count; i++) {
    const minor = rng() < minorsShare;
    const birthDay = minor ? birthDayFor(rng, today, 5, 17) : birthDayFor(rng, today, 18, 90);
    let residentId = makeResidentId(rng, p, birthDay);
    while (ids.has(residentId)) residentId = makeResidentId(rng, p, birthDay);
    ids.add(residentId);
    const age = ageOn(dateOfDayNumber(birthDay), dateOfDayNumber(today));
    // Young children rarely have their own number; adults have one, sometimes two.
    const r = rng();
    const mobileCount =
      age < 10 ? (r < 0.1 ? 1 : 0) : age < 18 ? (r < 0.6 ? 1 : 0) : r < 0.05 ? 0 : r < 0.85 ? 1 : 2;
    const mobiles: PersonMobile[] = [];
    for (let k = 0; k < mobileCount; k++) {
      const slot = i * 2 + k; // unique per person and mobile, so numbers never repeat
      const subscriber = (slot * MOBILE_MULTIPLIER + mobileOffset) % 100_000_000;
      const number = pick(rng, p.prefixes) + pad(subscriber, 8);
      mobiles.push({ number, carrier: carrierOfMobile(number)! });
    }
    const s = rng();
    const status: PersonStatus =
      !minor && s < deceasedShare ? 'deceased' : s > 1 - movedShare ? 'moved' : 'active';
    yield { name: makeName(rng, p), residentId, mobiles, networkIdentity: makeNetworkIdentity(rng), status };
  }
}

/** {@link populationStream} collected into an array. */
export function generatePopulation(options: GeneratePopulationOptions): Person[] {
  return [...populationStream(options)];
}

// --- JSONL I/O ---------------------------------------------------------------------------------

/** One person as a JSONL line (with the trailing newline), fields in the documented order. */
export function personToLine(person: Person): string {
  return `${JSON.stringify({
    name: person.name,
    residentId: person.residentId,
    mobiles: person.mobiles.map((m) => ({ number: m.number, carrier: m.carrier })),
    networkIdentity: person.networkIdentity,
    status: person.status,
  })}\n`;
}

/**
 * Writes people as JSONL to a file path (created with mode 0600) or a stream, honouring
 * back-pressure. Resolves to the number written. A stream passed in is not closed.
 */
export async function writePopulation(
  people: Iterable<Person> | AsyncIterable<Person>,
  out: string | Writable,
): Promise<number> {
  const stream = typeof out === 'string' ? createWriteStream(out, { mode: 0o600 }) : out;
  let failure: Error | undefined;
  const onError = (e: Error) => {
    failure = e;
  };
  stream.on('error', onError);
  let n = 0;
  let chunk = '';
  try {
    for await (const person of people) {
      chunk += personToLine(person);
      n++;
      if (chunk.length >= 64 * 1024) {
        if (failure) break;
        if (!stream.write(chunk)) await once(stream, 'drain');
        chunk = '';
      }
    }
    if (chunk.length > 0 && !failure) stream.write(chunk);
    if (typeof out === 'string' && !failure) {
      stream.end();
      await once(stream, 'finish');
    }
  } catch (e) {
    if (typeof out === 'string') stream.destroy();
    throw failure ? new PopulationError('IO', 'cannot write the population file') : e;
  } finally {
    stream.off('error', onError);
  }
  if (failure) throw new PopulationError('IO', `cannot write the population file (${failureCode(failure)})`);
  return n;
}

function failureCode(e: Error): string {
  return (e as NodeJS.ErrnoException).code ?? e.name;
}

/**
 * Reads a JSONL population from a file path or stream, validating each line; blank lines are
 * skipped. Throws {@link PopulationError} with the 1-based line number on the first bad line.
 * Duplicates across lines are detected by the index that loads them (`PopulationIndex`).
 */
export async function* readPopulation(source: string | Readable): AsyncGenerator<Person & { line: number }> {
  const input = typeof source === 'string' ? createReadStream(source, { encoding: 'utf8' }) : source;
  let ioError: Error | undefined;
  input.on('error', (e: Error) => {
    ioError = e;
  });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new PopulationError('BAD_JSON', 'not valid JSON', line);
      }
      yield { ...validatePerson(parsed, line), line };
    }
  } catch (e) {
    if (ioError) throw new PopulationError('IO', `cannot read the population file (${failureCode(ioError)})`);
    throw e;
  } finally {
    lines.close();
    if (typeof source === 'string') input.destroy();
  }
  if (ioError) throw new PopulationError('IO', `cannot read the population file (${failureCode(ioError)})`);
}
