import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-bucket.ts';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('token buckets', () => {
  it('admit a burst, then refill at the sustained rate', () => {
    const c = clock();
    const b = new TokenBuckets({ perSecond: 2, burst: 3, now: c.now });
    expect([b.take('k'), b.take('k'), b.take('k')].every((r) => r.ok)).toBe(true);
    expect(b.take('k')).toEqual({ ok: false, retryAfterSeconds: 1 });
    c.advance(499);
    expect(b.take('k').ok).toBe(false);
    c.advance(2);
    expect(b.take('k').ok).toBe(true);
  });

  it('keep one bucket per key', () => {
    const c = clock();
    const b = new TokenBuckets({ perSecond: 1, burst: 1, now: c.now });
    expect(b.take('a').ok).toBe(true);
    expect(b.take('a').ok).toBe(false);
    expect(b.take('b').ok).toBe(true);
  });

  it('round Retry-After up to whole seconds', () => {
    const c = clock();
    const b = new TokenBuckets({ perSecond: 0.25, burst: 1, now: c.now });
    b.take('k');
    expect(b.take('k')).toEqual({ ok: false, retryAfterSeconds: 4 });
    c.advance(1500);
    expect(b.take('k')).toEqual({ ok: false, retryAfterSeconds: 3 });
  });

  it('never hold more than the burst after a long idle time', () => {
    const c = clock();
    const b = new TokenBuckets({ perSecond: 100, burst: 2, now: c.now });
    c.advance(3_600_000);
    expect([b.take('k'), b.take('k'), b.take('k')].map((r) => r.ok)).toEqual([true, true, false]);
  });

  it('admit everything when perSecond is 0 (limiting off), keeping no state', () => {
    const b = new TokenBuckets({ perSecond: 0, burst: 1 });
    for (let i = 0; i < 1000; i++) expect(b.take('k').ok).toBe(true);
    expect(b.size).toBe(0);
  });

  it('forget idle full buckets once many keys were seen', () => {
    const c = clock();
    const b = new TokenBuckets({ perSecond: 10, burst: 5, now: c.now });
    for (let i = 0; i < 10_000; i++) b.take(`k${i}`);
    c.advance(1000);
    b.take('new');
    expect(b.size).toBe(1);
  });

  it('refuse nonsense settings', () => {
    expect(() => new TokenBuckets({ perSecond: -1, burst: 1 })).toThrow(RangeError);
    expect(() => new TokenBuckets({ perSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});
