import { describe, expect, it } from 'vitest';
import type { VerificationAdapter, VerificationRequest, VerificationResult } from '../types.ts';
import { AdapterError } from './errors.ts';
import { isBizSeq, NetworkIdentityAdapter, newBizSeq } from './network-identity.ts';

function recording(): VerificationAdapter & { seen: VerificationRequest[] } {
  const seen: VerificationRequest[] = [];
  return {
    id: 'authority-primary',
    methods: ['id-two-factor', 'network-identity'],
    seen,
    async verify(request): Promise<VerificationResult> {
      seen.push(request);
      return {
        outcome: 'MATCH',
        method: 'network-identity',
        level: 'L3',
        provider: 'authority-primary',
        networkIdentity: 'WHABCDEFGHJKLMNPQRST',
        latencyMs: 1,
        attempts: 1,
      };
    },
  };
}

describe('newBizSeq', () => {
  it('is 32 characters of [A-Za-z0-9] and does not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const s = newBizSeq();
      expect(isBizSeq(s)).toBe(true);
      seen.add(s);
    }
    expect(seen.size).toBe(2_000);
    // Every character of the alphabet shows up: no bias that drops some.
    expect(new Set([...seen].join('')).size).toBe(62);
  });
});

describe('NetworkIdentityAdapter', () => {
  const ni = { bizSeq: newBizSeq(), authData: 'v1.opaque.credential' };

  it('forwards only bizSeq and authData and keeps the result', async () => {
    const inner = recording();
    const adapter = new NetworkIdentityAdapter(inner);
    const r = await adapter.verify({ method: 'network-identity', networkIdentity: ni });
    expect(r).toMatchObject({ outcome: 'MATCH', provider: 'authority-primary', level: 'L3' });
    expect(inner.seen).toEqual([{ method: 'network-identity', networkIdentity: ni }]);
  });

  it('refuses plaintext identity in this flow (2025 Measures) as INVALID_INPUT without calling anyone', async () => {
    const inner = recording();
    const adapter = new NetworkIdentityAdapter(inner, { id: 'ni' });
    for (const extra of [{ name: '张伟' }, { residentId: '11010119900101123X' }, { mobile: '13800138000' }]) {
      const r = await adapter.verify({ method: 'network-identity', networkIdentity: ni, ...extra });
      expect(r.outcome).toBe('INVALID_INPUT');
      expect(r.provider).toBe('ni');
    }
    for (const bad of [undefined, { bizSeq: 'short', authData: 'x' }, { bizSeq: ni.bizSeq, authData: '' }]) {
      const r = await adapter.verify({
        method: 'network-identity',
        ...(bad === undefined ? {} : { networkIdentity: bad }),
      });
      expect(r.outcome).toBe('INVALID_INPUT');
    }
    expect(inner.seen).toHaveLength(0);
  });

  it('accepts only the network-identity method and an inner adapter that provides it', async () => {
    const adapter = new NetworkIdentityAdapter(recording());
    await expect(
      adapter.verify({ method: 'id-two-factor', name: 'a', residentId: 'b' }),
    ).rejects.toMatchObject({
      code: 'METHOD_NOT_SUPPORTED',
    });
    const twoOnly = { ...recording(), methods: ['id-two-factor'] as const };
    expect(() => new NetworkIdentityAdapter(twoOnly)).toThrow(AdapterError);
  });
});
