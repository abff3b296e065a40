/**
 * Service policies: parsing an untrusted policy document, and applying its *scope* to requests.
 *
 * The scope is the point of the whole subsystem (PIPL Arts. 5–6: collect the minimum; Art. 19:
 * keep it the shortest time): a request may carry only the fields its service's policy collects,
 * and only the fields the policy retains are kept after verification, each for a stated number of
 * days after the account closes. Everything else is refused before it is read, or dropped.
 *
 * Parsing is strict because a policy is where a mistake becomes a compliance failure: unknown keys
 * are refused (a misspelt `retian` must not silently mean "retain nothing"), every number is
 * range-checked, every method must reach the policy's minimum level and have its inputs in scope.
 * Errors name the JSON path of the fault (`realName.methods[1]`) and never a value: an operator
 * pasting a sample request into the wrong box must not see it echoed into logs.
 *
 * The format is described field by field in `docs/realname-policies.md`; examples in `policies/`.
 *
 * @module
 */
import { isPiTypeId } from '../pi/catalogue.ts';
import type { PiTypeId } from '../pi/types.ts';
import { RealnameError } from './errors.ts';
import { isIanaTimeZone, parseIsoDate, secondsOfHhMm } from './minors.ts';
import type {
  MinorsPolicy,
  PlayDay,
  PlayWindow,
  RetainedField,
  ReverificationPolicy,
  ServicePolicy,
} from './policy.types.ts';
import {
  ASSURANCE_LEVELS,
  type AssuranceLevel,
  levelAtLeast,
  METHOD_LEVELS,
  type VerificationMethod,
} from './types.ts';

/** A policy document that cannot be used; `field` is the JSON path of the fault (`$` for the root). */
export class ServicePolicyError extends RealnameError {
  override readonly name: string = 'ServicePolicyError';
  override readonly code = 'INVALID_POLICY' as const;
  override readonly field: string;
  constructor(message: string, field: string, options: { readonly cause?: unknown } = {}) {
    super('INVALID_POLICY', message, { field, ...options });
    this.field = field;
  }
}

/** Service ids and identity-limit scopes. */
export const POLICY_ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const PLAY_DAYS = [
  'MON',
  'TUE',
  'WED',
  'THU',
  'FRI',
  'SAT',
  'SUN',
  'HOLIDAY',
] as const satisfies readonly PlayDay[];

/**
 * The PI each method needs to be submitted, so a policy cannot accept a method whose inputs it
 * refuses to collect. `network-identity` needs none: the credential stands alone (2025 Measures).
 */
export const METHOD_INPUTS: Readonly<Record<VerificationMethod, readonly PiTypeId[]>> = {
  document: ['CN_RESIDENT_ID'],
  'id-two-factor': ['CN_NAME', 'CN_RESIDENT_ID'],
  'mobile-three-factor': ['CN_NAME', 'CN_RESIDENT_ID', 'CN_MOBILE'],
  'network-identity': [],
};

const MAX_DAYS = 3650;
const MAX_RETENTION_DAYS = 36_500;
const MAX_HOURS = 8760;
const MAX_IDENTITY_LIMIT = 1000;
const MAX_WINDOWS = 64;
const MAX_DATES = 4000;
const MAX_DISPLAY_NAME = 100;

type Json = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new ServicePolicyError(message, path);
}

function at(parent: string, key: string): string {
  return parent === '$' ? key : `${parent}.${key}`;
}

/** An object with only `allowed` keys and every `required` one present; keys are never echoed. */
function object(v: unknown, path: string, allowed: readonly string[], required: readonly string[]): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, `${path} must be an object`);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) fail(path, `${path} has a key that is not part of the policy format`);
  }
  const o = v as Json;
  for (const key of required) {
    if (!Object.hasOwn(o, key) || o[key] === undefined) fail(at(path, key), `${at(path, key)} is required`);
  }
  return o;
}

function get(o: Json, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function integer(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(path, `${path} must be a whole number from ${min} to ${max}`);
  return v;
}

function boolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, `${path} must be true or false`);
  return v;
}

