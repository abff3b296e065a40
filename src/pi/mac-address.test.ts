import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mac } from '../../test/synth/contacts.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { macAddress } from './mac-address.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('macAddress.validate', () => {
  it.each([
    ['00:1A:2B:3C:4D:5E', 'universal', 0.6],
    ['00-1a-2b-3c-4d-5e', 'universal', 0.6],
    ['001a.2b3c.4d5e', 'universal', 0.6],
    ['００:１Ａ:２Ｂ:３Ｃ:４Ｄ:５Ｅ', 'universal', 0.6],
    ['02:1A:2B:3C:4D:5E', 'local', 0.6],
    ['DA:A1:19:00:11:22', 'local', 0.6],
    ['01:00:5E:00:00:FB', 'multicast', 0.6],
    ['33:33:00:00:00:01', 'multicast', 0.6],
    ['001A2B3C4D5E', 'universal', 0.3],
  ])('%s is %s (score %d)', (value, kind, score) => {
    expect(macAddress.validate(value)).toMatchObject({ valid: true, kind, score });
  });

  it.each([
    ['00:00:00:00:00:00', 'NOT_A_DEVICE'],
    ['FF:FF:FF:FF:FF:FF', 'NOT_A_DEVICE'],
    ['ff-ff-ff-ff-ff-ff', 'NOT_A_DEVICE'],
    ['00:1A-2B:3C:4D:5E', 'BAD_FORMAT'],
    ['00:1A:2B:3C:4D', 'BAD_FORMAT'],
    ['00:1A:2B:3C:4D:5G', 'BAD_FORMAT'],
    ['001a.2b3c-4d5e', 'BAD_FORMAT'],
    ['0:1A:2B:3C:4D:5E', 'BAD_FORMAT'],
    ['', 'BAD_FORMAT'],
  ])('%s is invalid (%s)', (value, reason) => {
    expect(macAddress.validate(value)).toMatchObject({ valid: false, reason });
  });
});

describe('macAddress.normalise', () => {
  it('writes the canonical colon form', () => {
    expect(macAddress.normalise('001a.2b3c.4d5e')).toBe('00:1A:2B:3C:4D:5E');
    expect(macAddress.normalise('00-1a-2b-3c-4d-5e')).toBe('00:1A:2B:3C:4D:5E');
    expect(macAddress.normalise(' 001a2b3c4d5e ')).toBe('00:1A:2B:3C:4D:5E');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.string(),
        (s) => macAddress.normalise(macAddress.normalise(s)) === macAddress.normalise(s),
      ),
    );
  });

  it('generated addresses validate and all forms normalise alike', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const raw = mac(mulberry32(s));
        expect(macAddress.validate(raw)).toMatchObject({ valid: true, score: 0.6, kind: 'universal' });
        const n = macAddress.normalise(raw);
        const hex = n.replaceAll(':', '');
        const cisco = `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}`.toLowerCase();
        for (const f of [n.replaceAll(':', '-'), n.toLowerCase(), cisco, hex])
          expect(macAddress.normalise(f)).toBe(n);
      }),
    );
  });
});

describe('macAddress.mask', () => {
  it.each([
    ['00:1A:2B:3C:4D:5E', '00:1A:2B:**:**:**'],
    ['001a.2b3c.4d5e', '001a.2b**.****'],
  ])('%s → %s', (raw, masked) => {
    expect(macAddress.mask(raw)).toBe(masked);
  });

  it('honours options', () => {
    expect(macAddress.mask('00:1A:2B:3C:4D:5E', { keepStart: 0, keepEnd: 2, char: 'x' })).toBe(
      'xx:xx:xx:xx:xx:5E',
    );
  });
});
