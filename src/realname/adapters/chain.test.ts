import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  VERIFICATION_OUTCOMES,
  type VerificationAdapter,
  type VerificationOutcome,
  type VerificationRequest,
} from '../types.ts';
import { AdapterError, VerifierChain } from './chain.ts';

const REQUEST: VerificationRequest = {
  method: 'id-two-factor',
  name: '张伟',
  residentId: '11010119900101123X',
};

/** An adapter answering the scripted outcomes in turn (the last one repeats). */
function scripted(
  id: string,
  outcomes: readonly VerificationOutcome[],
): VerificationAdapter & { calls: number } {
  let i = 0;
  const adapter = {
    id,
    methods: ['id-two-factor'] as const,
    calls: 0,
    async verify() {
      adapter.calls++;
      const outcome = outcomes[Math.min(i++, outcomes.length - 1)]!;
      return { outcome, method: 'id-two-factor' as const, provider: id, latencyMs: 1, attempts: 1 };
    },
  };
  return adapter;
}

const noSleep = async () => {};

describe('VerifierChain', () => {
  it('retries with exponential backoff, then fails over, on UPSTREAM_UNAVAILABLE only', async () => {
    const sleeps: number[] = [];
    const a = scripted('a', ['UPSTREAM_UNAVAILABLE']);
    const b = scripted('b', ['UPSTREAM_UNAVAILABLE', 'MATCH']);
    const chain = new VerifierChain({
      adapters: [a, b],
      retries: 2,
      backoffMs: 10,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const r = await chain.verify(REQUEST);
    expect(r).toMatchObject({ outcome: 'MATCH', provider: 'b', attempts: 5 });
    expect(sleeps).toEqual([10, 20, 10]);
    expect(chain.counters()).toMatchObject({
      a: { calls: 3, billable: 0, failures: 3 },
      b: { calls: 2, billable: 1, failures: 1 },
    });
  });

  it('never retries or fails over a MISMATCH, NO_RECORD, INVALID_INPUT or RATE_LIMITED', async () => {
    for (const outcome of ['MISMATCH', 'NO_RECORD', 'INVALID_INPUT', 'RATE_LIMITED'] as const) {
      const a = scripted('a', [outcome]);
      const b = scripted('b', ['MATCH']);
      const r = await new VerifierChain({ adapters: [a, b], sleep: noSleep }).verify(REQUEST);
      expect([r.outcome, r.provider, r.attempts, b.calls]).toEqual([outcome, 'a', 1, 0]);
    }
  });

  it('all down: the last UPSTREAM_UNAVAILABLE, nothing billable', async () => {
    const chain = new VerifierChain({
      adapters: [scripted('a', ['UPSTREAM_UNAVAILABLE']), scripted('b', ['UPSTREAM_UNAVAILABLE'])],
      retries: 1,
      sleep: noSleep,
    });
    const r = await chain.verify(REQUEST);
    expect(r).toMatchObject({ outcome: 'UPSTREAM_UNAVAILABLE', provider: 'b', attempts: 4 });
    expect(Object.values(chain.counters()).reduce((n, c) => n + c.billable, 0)).toBe(0);
  });

  it('throws METHOD_NOT_AVAILABLE for a method nobody provides; rejects duplicate ids', async () => {
    const chain = new VerifierChain({ adapters: [scripted('a', ['MATCH'])] });
    expect(chain.methods).toEqual(['id-two-factor']);
    const e = await chain.verify({ method: 'document', residentId: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AdapterError);
    expect((e as AdapterError).code).toBe('METHOD_NOT_AVAILABLE');
    expect(() => new VerifierChain({ adapters: [scripted('a', []), scripted('a', [])] })).toThrow(
      AdapterError,
    );
  });

  it('an abort stops the chain between attempts', async () => {
    const controller = new AbortController();
    const a = scripted('a', ['UPSTREAM_UNAVAILABLE']);
    const chain = new VerifierChain({
      adapters: [a],
      retries: 3,
      sleep: async () => controller.abort(new Error('stop')),
    });
    await expect(chain.verify(REQUEST, { signal: controller.signal })).rejects.toThrow('stop');
    expect(a.calls).toBe(1);
  });

  it('property: the verdict is the first non-UPSTREAM_UNAVAILABLE outcome; billable counts only MATCH/MISMATCH', async () => {
    const outcome = fc.constantFrom(...VERIFICATION_OUTCOMES);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(outcome, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        async (scripts, retries) => {
          const adapters = scripts.map((s, i) => scripted(`p${i}`, s));
          const chain = new VerifierChain({ adapters, retries, sleep: noSleep });
          const r = await chain.verify(REQUEST);
          // The sequence the chain sees: each adapter's first retries+1 answers, in order.
          const seen: { outcome: VerificationOutcome; provider: string }[] = [];
          scripts.forEach((s, i) => {
            for (let k = 0; k <= retries; k++)
              seen.push({ outcome: s[Math.min(k, s.length - 1)]!, provider: `p${i}` });
          });
          const firstVerdict = seen.findIndex((x) => x.outcome !== 'UPSTREAM_UNAVAILABLE');
          const expected = firstVerdict < 0 ? seen[seen.length - 1]! : seen[firstVerdict]!;
          expect(r.outcome).toBe(expected.outcome);
          expect(r.provider).toBe(expected.provider);
          expect(r.attempts).toBe(firstVerdict < 0 ? seen.length : firstVerdict + 1);
          const counters = Object.values(chain.counters());
          const billable = counters.reduce((n, c) => n + c.billable, 0);
          expect(billable).toBe(r.outcome === 'MATCH' || r.outcome === 'MISMATCH' ? 1 : 0);
          expect(counters.reduce((n, c) => n + c.calls, 0)).toBe(r.attempts);
          expect(counters.reduce((n, c) => n + c.failures, 0)).toBe(
            r.outcome === 'UPSTREAM_UNAVAILABLE' ? r.attempts : r.attempts - 1,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
