/**
 * `/metrics`: the series exist, labels are route patterns and closed sets (no values from URLs,
 * nothing that looks like PI), and the audit gauges follow the log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/server-app.ts';

/** Every label value in a Prometheus text exposition. */
function labelValues(text: string): string[] {
  const values: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    for (const m of line.matchAll(/[a-z_]+="((?:[^"\\]|\\.)*)"/g)) values.push(m[1]!);
  }
  return values;
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `) || l.startsWith(`${series}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('are for admins and auditors only', async () => {
    t = await startTestApp('sqlite');
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/metrics', headers: t.auth('agent') })).statusCode).toBe(403);
    const res = await t.app.inject({ url: '/metrics', headers: t.auth('auditor') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
  });

  it('count requests by route pattern and status, with no value from a URL in any label', async () => {
    t = await startTestApp('sqlite', { env: { SHIMING_RATE_LIMIT_RPS: '1', SHIMING_RATE_LIMIT_BURST: '2' } });
    const agent = (await t.app.inject({ url: '/v1/whoami', headers: t.auth('admin') })).json();
    await t.app.inject({ method: 'DELETE', url: `/v1/keys/${agent.keyId}`, headers: t.auth('admin') });
    await t.app.inject({ url: '/v1/people/11010519491231002X?mobile=13812345678' });
    await t.app.inject({
      url: '/v1/audit/proof/inclusion?index=123456789&size=987654321',
      headers: t.auth('admin'),
    });
    await t.app.inject({ url: '/v1/whoami', headers: { authorization: 'Bearer shk_bogus' } });
    for (let i = 0; i < 4; i++) await t.app.inject({ url: '/v1/whoami', headers: t.auth('agent') });
    const text = (await t.app.inject({ url: '/metrics', headers: t.auth('auditor') })).body;

    expect(text).toContain(
      'shiming_http_requests_total{method="DELETE",route="/v1/keys/:id",status="200"} 1',
    );
    expect(text).toContain('route="unmatched",status="404"');
    expect(text).toMatch(
      /shiming_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/v1\/whoami"/,
    );
    expect(sample(text, 'shiming_auth_failures_total{reason="malformed"}')).toBe(1);
    expect(sample(text, 'shiming_rate_limited_total{role="agent"}')).toBe(2);
    const values = labelValues(text);
    expect(values.length).toBeGreaterThan(20);
    for (const v of values) {
      expect(v, 'a label holding a digit run').not.toMatch(/\d{5,}/);
      expect(v).not.toMatch(/key_[A-Za-z0-9]{16}|shk_|\?/);
    }
  });

  it('follow the audit log: size, what is signed, the lag and the age of the checkpoint', async () => {
    let now = new Date();
    t = await startTestApp('sqlite', { app: { clock: () => now } });
    const scrape = async () => (await t!.app.inject({ url: '/metrics', headers: t!.auth('admin') })).body;
    let text = await scrape();
    const created = Number(t.auditLog.size); // the test keys' key.create entries
    expect(sample(text, 'shiming_audit_log_size')).toBe(created);
    expect(sample(text, 'shiming_audit_unsigned_entries')).toBe(created);
    // Before the first checkpoint, the age counts from the log's creation.
    expect(sample(text, 'shiming_audit_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);

    await t.app.inject({ method: 'POST', url: '/v1/audit/checkpoint', headers: t.auth('admin') });
    await t.auditLog.record({
      actor: 'key_x',
      role: 'agent',
      purpose: 'p',
      action: 'a',
      tenant: 'acme',
      outcome: 'ok',
    });
    now = new Date(Date.now() + 42_000);
    text = await scrape();
    expect(sample(text, 'shiming_audit_log_size')).toBe(created + 1);
    expect(sample(text, 'shiming_audit_checkpoint_size')).toBe(created);
    expect(sample(text, 'shiming_audit_unsigned_entries')).toBe(1);
    expect(sample(text, 'shiming_audit_checkpoint_age_seconds')).toBeGreaterThanOrEqual(41);
  });
});
