import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_LEVELS,
  decide,
  EMPTY_POLICY,
  OPERATIONS,
  type Policy,
  PolicyError,
  parsePolicy,
  ROLES,
} from './policy.ts';

const doc = {
  version: 1,
  purposes: ['customer-support', 'fraud-investigation', 'registration'],
  rules: [
    { roles: ['agent'], purposes: ['customer-support'], fields: ['CN_MOBILE', 'CN_NAME'], access: 'MASKED' },
    { roles: ['agent'], purposes: ['customer-support'], fields: ['CN_NAME'], access: 'REDACTED' },
    { roles: ['investigator'], purposes: ['fraud-investigation'], fields: ['*'], access: 'PLAIN' },
    { roles: ['investigator'], purposes: ['*'], fields: ['CN_BANK_CARD'], access: 'DENY' },
    {
      roles: ['registrar'],
      purposes: ['registration'],
      operations: ['lookup'],
      fields: ['*'],
      access: 'REDACTED',
    },
  ],
  quotas: { agent: { reads: { limit: 500, windowSeconds: 3600 } } },
};

describe('decide', () => {
  const policy = parsePolicy(doc);

  it.each([
    ['agent', 'customer-support', 'read', 'CN_MOBILE', 'MASKED'],
    ['agent', 'customer-support', 'read', 'CN_NAME', 'MASKED'], // the more permissive of two allows
    ['agent', 'customer-support', 'read', 'CN_RESIDENT_ID', 'DENY'], // no rule names it
    ['agent', 'fraud-investigation', 'read', 'CN_MOBILE', 'DENY'], // wrong purpose
    ['investigator', 'fraud-investigation', 'read', 'CN_RESIDENT_ID', 'PLAIN'],
    ['investigator', 'fraud-investigation', 'read', 'CN_BANK_CARD', 'DENY'], // explicit deny wins
    ['investigator', 'fraud-investigation', 'export', 'CN_RESIDENT_ID', 'DENY'], // operation not covered
    ['registrar', 'registration', 'lookup', 'CN_RESIDENT_ID', 'REDACTED'],
    ['registrar', 'registration', 'read', 'CN_RESIDENT_ID', 'DENY'],
    ['admin', 'customer-support', 'read', 'CN_MOBILE', 'DENY'], // admins administer, they do not read PI
    ['agent', 'shopping', 'read', 'CN_MOBILE', 'DENY'], // a purpose not on the list
  ] as const)('%s for %s, %s %s → %s', (role, purpose, op, field, want) => {
    expect(decide(policy, role, purpose, op, field)).toBe(want);
  });

  it('denies everything under the empty policy, and explicit DENY beats any allow in any order', () => {
    const role = fc.constantFrom(...ROLES);
    const op = fc.constantFrom(...OPERATIONS);
    fc.assert(
      fc.property(role, op, fc.stringMatching(/^[A-Z][A-Z_]{0,10}$/), (r, o, f) => {
        expect(decide(EMPTY_POLICY, r, 'maintenance', o, f)).toBe('DENY');
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ACCESS_LEVELS), { minLength: 1, maxLength: 6 }), (levels) => {
        const p: Policy = parsePolicy({
          version: 1,
          purposes: ['p'],
          rules: levels.map((access) => ({ roles: ['agent'], purposes: ['p'], fields: ['F'], access })),
        });
        const got = decide(p, 'agent', 'p', 'read', 'F');
        if (levels.includes('DENY')) expect(got).toBe('DENY');
        else
          expect(got).toBe(
            levels.reduce((a, b) => (ACCESS_LEVELS.indexOf(b) > ACCESS_LEVELS.indexOf(a) ? b : a)),
          );
      }),
    );
  });
});

describe('parsePolicy', () => {
  it.each([
    [{ ...doc, version: 2 }, 'version'],
    [{ ...doc, purposes: [] }, 'purposes'],
    [{ ...doc, purposes: ['Has Space'] }, 'purposes[0]'],
    [{ ...doc, rules: [{ ...doc.rules[0], roles: ['root'] }] }, 'rules[0].roles[0]'],
    [{ ...doc, rules: [{ ...doc.rules[0], purposes: ['unknown'] }] }, 'rules[0].purposes[0]'],
    [{ ...doc, rules: [{ ...doc.rules[0], access: 'ALL' }] }, 'rules[0].access'],
    [{ ...doc, rules: [{ ...doc.rules[0], operations: ['delete'] }] }, 'rules[0].operations[0]'],
    [{ ...doc, quotas: { agent: { reads: { limit: -1, windowSeconds: 60 } } } }, 'quotas.agent.reads'],
    [{ ...doc, quotas: { nobody: {} } }, 'quotas.nobody'],
  ])('names the bad path (%#: %s)', (bad, path) => {
    try {
      parsePolicy(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).field).toBe(path);
    }
  });

  it('throws only PolicyError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parsePolicy(v);
        } catch (e) {
          expect(e).toBeInstanceOf(PolicyError);
        }
      }),
    );
  });

  it('reads quotas and defaults operations to read and detokenize', () => {
    const p = parsePolicy(doc);
    expect(p.quotas.agent?.reads).toEqual({ limit: 500, windowSeconds: 3600 });
    expect(p.rules[0]!.operations).toEqual(['read', 'detokenize']);
  });
});