function array(v: unknown, path: string, min: number, max: number): readonly unknown[] {
  if (!Array.isArray(v)) fail(path, `${path} must be a list`);
  if (v.length < min || v.length > max)
    fail(
      path,
      min === 0 ? `${path} may hold at most ${max} items` : `${path} must hold ${min} to ${max} items`,
    );
  return v;
}

/** A list of distinct strings each accepted by `ok`; the first fault names its index. */
function strings<T extends string>(
  v: unknown,
  path: string,
  options: {
    readonly min: number;
    readonly max: number;
    readonly ok: (s: string) => boolean;
    readonly what: string;
  },
): T[] {
  const items = array(v, path, options.min, options.max);
  const seen = new Set<string>();
  return items.map((x, i) => {
    const p = `${path}[${i}]`;
    if (typeof x !== 'string' || !options.ok(x)) fail(p, `${p} is not ${options.what}`);
    if (seen.has(x)) fail(p, `${p} repeats an earlier item`);
    seen.add(x);
    return x as T;
  });
}

function id(v: unknown, path: string): string {
  if (typeof v !== 'string' || !POLICY_ID.test(v))
    fail(path, `${path} must be 1–64 characters of a-z, 0-9, _ . - starting with a letter or digit`);
  return v;
}

// Control and format characters have no place in a name shown to users.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function displayName(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, `${path} must be a string`);
  const length = [...v].length;
  if (length < 1 || length > MAX_DISPLAY_NAME || v.trim() === '' || UNPRINTABLE.test(v))
    fail(path, `${path} must be 1–${MAX_DISPLAY_NAME} printable characters, not only spaces`);
  return v;
}

const isLevel = (s: string): s is AssuranceLevel => (ASSURANCE_LEVELS as readonly string[]).includes(s);
const isMethod = (s: string): s is VerificationMethod => Object.hasOwn(METHOD_LEVELS, s);
const isPlayDay = (s: string): s is PlayDay => (PLAY_DAYS as readonly string[]).includes(s);
const isDate = (s: string): boolean => parseIsoDate(s) !== undefined;

function parseRealName(v: unknown, collect: readonly PiTypeId[]): ServicePolicy['realName'] {
  const p = 'realName';
  const o = object(
    v,
    p,
    ['required', 'minimumLevel', 'methods', 'graceDays', 'noticeDays', 'restrictDays'],
    ['required', 'minimumLevel', 'methods', 'graceDays', 'noticeDays', 'restrictDays'],
  );
  const required = boolean(get(o, 'required'), `${p}.required`);
  const level = get(o, 'minimumLevel');
  if (typeof level !== 'string' || !isLevel(level))
    fail(`${p}.minimumLevel`, `${p}.minimumLevel must be one of ${ASSURANCE_LEVELS.join(', ')}`);
  const methods = strings<VerificationMethod>(get(o, 'methods'), `${p}.methods`, {
    min: 1,
    max: Object.keys(METHOD_LEVELS).length,
    ok: isMethod,
    what: `a verification method (${Object.keys(METHOD_LEVELS).join(', ')})`,
  });
  methods.forEach((m, i) => {
    const mp = `${p}.methods[${i}]`;
    if (!levelAtLeast(METHOD_LEVELS[m], level))
      fail(mp, `${mp} reaches ${METHOD_LEVELS[m]}, below the policy's minimumLevel ${level}`);
    const missing = METHOD_INPUTS[m].filter((f) => !collect.includes(f));
    if (missing.length > 0) fail(mp, `${mp} needs ${missing.join(', ')} in fields.collect`);
  });
  return {
    required,
    minimumLevel: level,
    methods,
    graceDays: integer(get(o, 'graceDays'), `${p}.graceDays`, 0, MAX_DAYS),
    noticeDays: integer(get(o, 'noticeDays'), `${p}.noticeDays`, 0, MAX_DAYS),
    restrictDays: integer(get(o, 'restrictDays'), `${p}.restrictDays`, 0, MAX_DAYS),
  };
}

