import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PI_TYPE_IDS, type PiTypeId } from '../pi/types.ts';
import { isRealnameError, REALNAME_ERROR_CODES, REALNAME_ERROR_STATUS, RealnameError } from './errors.ts';
import { EXAMPLE_POLICIES } from './policies/examples.ts';
import {
  checkScope,
  METHOD_INPUTS,
  PLAY_DAYS,
  parseServicePolicy,
  retainedFields,
  retentionDays,
  ServicePolicyError,
} from './policy.ts';
import { ASSURANCE_LEVELS, levelAtLeast, METHOD_LEVELS, VERIFICATION_METHODS } from './types.ts';

/** A valid document exercising every key; each error case below breaks exactly one thing. */
const base = {
  service: 'demo.game-1',
  version: 1,
  displayName: '演示 Demo',
  realName: {
    required: true,
    minimumLevel: 'L2',
    methods: ['id-two-factor', 'mobile-three-factor', 'network-identity'],
    graceDays: 30,
    noticeDays: 7,
    restrictDays: 30,
  },
  fields: {
    collect: ['CN_NAME', 'CN_RESIDENT_ID', 'CN_MOBILE'],
    retain: [{ field: 'CN_MOBILE', daysAfterClose: 180 }],
  },
  accountsPerIdentity: { limit: 10, scope: 'demo' },
  minors: {
    minimumAge: 8,
    guardianConsentUnder: 14,
    play: {
      timeZone: 'Asia/Shanghai',
      windows: [{ days: ['FRI', 'SAT', 'SUN', 'HOLIDAY'], from: '20:00', to: '21:00' }],
      holidays: ['2026-10-01'],
      workdays: ['2026-10-10'],
    },
  },
  reverification: { phoneChange: 72, deviceChange: 168, fraudFlag: 24 },
};

// biome-ignore lint/suspicious/noExplicitAny: the tests break documents in every possible way
type Doc = Record<string, any>;
const with_ = (change: (d: Doc) => void): Doc => {
  const d = structuredClone(base) as Doc;
  change(d);
  return d;
};

/** A value that must never appear in an error message. */
const SECRET = '11010519491231002X';

function policyError(doc: unknown): ServicePolicyError {
  try {
    parseServicePolicy(doc);
  } catch (error) {
    expect(error).toBeInstanceOf(ServicePolicyError);
    const e = error as ServicePolicyError;
    expect(e.code).toBe('INVALID_POLICY');
    expect(e.status).toBe(400);
    expect(e.message).not.toContain(SECRET);
    return e;
  }
  throw new Error('expected INVALID_POLICY');
}

