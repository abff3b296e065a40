import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../pi/cn-resident-id.ts';
import { DocumentAdapter } from './document.ts';
import { AdapterError } from './errors.ts';

/** A synthetic ID for a region and birth date, with a correct check character. */
const id = (region: string, birth: string, seq = '123') => {
  const first17 = `${region}${birth}${seq}`;
  return first17 + residentIdCheckChar(first17);
};
const clock = (iso: string) => () => new Date(iso);

describe('DocumentAdapter', () => {
  const adapter = new DocumentAdapter({ now: clock('2025-07-15T00:00:00+08:00') });

  it('MATCH at L1 with the age band on the injected clock (Asia/Shanghai birthdays)', async () => {
    const r = await adapter.verify({
      method: 'document',
      residentId: id('110101', '19900101'),
      name: '张伟',
    });
    expect(r).toMatchObject({
      outcome: 'MATCH',
      level: 'L1',
      provider: 'document',
      ageBand: '18+',
      attempts: 1,
    });
    // Turns 14 on 2025-07-15 at midnight Shanghai time, still 13 the day before.
    const teen = id('440305', '20110715');
    expect((await adapter.verify({ method: 'document', residentId: teen })).ageBand).toBe('14-15');
    const before = new DocumentAdapter({ now: clock('2025-07-14T23:59:00+08:00') });
    expect((await before.verify({ method: 'document', residentId: teen })).ageBand).toBe('8-13');
    expect((await adapter.verify({ method: 'document', residentId: id('310104', '20200301') })).ageBand).toBe(
      '0-7',
    );
  });

  it('INVALID_INPUT for a bad check character, impossible or future date, unknown region, bad name, 15 digits', async () => {
    const good = id('110101', '19900101');
    const bad = [
      good.slice(0, 17) + (good[17] === '1' ? '2' : '1'),
      id('110101', '19900230'),
      id('110101', '20300101'),
      id('990101', '19900101'),
      '110101900101123',
      undefined,
    ];
    for (const residentId of bad) {
      const r = await adapter.verify({
        method: 'document',
        ...(residentId === undefined ? {} : { residentId }),
      });
      expect(r.outcome).toBe('INVALID_INPUT');
      expect(r.level).toBeUndefined();
    }
    expect((await adapter.verify({ method: 'document', residentId: good, name: 'hello123' })).outcome).toBe(
      'INVALID_INPUT',
    );
    const lenient = new DocumentAdapter({ checkName: false });
    expect((await lenient.verify({ method: 'document', residentId: good, name: 'hello123' })).outcome).toBe(
      'MATCH',
    );
  });

  it('throws a typed error for another method', async () => {
    await expect(adapter.verify({ method: 'id-two-factor' })).rejects.toBeInstanceOf(AdapterError);
  });
});
