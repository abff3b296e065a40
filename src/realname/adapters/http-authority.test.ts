import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { VerificationRequest } from '../types.ts';
import { AdapterError } from './errors.ts';
import { HttpAuthorityAdapter, retryAfterMs } from './http-authority.ts';

const TWO: VerificationRequest = { method: 'id-two-factor', name: '张伟', residentId: '11010119900101123X' };
const THREE: VerificationRequest = { ...TWO, method: 'mobile-three-factor', mobile: '13800138000' };
const NI: VerificationRequest = {
  method: 'network-identity',
  networkIdentity: { bizSeq: 'A'.repeat(32), authData: 'v1.x.y' },
};

/** An adapter whose fetch answers `status` with `body` (a string is sent raw). */
function stub(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchStub = (async (url: URL | string, init?: RequestInit) => {
    calls.push({ url: String(url), init: init! });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
  }) as typeof fetch;
  const adapter = new HttpAuthorityAdapter({
    id: 'authority-a',
    baseUrl: 'http://authority.test',
    apiKey: 'k',
    fetch: fetchStub,
  });
  return { adapter, calls };
}

describe('HttpAuthorityAdapter: 200 answers', () => {
  it('maps each result with its details; level only on MATCH', async () => {
    const match = await stub(200, { result: 'MATCH', ageBand: '14-15', requestId: 'r-1' }).adapter.verify(
      TWO,
    );
    expect(match).toMatchObject({
      outcome: 'MATCH',
      level: 'L2',
      ageBand: '14-15',
      provider: 'authority-a',
      providerRequestId: 'r-1',
      attempts: 1,
    });
    expect(match.latencyMs).toBeGreaterThanOrEqual(0);
    const mis = await stub(200, {
      result: 'MISMATCH',
      mismatch: ['mobile'],
      carrier: 'cucc',
      requestId: 'r-2',
    }).adapter.verify(THREE);
    expect(mis).toMatchObject({ outcome: 'MISMATCH', mismatch: ['mobile'], carrier: 'cucc' });
    expect(mis.level).toBeUndefined();
    expect((await stub(200, { result: 'NO_RECORD' }).adapter.verify(TWO)).outcome).toBe('NO_RECORD');
    expect(
      (await stub(200, { result: 'INVALID_INPUT', reason: 'BAD_NAME' }).adapter.verify(TWO)).outcome,
    ).toBe('INVALID_INPUT');
    const ni = await stub(200, {
      result: 'MATCH',
      networkIdentity: 'WHABC234',
      ageBand: '18+',
      bizSeq: 'x',
    }).adapter.verify(NI);
    expect(ni).toMatchObject({ outcome: 'MATCH', level: 'L3', networkIdentity: 'WHABC234', ageBand: '18+' });
  });

  it('sends the contract: path, bearer key, only the method fields', async () => {
    const { adapter, calls } = stub(200, { result: 'MATCH', networkIdentity: 'WH2345AB' });
    await adapter.verify({ ...NI, name: '张伟' } as VerificationRequest);
    expect(calls[0]!.url).toBe('http://authority.test/v1/network-identity/verify');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer k');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual(NI.networkIdentity);
  });

  it('anything outside the contract is UPSTREAM_UNAVAILABLE, never a verdict', async () => {
    const bad: unknown[] = [
      'not json',
      '',
      [],
      { result: 'OK' },
      { result: 'match' },
      { result: 'RATE_LIMITED' },
      { result: 'MISMATCH', mismatch: ['face'] },
      { result: 'MATCH', ageBand: '18-60' },
      { result: 'MATCH', requestId: 42 },
      { result: 'MISMATCH', carrier: 'att' },
    ];
    for (const body of bad) {
      const r = await stub(200, typeof body === 'string' ? body : JSON.stringify(body)).adapter.verify(THREE);
      expect(r.outcome, JSON.stringify(body)).toBe('UPSTREAM_UNAVAILABLE');
      expect(r.level).toBeUndefined();
    }
    // A network-identity MATCH must carry the network identity.
    expect((await stub(200, { result: 'MATCH' }).adapter.verify(NI)).outcome).toBe('UPSTREAM_UNAVAILABLE');
  });
});