function parseFields(v: unknown): ServicePolicy['fields'] {
  const p = 'fields';
  const o = object(v, p, ['collect', 'retain'], ['collect', 'retain']);
  const collect = strings<PiTypeId>(get(o, 'collect'), `${p}.collect`, {
    min: 0,
    max: 64,
    ok: isPiTypeId,
    what: 'a PI type id of the catalogue',
  });
  const seen = new Set<string>();
  const retain = array(get(o, 'retain'), `${p}.retain`, 0, 64).map((r, i): RetainedField => {
    const rp = `${p}.retain[${i}]`;
    const ro = object(r, rp, ['field', 'daysAfterClose'], ['field', 'daysAfterClose']);
    const field = get(ro, 'field');
    if (typeof field !== 'string' || !isPiTypeId(field))
      fail(`${rp}.field`, `${rp}.field is not a PI type id of the catalogue`);
    if (!collect.includes(field)) fail(`${rp}.field`, `${rp}.field is not in fields.collect`);
    if (seen.has(field)) fail(`${rp}.field`, `${rp}.field repeats an earlier retained field`);
    seen.add(field);
    return {
      field,
      daysAfterClose: integer(get(ro, 'daysAfterClose'), `${rp}.daysAfterClose`, 0, MAX_RETENTION_DAYS),
    };
  });
  return { collect, retain };
}

function parseWindow(v: unknown, path: string): PlayWindow {
  const o = object(v, path, ['days', 'from', 'to'], ['days', 'from', 'to']);
  const days = strings<PlayDay>(get(o, 'days'), `${path}.days`, {
    min: 1,
    max: PLAY_DAYS.length,
    ok: isPlayDay,
    what: `a play day (${PLAY_DAYS.join(', ')})`,
  });
  const from = get(o, 'from');
  const fromSeconds = typeof from === 'string' ? secondsOfHhMm(from) : undefined;
  if (typeof from !== 'string' || fromSeconds === undefined || fromSeconds >= 86_400)
    fail(`${path}.from`, `${path}.from must be a time HH:MM from 00:00 to 23:59`);
  const to = get(o, 'to');
  const toSeconds = typeof to === 'string' ? secondsOfHhMm(to) : undefined;
  if (typeof to !== 'string' || toSeconds === undefined)
    fail(`${path}.to`, `${path}.to must be a time HH:MM from 00:01 to 24:00`);
  if (fromSeconds >= toSeconds) fail(`${path}.to`, `${path}.to must be later than ${path}.from`);
  return { days, from, to };
}

function parsePlay(v: unknown, path: string): NonNullable<MinorsPolicy['play']> {
  const o = object(
    v,
    path,
    ['timeZone', 'windows', 'holidays', 'workdays'],
    ['timeZone', 'windows', 'holidays', 'workdays'],
  );
  const timeZone = get(o, 'timeZone');
  if (typeof timeZone !== 'string' || !isIanaTimeZone(timeZone))
    fail(`${path}.timeZone`, `${path}.timeZone must be an IANA time zone such as Asia/Shanghai`);
  const windows = array(get(o, 'windows'), `${path}.windows`, 1, MAX_WINDOWS).map((w, i) =>
    parseWindow(w, `${path}.windows[${i}]`),
  );
  const dates = { min: 0, max: MAX_DATES, ok: isDate, what: 'a real date YYYY-MM-DD' };
  const holidays = strings<string>(get(o, 'holidays'), `${path}.holidays`, dates);
  const workdays = strings<string>(get(o, 'workdays'), `${path}.workdays`, dates);
  workdays.forEach((d, i) => {
    if (holidays.includes(d)) fail(`${path}.workdays[${i}]`, `${path}.workdays[${i}] is also a holiday`);
  });
  return { timeZone, windows, holidays, workdays };
}

function parseMinors(v: unknown): MinorsPolicy {
  const p = 'minors';
  const o = object(v, p, ['minimumAge', 'guardianConsentUnder', 'play'], ['guardianConsentUnder']);
  const minimumAge = get(o, 'minimumAge');
  const play = get(o, 'play');
  return {
    ...(minimumAge === undefined ? {} : { minimumAge: integer(minimumAge, `${p}.minimumAge`, 0, 18) }),
    guardianConsentUnder: integer(get(o, 'guardianConsentUnder'), `${p}.guardianConsentUnder`, 0, 18),
    ...(play === undefined ? {} : { play: parsePlay(play, `${p}.play`) }),
  };
}

