import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4, ipv6 } from '../../test/synth/contacts.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { ipAddress, ipScope, isPrivateIp } from './ip-address.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const MAPPED_DOTTED = /^::ffff:\d+\./;

describe('ipAddress.validate', () => {
  it.each([
    ['8.8.8.8', 'ipv4', 0.7],
    ['114.114.114.114', 'ipv4', 0.7],
    ['223.5.5.5', 'ipv4', 0.7],
    ['0.0.0.0', 'ipv4', 0.4],
    ['10.1.2.3', 'ipv4', 0.4],
    ['172.16.0.1', 'ipv4', 0.4],
    ['172.31.255.255', 'ipv4', 0.4],
    ['192.168.1.1', 'ipv4', 0.4],
    ['100.64.0.1', 'ipv4', 0.4],
    ['127.0.0.1', 'ipv4', 0.4],
    ['169.254.1.1', 'ipv4', 0.4],
    ['192.0.2.1', 'ipv4', 0.4],
    ['224.0.0.1', 'ipv4', 0.4],
    ['255.255.255.255', 'ipv4', 0.4],
    ['１９２．１６８．１．１', 'ipv4', 0.4],
    ['2400:3200::1', 'ipv6', 0.7],
    ['240e:0:0:0:0:0:0:1', 'ipv6', 0.7],
    ['2001:4860:4860::8888', 'ipv6', 0.7],
    ['[2001:da8::1]', 'ipv6', 0.7],
    ['::', 'ipv6', 0.4],
    ['::1', 'ipv6', 0.4],
    ['fe80::1%eth0', 'ipv6', 0.4],
    ['fd12:3456:789a::1', 'ipv6', 0.4],
    ['ff02::1', 'ipv6', 0.4],
    ['2001:db8::1', 'ipv6', 0.4],
    ['::ffff:192.168.1.1', 'ipv6', 0.4],
    ['::ffff:8.8.8.8', 'ipv6', 0.7],
    ['64:ff9b::808:808', 'ipv6', 0.7],
    ['1:2:3:4:5:6:7:8', 'ipv6', 0.4], // outside 2000::/3
  ])('%s is %s with score %d', (value, kind, score) => {
    expect(ipAddress.validate(value)).toMatchObject({ valid: true, kind, score });
  });

  it.each([
    ['256.1.1.1'],
    ['1.2.3'],
    ['1.2.3.4.5'],
    ['01.2.3.4'],
    ['192.168.001.1'],
    ['1..2.3'],
    ['1.2.3.4 '.repeat(2)],
    ['a.b.c.d'],
    ['1:2:3:4:5:6:7'],
    ['1:2:3:4:5:6:7:8:9'],
    ['1::2::3'],
    [':::'],
    ['12345::1'],
    ['g::1'],
    ['1.2.3.4::1'],
    ['::1.2.3'],
    ['1:2:3:4:5:6:7::8'],
    [''],
  ])('%s is invalid', (value) => {
    expect(ipAddress.validate(value)).toMatchObject({ valid: false, reason: 'BAD_FORMAT' });
  });
});