describe('parseServicePolicy', () => {
  it('accepts the base document and returns it, frozen', () => {
    const p = parseServicePolicy(base);
    expect(p).toEqual(base);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.realName.methods)).toBe(true);
    expect(Object.isFrozen(p.minors.play?.windows[0])).toBe(true);
  });

  it('accepts the minimal shape: no limit, no minimum age, no play rules, no triggers', () => {
    const p = parseServicePolicy(
      with_((d) => {
        delete d.accountsPerIdentity;
        delete d.minors.minimumAge;
        delete d.minors.play;
        d.reverification = {};
        d.realName.required = false; // voluntary verification: methods still listed
      }),
    );
    expect(p.accountsPerIdentity).toBeUndefined();
    expect('accountsPerIdentity' in p).toBe(false);
    expect(p.minors).toEqual({ guardianConsentUnder: 14 });
    expect(p.reverification).toEqual({});
    expect(p.realName.required).toBe(false);
  });

  it('accepts a window closing at 24:00 and an L3-only policy with no plaintext at all', () => {
    const p = parseServicePolicy(
      with_((d) => {
        d.minors.play.windows = [{ days: ['SAT'], from: '23:00', to: '24:00' }];
        d.realName.minimumLevel = 'L3';
        d.realName.methods = ['network-identity'];
        d.fields = { collect: [], retain: [] };
      }),
    );
    expect(p.minors.play?.windows[0]?.to).toBe('24:00');
    expect(p.fields.collect).toEqual([]);
  });

  const cases: [string, (d: Doc) => void, string][] = [
    ['unknown root key', (d) => (d[SECRET] = 1), '$'],
    ['missing service', (d) => delete d.service, 'service'],
    ['service with capitals', (d) => (d.service = 'Game'), 'service'],
    ['service starting with a dot', (d) => (d.service = '.game'), 'service'],
    ['service of 65 characters', (d) => (d.service = 'a'.repeat(65)), 'service'],
    ['service not a string', (d) => (d.service = 7), 'service'],
    ['version 2', (d) => (d.version = 2), 'version'],
    ['version as a string', (d) => (d.version = '1'), 'version'],
    ['missing version', (d) => delete d.version, 'version'],
    ['empty displayName', (d) => (d.displayName = ''), 'displayName'],
    ['blank displayName', (d) => (d.displayName = '   '), 'displayName'],
    ['displayName of 101 characters', (d) => (d.displayName = '名'.repeat(101)), 'displayName'],
    ['displayName with a newline', (d) => (d.displayName = 'a\nb'), 'displayName'],
    ['displayName not a string', (d) => (d.displayName = 5), 'displayName'],
    ['missing realName', (d) => delete d.realName, 'realName'],
    ['realName a list', (d) => (d.realName = []), 'realName'],
    ['unknown realName key', (d) => (d.realName.retian = true), 'realName'],
    ['required not boolean', (d) => (d.realName.required = 'yes'), 'realName.required'],
    ['missing required', (d) => delete d.realName.required, 'realName.required'],
    ['unknown level', (d) => (d.realName.minimumLevel = 'L4'), 'realName.minimumLevel'],
    ['empty methods', (d) => (d.realName.methods = []), 'realName.methods'],
    ['methods not a list', (d) => (d.realName.methods = 'id-two-factor'), 'realName.methods'],
    ['unknown method', (d) => (d.realName.methods[1] = 'face'), 'realName.methods[1]'],
    ['method not a string', (d) => (d.realName.methods[2] = 3), 'realName.methods[2]'],
    [
      'duplicate method',
      (d) => (d.realName.methods = ['id-two-factor', 'id-two-factor']),
      'realName.methods[1]',
    ],
    [
      'method below the minimum level',
      (d) => (d.realName.methods = ['network-identity', 'document']),
      'realName.methods[1]',
    ],
    ['L3 minimum with an L2 method', (d) => (d.realName.minimumLevel = 'L3'), 'realName.methods[0]'],
    [
      'method whose inputs are not collected',
      (d) => {
        d.fields.collect = ['CN_NAME', 'CN_RESIDENT_ID'];
        d.fields.retain = [];
      },
      'realName.methods[1]',
    ],
    ['graceDays negative', (d) => (d.realName.graceDays = -1), 'realName.graceDays'],
    ['graceDays too large', (d) => (d.realName.graceDays = 3651), 'realName.graceDays'],
    ['graceDays fractional', (d) => (d.realName.graceDays = 1.5), 'realName.graceDays'],
    ['graceDays a string', (d) => (d.realName.graceDays = '30'), 'realName.graceDays'],
    ['missing noticeDays', (d) => delete d.realName.noticeDays, 'realName.noticeDays'],
    ['noticeDays too large', (d) => (d.realName.noticeDays = 3651), 'realName.noticeDays'],
    ['restrictDays negative', (d) => (d.realName.restrictDays = -5), 'realName.restrictDays'],
    ['restrictDays NaN-ish', (d) => (d.realName.restrictDays = null), 'realName.restrictDays'],
    ['missing fields', (d) => delete d.fields, 'fields'],
    ['unknown fields key', (d) => (d.fields.keep = []), 'fields'],
    ['collect not a list', (d) => (d.fields.collect = {}), 'fields.collect'],
    ['unknown PI type in collect', (d) => d.fields.collect.push('SSN'), 'fields.collect[3]'],
    ['duplicate in collect', (d) => d.fields.collect.push('CN_NAME'), 'fields.collect[3]'],
    ['missing retain', (d) => delete d.fields.retain, 'fields.retain'],
    ['retain item not an object', (d) => (d.fields.retain = ['CN_MOBILE']), 'fields.retain[0]'],
    ['unknown retain key', (d) => (d.fields.retain[0].purpose = 'x'), 'fields.retain[0]'],
    ['retained field not a PI type', (d) => (d.fields.retain[0].field = 'PHONE'), 'fields.retain[0].field'],
    [
      'retained field not collected',
      (d) => d.fields.retain.push({ field: 'CN_ADDRESS', daysAfterClose: 1 }),
      'fields.retain[1].field',
    ],
    [
      'retained field twice',
      (d) => d.fields.retain.push({ field: 'CN_MOBILE', daysAfterClose: 1 }),
      'fields.retain[1].field',
    ],
    [
      'daysAfterClose too large',
      (d) => (d.fields.retain[0].daysAfterClose = 36501),
      'fields.retain[0].daysAfterClose',
    ],
    [
      'missing daysAfterClose',
      (d) => delete d.fields.retain[0].daysAfterClose,
      'fields.retain[0].daysAfterClose',
    ],
    ['accountsPerIdentity not an object', (d) => (d.accountsPerIdentity = 5), 'accountsPerIdentity'],
    ['limit 0', (d) => (d.accountsPerIdentity.limit = 0), 'accountsPerIdentity.limit'],
    ['limit 1001', (d) => (d.accountsPerIdentity.limit = 1001), 'accountsPerIdentity.limit'],
    ['missing scope', (d) => delete d.accountsPerIdentity.scope, 'accountsPerIdentity.scope'],
    ['bad scope', (d) => (d.accountsPerIdentity.scope = 'A B'), 'accountsPerIdentity.scope'],
    ['unknown limit key', (d) => (d.accountsPerIdentity.per = 'day'), 'accountsPerIdentity'],
    ['missing minors', (d) => delete d.minors, 'minors'],
    ['unknown minors key', (d) => (d.minors.spending = {}), 'minors'],
    [
      'missing guardianConsentUnder',
      (d) => delete d.minors.guardianConsentUnder,
      'minors.guardianConsentUnder',
    ],
    ['guardianConsentUnder 19', (d) => (d.minors.guardianConsentUnder = 19), 'minors.guardianConsentUnder'],
    ['guardianConsentUnder -1', (d) => (d.minors.guardianConsentUnder = -1), 'minors.guardianConsentUnder'],
    ['minimumAge 19', (d) => (d.minors.minimumAge = 19), 'minors.minimumAge'],
    ['minimumAge fractional', (d) => (d.minors.minimumAge = 13.5), 'minors.minimumAge'],
    ['play not an object', (d) => (d.minors.play = true), 'minors.play'],
    ['unknown play key', (d) => (d.minors.play.guestMode = true), 'minors.play'],
    ['missing timeZone', (d) => delete d.minors.play.timeZone, 'minors.play.timeZone'],
    ['unknown time zone', (d) => (d.minors.play.timeZone = 'Asia/Beijing'), 'minors.play.timeZone'],
    ['offset instead of a zone', (d) => (d.minors.play.timeZone = '+08:00'), 'minors.play.timeZone'],
    ['no windows', (d) => (d.minors.play.windows = []), 'minors.play.windows'],
    ['window not an object', (d) => (d.minors.play.windows = ['20:00']), 'minors.play.windows[0]'],
    ['unknown window key', (d) => (d.minors.play.windows[0].minutes = 60), 'minors.play.windows[0]'],
    ['window without days', (d) => (d.minors.play.windows[0].days = []), 'minors.play.windows[0].days'],
    ['unknown day', (d) => (d.minors.play.windows[0].days[0] = 'FRIDAY'), 'minors.play.windows[0].days[0]'],
    ['duplicate day', (d) => d.minors.play.windows[0].days.push('SAT'), 'minors.play.windows[0].days[4]'],
    ['from 24:00', (d) => (d.minors.play.windows[0].from = '24:00'), 'minors.play.windows[0].from'],
    ['from 20:60', (d) => (d.minors.play.windows[0].from = '20:60'), 'minors.play.windows[0].from'],
    ['from 8:00', (d) => (d.minors.play.windows[0].from = '8:00'), 'minors.play.windows[0].from'],
    ['to 25:00', (d) => (d.minors.play.windows[0].to = '25:00'), 'minors.play.windows[0].to'],
    ['to 24:01', (d) => (d.minors.play.windows[0].to = '24:01'), 'minors.play.windows[0].to'],
    ['to equal to from', (d) => (d.minors.play.windows[0].to = '20:00'), 'minors.play.windows[0].to'],
    ['to before from', (d) => (d.minors.play.windows[0].to = '19:00'), 'minors.play.windows[0].to'],
    ['missing holidays', (d) => delete d.minors.play.holidays, 'minors.play.holidays'],
    ['bad holiday date', (d) => d.minors.play.holidays.push('2026-02-30'), 'minors.play.holidays[1]'],
    [
      'holiday in another format',
      (d) => (d.minors.play.holidays[0] = '2026/10/01'),
      'minors.play.holidays[0]',
    ],
    ['duplicate holiday', (d) => d.minors.play.holidays.push('2026-10-01'), 'minors.play.holidays[1]'],
    ['missing workdays', (d) => delete d.minors.play.workdays, 'minors.play.workdays'],
    ['bad workday date', (d) => (d.minors.play.workdays[0] = '2026-13-01'), 'minors.play.workdays[0]'],
    [
      'workday that is a holiday',
      (d) => d.minors.play.workdays.push('2026-10-01'),
      'minors.play.workdays[1]',
    ],
    ['missing reverification', (d) => delete d.reverification, 'reverification'],
    ['unknown trigger', (d) => (d.reverification.loginFromAbroad = 24), 'reverification'],
    ['trigger 0 hours', (d) => (d.reverification.phoneChange = 0), 'reverification.phoneChange'],
    ['trigger over a year', (d) => (d.reverification.deviceChange = 8761), 'reverification.deviceChange'],
    ['trigger as a string', (d) => (d.reverification.fraudFlag = '24'), 'reverification.fraudFlag'],
  ];

  it.each(cases)('refuses %s (field %s)', (_, change, field) => {
    expect(policyError(with_(change)).field).toBe(field);
  });

  it.each([null, 'policy', 42, [base]])('refuses a document that is not an object: %j', (doc) => {
    expect(policyError(doc).field).toBe('$');
  });

  it('never echoes a value or an unknown key', () => {
    const places: ((d: Doc) => void)[] = [
      (d) => (d[SECRET] = true),
      (d) => (d.service = SECRET),
      (d) => (d.displayName = `${SECRET}\n`),
      (d) => (d.realName.methods[0] = SECRET),
      (d) => (d.fields.collect[0] = SECRET),
      (d) => (d.fields.retain[0].field = SECRET),
      (d) => (d.accountsPerIdentity.scope = SECRET),
      (d) => (d.minors.play.timeZone = SECRET),
      (d) => (d.minors.play.holidays[0] = SECRET),
      (d) => (d.minors.play.windows[0].from = SECRET),
      (d) => (d.reverification[SECRET] = 1),
    ];
    for (const place of places) policyError(with_(place)); // policyError checks the message
  });

  it('refuses a __proto__ key instead of following it', () => {
    const doc = JSON.parse(JSON.stringify(base).replace('"version":1', '"version":1,"__proto__":{"x":1}'));
    expect(policyError(doc).field).toBe('$');
  });

  it('round-trips random valid policies through JSON', () => {
    fc.assert(
      fc.property(validPolicy, (doc) => {
        const p = parseServicePolicy(doc);
        expect(p).toEqual(doc);
        expect(parseServicePolicy(JSON.parse(JSON.stringify(p)))).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the example policies', () => {
  it('parse, and say what the docs say they say', () => {
    const { telecom, social, game } = EXAMPLE_POLICIES;
    const publicService = EXAMPLE_POLICIES['public-service'];
    expect(retentionDays(telecom, 'CN_RESIDENT_ID')).toBe(730);
    expect(telecom.accountsPerIdentity).toEqual({ limit: 5, scope: 'operator' });
    expect(telecom.minors.guardianConsentUnder).toBe(16);
    expect(social.fields.retain.map((r) => r.field)).toEqual(['CN_MOBILE']);
    expect(game.fields.retain).toEqual([]);
    expect(game.realName.graceDays).toBe(0);
    expect(game.minors.play?.holidays).toContain('2026-02-17'); // Spring Festival 2026
    expect(game.minors.play?.workdays).toContain('2026-02-28');
    expect(publicService.realName.methods).toEqual(['network-identity', 'id-two-factor']);
    for (const p of Object.values(EXAMPLE_POLICIES)) {
      expect(p.realName.methods).toContain('network-identity'); // equal alternative offered everywhere
      expect(parseServicePolicy(JSON.parse(JSON.stringify(p)))).toEqual(p);
    }
  });
});

describe('checkScope, retainedFields, retentionDays', () => {
  const social = EXAMPLE_POLICIES.social;

  it('accepts fields in scope and ignores undefined ones', () => {
    expect(() => checkScope(social, { CN_NAME: '张三', CN_MOBILE: '13800138000' })).not.toThrow();
    expect(() => checkScope(social, { CN_NAME: '张三', CN_ADDRESS: undefined })).not.toThrow();
    expect(() => checkScope(social, {})).not.toThrow();
  });

  it('refuses a catalogue field the policy does not collect, naming it', () => {
    const e = catchError(() => checkScope(social, { CN_NAME: '张三', CN_ADDRESS: '北京市朝阳区' }));
    expect(isRealnameError(e, 'FIELD_OUT_OF_SCOPE')).toBe(true);
    expect((e as RealnameError).field).toBe('CN_ADDRESS');
    expect((e as RealnameError).message).toContain('CN_ADDRESS');
    expect((e as RealnameError).message).not.toContain('北京');
  });

  it('refuses a key outside the catalogue without echoing it', () => {
    const e = catchError(() => checkScope(social, { [SECRET]: 'x' }));
    expect(isRealnameError(e, 'FIELD_OUT_OF_SCOPE')).toBe(true);
    expect((e as RealnameError).field).toBeUndefined();
    expect((e as RealnameError).message).not.toContain(SECRET);
    expect((e as RealnameError).message).toContain('not in the catalogue');
  });

  it('keeps only retained fields', () => {
    const fields = { CN_NAME: '张三', CN_RESIDENT_ID: SECRET, CN_MOBILE: '13800138000' };
    expect(retainedFields(social, fields)).toEqual({ CN_MOBILE: '13800138000' });
    expect(retainedFields(EXAMPLE_POLICIES.game, { CN_NAME: '张三', CN_RESIDENT_ID: SECRET })).toEqual({});
    expect(retainedFields(EXAMPLE_POLICIES.telecom, { ...fields, CN_ADDRESS: 'addr' })).toEqual({
      ...fields,
      CN_ADDRESS: 'addr',
    });
    expect(() => retainedFields(EXAMPLE_POLICIES.game, { CN_MOBILE: '13800138000' })).toThrow(RealnameError);
  });

  it('keeps exactly the retained subset of any in-scope request (property)', () => {
    fc.assert(
      fc.property(validPolicy, fc.func(fc.boolean()), (doc, pick) => {
        const p = parseServicePolicy(doc);
        const fields = Object.fromEntries(p.fields.collect.filter((f) => pick(f)).map((f) => [f, `v-${f}`]));
        const kept = retainedFields(p, fields);
        const retained = new Set(p.fields.retain.map((r) => r.field));
        expect(Object.keys(kept).sort()).toEqual(
          Object.keys(fields)
            .filter((f) => retained.has(f as PiTypeId))
            .sort(),
        );
      }),
    );
  });

  it('retentionDays answers per field', () => {
    expect(retentionDays(social, 'CN_MOBILE')).toBe(180);
    expect(retentionDays(social, 'CN_RESIDENT_ID')).toBeUndefined();
    expect(retentionDays(social, 'NOT_A_FIELD')).toBeUndefined();
  });
});

describe('errors', () => {
  it('gives every code an HTTP status', () => {
    for (const code of REALNAME_ERROR_CODES)
      expect([400, 403, 404, 409, 429, 503]).toContain(REALNAME_ERROR_STATUS[code]);
    expect(Object.keys(REALNAME_ERROR_STATUS).sort()).toEqual([...REALNAME_ERROR_CODES].sort());
    const e = new RealnameError('VERIFICATION_RATE_LIMITED', 'slow down', { retryAfterSeconds: 30 });
    expect([e.status, e.retryAfterSeconds, e.name, e.field]).toEqual([429, 30, 'RealnameError', undefined]);
    const p = new ServicePolicyError('bad', 'realName');
    expect([p.name, p.code, p.field, p instanceof RealnameError]).toEqual([
      'ServicePolicyError',
      'INVALID_POLICY',
      'realName',
      true,
    ]);
  });
});

function catchError(f: () => void): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

// ---------------------------------------------------------------------------------------------
// A generator of valid policy documents, with optional keys absent rather than undefined.

const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const window_ = fc
  .record({
    days: fc.shuffledSubarray([...PLAY_DAYS], { minLength: 1 }),
    a: fc.integer({ min: 0, max: 1439 }),
    b: fc.integer({ min: 1, max: 1440 }),
  })
  .filter(({ a, b }) => a < b)
  .map(({ days, a, b }) => ({ days, from: hhmm(a), to: hhmm(b) }));
const play = fc
  .record({
    timeZone: fc.constantFrom('Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Hong_Kong'),
    windows: fc.array(window_, { minLength: 1, maxLength: 4 }),
    holidays: fc.uniqueArray(isoDate, { maxLength: 20 }),
    workdays: fc.uniqueArray(isoDate, { maxLength: 10 }),
  })
  .map((p) => ({ ...p, workdays: p.workdays.filter((d) => !p.holidays.includes(d)) }));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const days = fc.integer({ min: 0, max: 3650 });
const hours = optional(fc.integer({ min: 1, max: 8760 }));

const service = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,63}$/);
const displayName = fc.stringMatching(/^[A-Za-z0-9\u4e00-\u9fa5][A-Za-z0-9 \u4e00-\u9fa5]{0,99}$/);
const limit = fc.record({
  limit: fc.integer({ min: 1, max: 1000 }),
  scope: fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/),
});