const TRIGGERS = ['phoneChange', 'deviceChange', 'fraudFlag'] as const;

function parseReverification(v: unknown): ReverificationPolicy {
  const o = object(v, 'reverification', TRIGGERS, []);
  const out: { -readonly [K in keyof ReverificationPolicy]: number } = {};
  for (const t of TRIGGERS) {
    const hours = get(o, t);
    if (hours !== undefined) out[t] = integer(hours, `reverification.${t}`, 1, MAX_HOURS);
  }
  return out;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * Validates a service policy document (from a file or the API) and returns a frozen copy holding
 * only the format's keys, in a canonical order.
 *
 * @throws ServicePolicyError `INVALID_POLICY` whose `field` is the JSON path of the first fault
 *   (`$` for the root, the parent object's path for an unknown key); the message never contains a
 *   value or an unknown key
 */
export function parseServicePolicy(doc: unknown): ServicePolicy {
  const o = object(
    doc,
    '$',
    [
      'service',
      'version',
      'displayName',
      'realName',
      'fields',
      'accountsPerIdentity',
      'minors',
      'reverification',
    ],
    ['service', 'version', 'displayName', 'realName', 'fields', 'minors', 'reverification'],
  );
  const service = id(get(o, 'service'), 'service');
  if (get(o, 'version') !== 1) fail('version', 'version must be 1');
  const name = displayName(get(o, 'displayName'), 'displayName');
  const fields = parseFields(get(o, 'fields'));
  const realName = parseRealName(get(o, 'realName'), fields.collect);
  const limit = get(o, 'accountsPerIdentity');
  let accountsPerIdentity: ServicePolicy['accountsPerIdentity'];
  if (limit !== undefined) {
    const p = 'accountsPerIdentity';
    const lo = object(limit, p, ['limit', 'scope'], ['limit', 'scope']);
    accountsPerIdentity = {
      limit: integer(get(lo, 'limit'), `${p}.limit`, 1, MAX_IDENTITY_LIMIT),
      scope: id(get(lo, 'scope'), `${p}.scope`),
    };
  }
  return deepFreeze({
    service,
    version: 1,
    displayName: name,
    realName,
    fields,
    ...(accountsPerIdentity === undefined ? {} : { accountsPerIdentity }),
    minors: parseMinors(get(o, 'minors')),
    reverification: parseReverification(get(o, 'reverification')),
  });
}

/**
 * Refuses a request carrying any field the policy does not collect. A field whose value is
 * `undefined` is not carried. The error names a PI type id; any other key is described, never
 * echoed (a key can be PI too: `{"13800138000": …}`).
 *
 * @throws RealnameError `FIELD_OUT_OF_SCOPE` (`field` is the PI type id, or absent for a key
 *   outside the catalogue)
 */
export function checkScope(policy: ServicePolicy, fields: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(fields)) {
    if (fields[key] === undefined) continue;
    if (!isPiTypeId(key)) {
      throw new RealnameError(
        'FIELD_OUT_OF_SCOPE',
        `a field not in the catalogue is not collected by service ${policy.service}`,
      );
    }
    if (!policy.fields.collect.includes(key)) {
      throw new RealnameError('FIELD_OUT_OF_SCOPE', `${key} is not collected by service ${policy.service}`, {
        field: key,
      });
    }
  }
}

/**
 * The fields to keep after verification: those the policy retains, out of a request already in
 * scope. Everything else is for the check only and must be dropped by the caller.
 *
 * @throws RealnameError `FIELD_OUT_OF_SCOPE` as {@link checkScope}: an out-of-scope request is
 *   refused, not quietly trimmed
 */
export function retainedFields<T>(
  policy: ServicePolicy,
  fields: Readonly<Record<string, T | undefined>>,
): Partial<Record<PiTypeId, T>> {
  checkScope(policy, fields);
  const out: Partial<Record<PiTypeId, T>> = {};
  for (const { field } of policy.fields.retain) {
    const value = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** Days `field` is kept after the account closes, or `undefined` if the policy does not retain it. */
export function retentionDays(policy: ServicePolicy, field: string): number | undefined {
  return policy.fields.retain.find((r) => r.field === field)?.daysAfterClose;
}