describe('HttpAuthorityAdapter: status codes and transport', () => {
  it('429 → RATE_LIMITED with retryAfterMs; 400 → INVALID_INPUT; 401, 404, 5xx → UPSTREAM_UNAVAILABLE', async () => {
    const limited = await stub(
      429,
      { error: { code: 'RATE_LIMITED' } },
      { 'retry-after': '2', 'x-request-id': 'q-9' },
    ).adapter.verify(TWO);
    expect(limited).toMatchObject({ outcome: 'RATE_LIMITED', retryAfterMs: 2000, providerRequestId: 'q-9' });
    expect((await stub(400, { error: {} }).adapter.verify(TWO)).outcome).toBe('INVALID_INPUT');
    for (const status of [401, 403, 404, 500, 502, 503, 504]) {
      expect((await stub(status, { error: {} }).adapter.verify(TWO)).outcome).toBe('UPSTREAM_UNAVAILABLE');
    }
  });

  it('Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });

  it('a timeout and a refused connection are UPSTREAM_UNAVAILABLE', async () => {
    const slow = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const port = (slow.address() as AddressInfo).port;
    try {
      const adapter = new HttpAuthorityAdapter({
        id: 'slow',
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 100,
      });
      const r = await adapter.verify(TWO);
      expect(r.outcome).toBe('UPSTREAM_UNAVAILABLE');
      expect(r.latencyMs).toBeGreaterThanOrEqual(90);
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
    // The port is closed now: connection refused.
    const refused = new HttpAuthorityAdapter({ id: 'gone', baseUrl: `http://127.0.0.1:${port}` });
    expect((await refused.verify(TWO)).outcome).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('a caller abort is rethrown, not turned into a verdict', async () => {
    const { adapter } = stub(200, { result: 'MATCH' });
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(adapter.verify(TWO, { signal: controller.signal })).rejects.toThrow('cancelled');
  });

  it('missing elements are INVALID_INPUT without a call; unconfigured methods throw', async () => {
    const { adapter, calls } = stub(200, { result: 'MATCH' });
    expect((await adapter.verify({ method: 'id-two-factor', name: '张伟' })).outcome).toBe('INVALID_INPUT');
    expect(calls).toHaveLength(0);
    const twoOnly = new HttpAuthorityAdapter({
      id: 'a',
      baseUrl: 'http://x.test',
      methods: ['id-two-factor'],
    });
    await expect(twoOnly.verify(THREE)).rejects.toBeInstanceOf(AdapterError);
    expect(() => new HttpAuthorityAdapter({ id: 'a', baseUrl: 'not a url' })).toThrow(AdapterError);
  });
});

describe('HttpAuthorityAdapter over node:http (the default transport)', () => {
  /** A real server answering each request with `answer(path)`; the adapter pointed at it. */
  async function serve(
    answer: (
      path: string,
      body: string,
    ) => { status: number; headers?: Record<string, string>; body: string; chunked?: boolean },
  ) {
    const seen: { path: string; body: string; auth: string | undefined }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', body, auth: req.headers.authorization });
        const a = answer(req.url ?? '', body);
        if (a.chunked) {
          res.writeHead(a.status, a.headers);
          // No content-length: the size is only known while reading.
          for (let i = 0; i < a.body.length; i += 8192) res.write(a.body.slice(i, i + 8192));
          res.end();
        } else {
          res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
          res.end(a.body);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const adapter = new HttpAuthorityAdapter({ id: 'real', baseUrl: url, apiKey: 'k-1' });
    const close = async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    };
    return { adapter, seen, close };
  }

  it('sends the contract and reads the answer, its request id header and Retry-After', async () => {
    let n = 0;
    const s = await serve(() =>
      n++ === 0
        ? { status: 200, headers: { 'x-request-id': 'hdr-1' }, body: JSON.stringify({ result: 'MATCH' }) }
        : { status: 429, headers: { 'retry-after': '2' }, body: '{}' },
    );
    try {
      const ok = await s.adapter.verify(TWO);
      expect(ok).toMatchObject({ outcome: 'MATCH', level: 'L2', providerRequestId: 'hdr-1' });
      expect(s.seen[0]).toMatchObject({ path: '/v1/verify/id-two-factor', auth: 'Bearer k-1' });
      expect(JSON.parse(s.seen[0]!.body)).toEqual({ name: '张伟', residentId: '11010119900101123X' });
      const limited = await s.adapter.verify(TWO);
      expect(limited).toMatchObject({ outcome: 'RATE_LIMITED', retryAfterMs: 2000 });
    } finally {
      await s.close();
    }
  });

  it('an answer over 64 KiB is UPSTREAM_UNAVAILABLE, announced or not', async () => {
    const big = JSON.stringify({ result: 'MATCH', pad: 'x'.repeat(70_000) });
    let calls = 0;
    // First with a content-length, then chunked.
    const s = await serve(() => ({ status: 200, body: big, chunked: calls++ > 0 }));
    try {
      expect((await s.adapter.verify(TWO)).outcome).toBe('UPSTREAM_UNAVAILABLE');
      expect((await s.adapter.verify(TWO)).outcome).toBe('UPSTREAM_UNAVAILABLE');
      expect(s.seen).toHaveLength(2);
    } finally {
      await s.close();
    }
  });

  it('a caller abort while the call is in flight is rethrown', async () => {
    const server = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const adapter = new HttpAuthorityAdapter({
      id: 'hang',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('user went away')), 50);
      await expect(adapter.verify(TWO, { signal: controller.signal })).rejects.toThrow('user went away');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