describe('normalise', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::FFFF:C0A8:0101', '::ffff:192.168.1.1'],
    ['[fe80::1%eth0]', 'fe80::1'],
    [' 8.8.8.8 ', '8.8.8.8'],
  ])('%s → %s', (raw, canonical) => {
    expect(ipAddress.normalise(raw)).toBe(canonical);
  });

  it('is idempotent', () => {
    // Found by fast-check: a zone cut left a trailing space that the next pass trimmed.
    for (const raw of [': %', '[ fe80::1 ]', 'fe80::1 %eth0']) {
      expect(ipAddress.normalise(ipAddress.normalise(raw))).toBe(ipAddress.normalise(raw));
    }
    fc.assert(
      fc.property(fc.string(), (s) => ipAddress.normalise(ipAddress.normalise(s)) === ipAddress.normalise(s)),
    );
    fc.assert(
      fc.property(fc.ipV6(), (s) => {
        const n = ipAddress.normalise(s);
        expect(ipAddress.validate(s).valid).toBe(true);
        expect(ipAddress.normalise(n)).toBe(n);
      }),
    );
  });

  it('accepts whatever fast-check calls a v4 or v6 address, and agrees with the URL parser on v6', () => {
    fc.assert(fc.property(fc.ipV4(), (s) => ipAddress.validate(s).valid));
    fc.assert(
      fc.property(fc.ipV6(), (s) => {
        const ours = ipAddress.normalise(s);
        // WHATWG URL writes IPv4-mapped addresses in hex, RFC 5952 §5 in dotted form.
        if (MAPPED_DOTTED.test(ours)) return;
        expect(ours).toBe(new URL(`http://[${s}]/`).hostname.slice(1, -1));
      }),
    );
  });
});

describe('scope', () => {
  it('isPrivateIp and ipScope', () => {
    expect(isPrivateIp('192.168.0.1')).toBe(true);
    expect(isPrivateIp('8.8.8.8')).toBe(false);
    expect(isPrivateIp('not an ip')).toBe(false);
    expect(ipScope('100.100.1.1')).toBe('shared');
    expect(ipScope('fd00::1')).toBe('private');
    expect(ipScope('3fff::1')).toBe('documentation');
    expect(ipScope('2001:2::1')).toBe('reserved');
    expect(ipScope('2001:3::1')).toBe('public');
    expect(ipScope('x')).toBeUndefined();
  });

  it('generated addresses validate with the expected score', () => {
    fc.assert(
      fc.property(seed, (s) => {
        expect(ipAddress.validate(ipv4(mulberry32(s)))).toMatchObject({
          valid: true,
          score: 0.7,
          kind: 'ipv4',
        });
        expect(ipAddress.validate(ipv4(mulberry32(s), { scope: 'private' }))).toMatchObject({
          valid: true,
          score: 0.4,
        });
        expect(ipAddress.validate(ipv6(mulberry32(s)))).toMatchObject({
          valid: true,
          score: 0.7,
          kind: 'ipv6',
        });
      }),
    );
  });
});

describe('ipAddress.mask', () => {
  it.each([
    ['192.168.1.100', '192.*.*.*'],
    ['2001:db8::1', '2001:*:*:*:*:*:*:*'],
    ['::1', '0:*:*:*:*:*:*:*'],
  ])('%s → %s', (raw, masked) => {
    expect(ipAddress.mask(raw)).toBe(masked);
  });

  it('honours options', () => {
    expect(ipAddress.mask('192.168.1.100', { keepStart: 3 })).toBe('192.168.1.*');
    expect(ipAddress.mask('192.168.1.100', { keepStart: 0, keepEnd: 1, char: 'x' })).toBe('x.x.x.100');
  });
});

describe('fast paths for scanner input (digits and dots)', () => {
  // Digit-and-dot strings skip `clean`; a leading space sends the same address through it.
  const digitsAndDots = fc.stringMatching(/^[0-9.]{0,20}$/);
  const quads = fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((parts) => parts.join('.'));

  it('validate and normalise answer as through the general path', () => {
    fc.assert(
      fc.property(fc.oneof(digitsAndDots, quads), (s) => {
        expect(ipAddress.validate(s)).toEqual(ipAddress.validate(` ${s}`));
        expect(ipAddress.normalise(s)).toBe(ipAddress.normalise(` ${s}`));
      }),
      { numRuns: 2000 },
    );
  });

  it('the default mask equals the mask with the defaults spelt out', () => {
    fc.assert(
      fc.property(fc.oneof(digitsAndDots, quads, fc.ipV4(), fc.ipV6()), (s) => {
        expect(ipAddress.mask(s)).toBe(ipAddress.mask(s, { keepStart: 1, keepEnd: 0, char: '*' }));
      }),
      { numRuns: 2000 },
    );
  });
});