/** The methods and retained fields, which depend on what is collected and the minimum level. */
const scope = fc
  .record({ collect: fc.shuffledSubarray([...PI_TYPE_IDS]), level: fc.constantFrom(...ASSURANCE_LEVELS) })
  .chain(({ collect, level }) => {
    const eligible = VERIFICATION_METHODS.filter(
      (m) => levelAtLeast(METHOD_LEVELS[m], level) && METHOD_INPUTS[m].every((f) => collect.includes(f)),
    );
    return fc.record({
      collect: fc.constant(collect),
      level: fc.constant(level),
      methods: fc.shuffledSubarray(eligible, { minLength: 1 }),
      retain: fc
        .shuffledSubarray(collect)
        .chain((fs) =>
          fc.tuple(
            ...fs.map((field) =>
              fc.integer({ min: 0, max: 36500 }).map((n) => ({ field, daysAfterClose: n })),
            ),
          ),
        ),
    });
  });

const validPolicy = fc
  .record({
    scope,
    service,
    displayName,
    required: fc.boolean(),
    graceDays: days,
    noticeDays: days,
    restrictDays: days,
    limit: optional(limit),
    minimumAge: optional(fc.integer({ min: 0, max: 18 })),
    guardianConsentUnder: fc.integer({ min: 0, max: 18 }),
    play: optional(play),
    phoneChange: hours,
    deviceChange: hours,
    fraudFlag: hours,
  })
  .map((r) => {
    const doc: Doc = {
      service: r.service,
      version: 1,
      displayName: r.displayName,
      realName: {
        required: r.required,
        minimumLevel: r.scope.level,
        methods: r.scope.methods,
        graceDays: r.graceDays,
        noticeDays: r.noticeDays,
        restrictDays: r.restrictDays,
      },
      fields: { collect: r.scope.collect, retain: r.scope.retain },
      minors: { guardianConsentUnder: r.guardianConsentUnder },
      reverification: {},
    };
    if (r.limit !== undefined) doc.accountsPerIdentity = r.limit;
    if (r.minimumAge !== undefined) doc.minors.minimumAge = r.minimumAge;
    if (r.play !== undefined) doc.minors.play = r.play;
    for (const t of ['phoneChange', 'deviceChange', 'fraudFlag'] as const) {
      if (r[t] !== undefined) doc.reverification[t] = r[t];
    }
    return doc;
  });
