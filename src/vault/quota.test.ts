import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuotaTracker } from './quota.ts';

describe('QuotaTracker', () => {
  it('allows up to the limit in a window, then says when to retry', () => {
    let now = 1_000_000;
    const q = new QuotaTracker(() => now);
    const quota = { limit: 100, windowSeconds: 60 };
    for (let i = 0; i < 10; i++) expect(q.take('key_a', 'reads', quota, 10)).toEqual({ ok: true });
    const refused = q.take('key_a', 'reads', quota, 1);
    expect(refused.ok).toBe(false);
    expect(q.take('key_b', 'reads', quota, 100)).toEqual({ ok: true }); // per actor
    expect(q.take('key_a', 'lookups', quota, 100)).toEqual({ ok: true }); // per counter
    now += 2 * 60_000 + 1;
    expect(q.take('key_a', 'reads', quota, 100)).toEqual({ ok: true });
  });

  it('never lets more than the limit through in any window-long interval (plus rounding)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 30 })), {
          maxLength: 300,
        }),
        (steps) => {
          let now = 0;
          const q = new QuotaTracker(() => now);
          const quota = { limit: 100, windowSeconds: 10 };
          const granted: [number, number][] = [];
          for (const [dt, n] of steps) {
            now += dt;
            if (q.take('a', 'reads', quota, n).ok) granted.push([now, n]);
          }
          // Any interval of one window length holds at most 1.5× the limit (the estimate assumes the previous window was spread evenly;
          // its worst case is all of it at the very end).
          for (const [t] of granted) {
            const inWindow = granted.filter(([u]) => u >= t && u < t + 10_000).reduce((s, [, n]) => s + n, 0);
            expect(inWindow).toBeLessThanOrEqual(150);
          }
        },
      ),
    );
  });

  it('refuses a single request larger than the quota', () => {
    const q = new QuotaTracker(() => 0);
    expect(q.take('a', 'detokenizations', { limit: 5, windowSeconds: 60 }, 6)).toEqual({
      ok: false,
      retryAfterSeconds: 60,
    });
    expect(q.take('a', 'detokenizations', undefined, 1_000_000)).toEqual({ ok: true });
  });
});
