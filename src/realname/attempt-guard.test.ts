import { describe, expect, it } from 'vitest';
import { AttemptGuard, type EnumerationAlert } from './attempt-guard.ts';

describe('AttemptGuard', () => {
  const clock = () => {
    let now = 1_000_000;
    const f = () => now;
    f.advance = (ms: number) => {
      now += ms;
    };
    return f;
  };

  it('limits attempts per caller per minute, and says when to come back', () => {
    const c = clock();
    const guard = new AttemptGuard({ perCallerPerMinute: 3 }, c);
    for (let i = 0; i < 3; i++) expect(guard.take('acme', 'key_a').ok).toBe(true);
    const refused = guard.take('acme', 'key_a');
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 60 });
    // Another caller, or the same key in another tenant, has its own budget.
    expect(guard.take('acme', 'key_b').ok).toBe(true);
    expect(guard.take('other', 'key_a').ok).toBe(true);
    c.advance(60_000);
    expect(guard.take('acme', 'key_a').ok).toBe(true);
  });

  it('limits attempts per identity per day, across callers', () => {
    const c = clock();
    const guard = new AttemptGuard({ perIdentityPerDay: 2 }, c);
    expect(guard.take('acme', 'key_a', 'hmac-sha256:aa').ok).toBe(true);
    expect(guard.take('acme', 'key_b', 'hmac-sha256:aa').ok).toBe(true);
    const refused = guard.take('acme', 'key_c', 'hmac-sha256:aa');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.retryAfterSeconds).toBe(86_400);
    expect(guard.take('acme', 'key_c', 'hmac-sha256:bb').ok).toBe(true);
    c.advance(86_400_000);
    expect(guard.take('acme', 'key_a', 'hmac-sha256:aa').ok).toBe(true);
  });

  it('raises one alert per window when a caller’s failures burst, and counts it', () => {
    const c = clock();
    const alerts: EnumerationAlert[] = [];
    const guard = new AttemptGuard({ failureBurst: 5, failureShare: 0.5 }, c, (a) => alerts.push(a));
    // Mostly successes: 20 attempts, 5 failures (25%) is no burst.
    for (let i = 0; i < 20; i++) guard.take('acme', 'key_a');
    for (let i = 0; i < 5; i++) expect(guard.failed('acme', 'key_a')).toBeUndefined();
    expect(guard.alerts).toBe(0);
    c.advance(60_000);
    // A caller testing a list: every attempt fails.
    for (let i = 0; i < 8; i++) {
      guard.take('acme', 'key_x');
      guard.failed('acme', 'key_x');
    }
    expect(alerts).toEqual([{ tenant: 'acme', actor: 'key_x', failures: 5, attempts: 5, windowSeconds: 60 }]);
    expect(guard.alerts).toBe(1);
    c.advance(60_000);
    for (let i = 0; i < 5; i++) {
      guard.take('acme', 'key_x');
      guard.failed('acme', 'key_x');
    }
    expect(guard.alerts).toBe(2);
  });
});
