import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cnMobile } from '../../pi/cn-mobile.ts';
import { cnName } from '../../pi/cn-name.ts';
import { cnResidentId, residentIdBirthDate } from '../../pi/cn-resident-id.ts';
import { ageOn, shanghaiDate } from '../adapters/age.ts';
import {
  carrierOfMobile,
  generatePopulation,
  isNetworkIdentity,
  type Person,
  PopulationError,
  personToLine,
  readPopulation,
  writePopulation,
} from './population.ts';
import { PopulationIndex } from './registry.ts';

const AS_OF = new Date('2025-07-15T04:00:00Z');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-population-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(source: string | Readable): Promise<Person[]> {
  const out: Person[] = [];
  for await (const p of readPopulation(source)) out.push(p);
  return out;
}

/** Catches the error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<PopulationError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PopulationError);
    return e as PopulationError;
  }
  throw new Error('expected a rejection');
}

describe('generatePopulation', () => {
  it('makes valid people: IDs pass src/pi, mobiles validate with the right carrier, names are plausible', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 60 }), (seed, count) => {
        const people = generatePopulation({ count, seed, asOf: AS_OF });
        expect(people).toHaveLength(count);
        for (const p of people) {
          const v = cnResidentId.validate(p.residentId, { now: AS_OF });
          expect(v.valid, v.reason).toBe(true);
          expect(p.residentId).toMatch(/^\d{17}[\dX]$/);
          expect(cnName.validate(p.name).valid).toBe(true);
          for (const m of p.mobiles) {
            expect(cnMobile.validate(m.number).valid).toBe(true);
            expect(carrierOfMobile(m.number)).toBe(m.carrier);
          }
          expect(isNetworkIdentity(p.networkIdentity)).toBe(true);
          expect(p.networkIdentity).not.toContain(p.residentId.slice(6, 14));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('is deterministic by seed and differs between seeds', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = generatePopulation({ count: 20, seed, asOf: AS_OF });
        const b = generatePopulation({ count: 20, seed, asOf: AS_OF });
        expect(a).toEqual(b);
        const c = generatePopulation({ count: 20, seed: seed ^ 1, asOf: AS_OF });
        expect(c.map((p) => p.residentId)).not.toEqual(a.map((p) => p.residentId));
      }),
      { numRuns: 20 },
    );
  });

  it('has minors aged 5-17 in the asked share, adults, shared surnames, deceased and moved people', () => {
    const people = generatePopulation({ count: 5_000, seed: 42, minorsShare: 0.3, asOf: AS_OF });
    const today = shanghaiDate(AS_OF.getTime());
    const ages = people.map((p) => ageOn(residentIdBirthDate(p.residentId)!, today));
    const minors = ages.filter((a) => a < 18);
    expect(minors.length / people.length).toBeGreaterThan(0.25);
    expect(minors.length / people.length).toBeLessThan(0.35);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...ages)).toBeLessThanOrEqual(90);
    const surnames = new Map<string, number>();
    for (const p of people) surnames.set(p.name[0]!, (surnames.get(p.name[0]!) ?? 0) + 1);
    expect(Math.max(...surnames.values())).toBeGreaterThan(50);
    expect(people.some((p) => p.status === 'deceased')).toBe(true);
    expect(people.some((p) => p.status === 'moved')).toBe(true);
    // Unique keys: the index refuses duplicates.
    const index = new PopulationIndex();
    for (const p of people) index.add(p);
    expect(index.size).toBe(5_000);
  });

  it('refuses bad options with a typed error', () => {
    expect(() => generatePopulation({ count: -1, seed: 1 })).toThrow(PopulationError);
    expect(() => generatePopulation({ count: 1, seed: 1.5 })).toThrow(/seed/);
    expect(() => generatePopulation({ count: 1, seed: 1, minorsShare: 2 })).toThrow(/minorsShare/);
  });
});

describe('population files', () => {
  it('round-trips through the streaming writer and the validating reader', async () => {
    const people = generatePopulation({ count: 300, seed: 9, asOf: AS_OF });
    const file = join(dir, 'round.jsonl');
    expect(await writePopulation(people, file)).toBe(300);
    const back = await readAll(file);
    expect(back.map(({ line: _line, ...p }: Person & { line?: number }) => p)).toEqual(people);
  });

  it('rejects a bad line with its line number and field, never echoing the value', async () => {
    const [good, other] = generatePopulation({ count: 2, seed: 3, asOf: AS_OF });
    const badId = `${good!.residentId.slice(0, 17)}${good!.residentId[17] === '0' ? '1' : '0'}`;
    const text = `${personToLine(good!)}\n${JSON.stringify({ ...other, residentId: badId })}\n`;
    const e = await rejection(readAll(Readable.from([text])));
    expect(e.code).toBe('BAD_FIELD');
    expect(e.line).toBe(3);
    expect(e.field).toBe('residentId');
    expect(e.message).toContain('line 3');
    expect(e.message).toContain('BAD_CHECKSUM');
    expect(e.message).not.toContain(badId);
    expect(e.message).not.toContain(other!.name);
  });

  it('rejects broken JSON, unknown fields, wrong carriers and digit-bearing network identities', async () => {
    const [p] = generatePopulation({ count: 1, seed: 5, asOf: AS_OF });
    const cases: [string, string, string | undefined][] = [
      ['{"name": "张', 'BAD_JSON', undefined],
      [JSON.stringify({ ...p, extra: 1 }), 'BAD_FIELD', undefined],
      [JSON.stringify({ ...p, status: 'alive' }), 'BAD_FIELD', 'status'],
      [JSON.stringify({ ...p, networkIdentity: `WH${p!.residentId}` }), 'BAD_FIELD', 'networkIdentity'],
      [
        JSON.stringify({ ...p, mobiles: [{ number: '13800000000', carrier: 'ctcc' }] }),
        'BAD_FIELD',
        'mobiles.carrier',
      ],
      [
        JSON.stringify({ ...p, mobiles: [{ number: '17400000000', carrier: 'ctcc' }] }),
        'BAD_FIELD',
        'mobiles.number',
      ],
      [JSON.stringify({ ...p, name: 42 }), 'BAD_FIELD', 'name'],
    ];
    for (const [line, code, field] of cases) {
      const e = await rejection(readAll(Readable.from([`\n${line}\n`])));
      expect([e.code, e.line, e.field]).toEqual([code, 2, field]);
    }
  });

  it('the index names the line of a duplicate', async () => {
    const [a, b] = generatePopulation({ count: 2, seed: 11, asOf: AS_OF });
    const file = join(dir, 'dup.jsonl');
    await writeFile(
      file,
      personToLine(a!) + personToLine(b!) + personToLine({ ...b!, residentId: a!.residentId }),
    );
    const e = await rejection(PopulationIndex.load(file));
    expect([e.code, e.line, e.field]).toEqual(['DUPLICATE', 3, 'residentId']);
  });

  it('reports a missing file as IO without a stack of values', async () => {
    const e = await rejection(readAll(join(dir, 'missing.jsonl')));
    expect(e.code).toBe('IO');
    expect(e.message).toContain('ENOENT');
  });
});
