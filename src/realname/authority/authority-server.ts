/**
 * `shiming authority`: a reference identity authority speaking real HTTP, so verification
 * adapters, the chain and the enforcement job can be exercised end to end — timeouts, 5xx, 429,
 * failover, replayed credentials — without a vendor contract or anyone's real data.
 *
 * It answers the three checks real vendors sell (ID two-factor, operator three-factor, the 2025
 * national network identity) from a synthetic population, with injectable latency, failures and
 * per-caller rate limits. The wire contract is deliberately small and is documented in
 * `docs/authority.md`; a real vendor adapter maps its provider's codes onto the same taxonomy.
 *
 * Built on `node:http` directly (no framework) to sustain thousands of requests per second on two
 * cores. Nothing it logs or returns in an error carries a submitted value.
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ageOn, dateOfDayNumber, shanghaiDate } from '../adapters/age.ts';
import { type AgeBand, ageBandOf, type MismatchElement } from '../types.ts';
import { carrierOfMobile, isNetworkIdentity, type Person, residentIdProblem } from './population.ts';
import { PopulationIndex, type RegisteredPerson } from './registry.ts';

/** Options of {@link startAuthority}. */
export interface AuthorityOptions {
  /** People as records, an async stream, a JSONL file path, or an index already built. */
  readonly population: Iterable<Person> | AsyncIterable<Person> | string | PopulationIndex;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Delay before every verification answer, in ms (default 0). */
  readonly latencyMs?: number;
  /** Uniform jitter added to the delay, 0..jitter ms (default 0). */
  readonly latencyJitterMs?: number;
  /** Probability (0..1) of answering a verification with 503 (default 0). */
  readonly failureRate?: number;
  /** Requests per second per caller (token bucket, burst = one second's worth); 0 or absent = unlimited. */
  readonly rateLimit?: number;
  /** Accepted bearer keys; when set, any other (or none) gets 401. */
  readonly apiKeys?: readonly string[];
  /** Seed of the failure and jitter draws (default: random). */
  readonly seed?: number;
  /** HMAC key of network-identity credentials, at least 32 bytes (default: random per process). */
  readonly secret?: Uint8Array;
  /** Lifetime of a network-identity credential (default 300,000 ms = 5 min). */
  readonly authDataTtlMs?: number;
  /** Clock in epoch ms, for age bands and credential expiry (default `Date.now`). */
  readonly now?: () => number;
  /** Called once per answered request; carries no submitted value. */
  readonly onRequest?: (event: AuthorityRequestEvent) => void;
}

/** What {@link AuthorityOptions.onRequest} sees: route, status, result and time — never a value. */
export interface AuthorityRequestEvent {
  readonly route: string;
  readonly status: number;
  readonly result?: string;
  readonly requestId: string;
  readonly ms: number;
}

/** Counters of a running authority (for tests and billing reconciliation). */
export interface AuthorityStats {
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** `route → result → count` for 200 answers. */
  readonly results: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly injectedFailures: number;
  readonly rateLimited: number;
}

export interface AuthorityServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** People in the register. */
  readonly population: number;
  stats(): AuthorityStats;
  /** Stops accepting, lets requests in flight finish (forcing after 5 s), then resolves. */
  close(): Promise<void>;
}

/** Routes of the wire contract. */
export const AUTHORITY_ROUTES = {
  twoFactor: '/v1/verify/id-two-factor',
  threeFactor: '/v1/verify/mobile-three-factor',
  authorize: '/v1/network-identity/authorize',
  networkIdentity: '/v1/network-identity/verify',
  health: '/v1/health',
} as const;

/** Reasons given with `result: "INVALID_INPUT"` (200 answers). */
export type InvalidReason =
  | 'BAD_NAME'
  | 'BAD_RESIDENT_ID'
  | 'BAD_MOBILE'
  | 'BAD_BIZSEQ'
  | 'AUTHDATA_INVALID'
  | 'AUTHDATA_EXPIRED'
  | 'AUTHDATA_REPLAYED'
  | 'BIZSEQ_MISMATCH';

const MAX_BODY = 16 * 1024;
const BIZSEQ_RE = /^[A-Za-z0-9]{32}$/;
const AUTHDATA_RE = /^v1\.([A-Za-z0-9_-]{27})\.([A-Za-z0-9_-]{32})$/;
const ACTIVE = 'active';

/** A client error: 4xx with a stable code and a message naming fields only. */
class HttpFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    this.status = status;
    this.code = code;
    this.message = message;
    this.headers = headers;
  }
}
const invalid = (message: string) => new HttpFailure(400, 'INVALID_INPUT', message);

type Body = Record<string, unknown>;
type Answer = Record<string, unknown> & { result?: string };

/** Checks that `body` has exactly the `required` string fields plus any of `optional`. */
function fields(body: Body, required: readonly string[], optional: readonly string[] = []): void {
  for (const key of Object.keys(body)) {
    if (!required.includes(key) && !optional.includes(key))
      throw invalid(`unknown field "${key.slice(0, 40)}"`);
  }
  for (const key of required) {
    if (typeof body[key] !== 'string') throw invalid(`field "${key}" must be a string`);
  }
  for (const key of optional) {
    if (body[key] !== undefined && typeof body[key] !== 'string')
      throw invalid(`field "${key}" must be a string`);
  }
}

/** sfc-like small PRNG for failure and jitter draws (not for secrets). */
function drawFrom(seed: number): () => number {
  let a = seed >>> 0 || 0x2545f491;
  return () => {
    a ^= a << 13;
    a ^= a >>> 17;
    a ^= a << 5;
    return (a >>> 0) / 4_294_967_296;
  };
}

const CONTROL_RE = /[\u0000-\u001f\u007f]/;
const nameOk = (name: string) => name.length > 0 && name.length <= 64 && !CONTROL_RE.test(name);

/** Starts a reference authority; resolves once it listens. */
export async function startAuthority(options: AuthorityOptions): Promise<AuthorityServer> {
  const index =
    options.population instanceof PopulationIndex
      ? options.population
      : await PopulationIndex.load(options.population);
  const now = options.now ?? Date.now;
  const latency = Math.max(0, options.latencyMs ?? 0);
  const jitter = Math.max(0, options.latencyJitterMs ?? 0);
  const failureRate = options.failureRate ?? 0;
  if (!(failureRate >= 0 && failureRate <= 1)) throw new RangeError('failureRate must be between 0 and 1');
  const rate = options.rateLimit ?? 0;
  if (!(rate >= 0)) throw new RangeError('rateLimit must be 0 or more');
  const keys = options.apiKeys === undefined ? undefined : new Set(options.apiKeys);
  const secret = options.secret ?? randomBytes(32);
  if (secret.length < 32) throw new RangeError('secret must be at least 32 bytes');
  const ttl = options.authDataTtlMs ?? 300_000;
  const draw = drawFrom(options.seed ?? randomBytes(4).readUInt32LE(0));
  const idPrefix = randomBytes(4).toString('hex');
  let sequence = 0;

  // Counters.
  let requests = 0;
  let injectedFailures = 0;
  let rateLimited = 0;
  const byStatus: Record<string, number> = {};
  const results: Record<string, Record<string, number>> = {};

  // Token buckets per caller.
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** Milliseconds to wait, or 0 if a token was taken. */
  function take(caller: string): number {
    if (rate <= 0) return 0;
    const t = performance.now();
    let b = buckets.get(caller);
    if (b === undefined) {
      if (buckets.size >= 10_000) buckets.clear(); // unknown callers must not grow memory without bound
      b = { tokens: rate, at: t };
      buckets.set(caller, b);
    } else {
      b.tokens = Math.min(rate, b.tokens + ((t - b.at) * rate) / 1000);
      b.at = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 1000) / rate);
  }

  // Network-identity credentials waiting for their single use: nonce → binding.
  const pending = new Map<
    string,
    { slot: number; bizSeq?: string; factorMismatch: boolean; expiresAt: number }
  >();
  const sweep = setInterval(
    () => {
      const t = now();
      for (const [nonce, p] of pending) if (p.expiresAt <= t) pending.delete(nonce);
    },
    Math.min(ttl, 30_000),
  );
  sweep.unref();

  const mac = (body: string) =>
    createHmac('sha256', secret).update(`v1.${body}`).digest().subarray(0, 24).toString('base64url');

  function ageBand(p: RegisteredPerson): AgeBand {
    return ageBandOf(Math.max(0, ageOn(dateOfDayNumber(p.birthDay), shanghaiDate(now()))));
  }

  const invalidResult = (reason: InvalidReason): Answer => ({ result: 'INVALID_INPUT', reason });

  function twoFactor(body: Body): Answer {
    fields(body, ['name', 'residentId']);
    const name = body.name as string;
    const residentId = body.residentId as string;
    if (!nameOk(name)) return invalidResult('BAD_NAME');
    if (residentIdProblem(residentId) !== undefined) return invalidResult('BAD_RESIDENT_ID');
    const p = index.byResidentId(residentId);
    if (p === undefined || p.status !== ACTIVE) return { result: 'NO_RECORD' };
    if (p.name !== name) return { result: 'MISMATCH', mismatch: ['name'] };
    return { result: 'MATCH', ageBand: ageBand(p) };
  }

  function threeFactor(body: Body): Answer {
    fields(body, ['name', 'residentId', 'mobile']);
    const name = body.name as string;
    const residentId = body.residentId as string;
    const mobile = body.mobile as string;
    if (!nameOk(name)) return invalidResult('BAD_NAME');
    if (residentIdProblem(residentId) !== undefined) return invalidResult('BAD_RESIDENT_ID');
    const carrier = carrierOfMobile(mobile);
    if (carrier === undefined) return invalidResult('BAD_MOBILE'); // validated by src/pi CN_MOBILE
    // The carrier knows its subscriber: compare the submitted name and ID with theirs.
    const sub = index.byMobile(mobile);
    if (sub === undefined) return { result: 'NO_RECORD', carrier };
    const p = index.person(sub.slot);
    if (p.status !== ACTIVE) return { result: 'NO_RECORD', carrier: sub.carrier };
    const nameDiffers = p.name !== name;
    const idDiffers = p.residentId !== residentId;
    if (!nameDiffers && !idDiffers) return { result: 'MATCH', carrier: sub.carrier, ageBand: ageBand(p) };
    // Both differ: the number is someone else's. One differs: that element is wrong.
    const mismatch: MismatchElement[] =
      nameDiffers && idDiffers ? ['mobile'] : nameDiffers ? ['name'] : ['residentId'];
    return { result: 'MISMATCH', mismatch, carrier: sub.carrier };
  }

  function authorize(body: Body): Answer {
    fields(body, ['networkIdentity'], ['bizSeq', 'simulate']);
    const ni = body.networkIdentity as string;
    const bizSeq = body.bizSeq as string | undefined;
    const simulate = body.simulate as string | undefined;
    if (bizSeq !== undefined && !BIZSEQ_RE.test(bizSeq))
      throw invalid('field "bizSeq" must be 32 letters and digits');
    if (simulate !== undefined && simulate !== 'factor-mismatch')
      throw invalid('field "simulate" must be "factor-mismatch"');
    const p = isNetworkIdentity(ni) ? index.byNetworkIdentity(ni) : undefined;
    if (p === undefined) throw new HttpFailure(404, 'NO_RECORD', 'no such network identity');
    const nonce = randomBytes(16);
    const expiresAt = now() + ttl;
    const payload = Buffer.alloc(20);
    nonce.copy(payload);
    payload.writeUInt32BE(Math.floor(expiresAt / 1000), 16);
    const encoded = payload.toString('base64url');
    pending.set(nonce.toString('base64url'), {
      slot: p.slot,
      ...(bizSeq === undefined ? {} : { bizSeq }),
      factorMismatch: simulate === 'factor-mismatch',
      expiresAt,
    });
    return { authData: `v1.${encoded}.${mac(encoded)}`, expiresAt: new Date(expiresAt).toISOString() };
  }

  function networkIdentity(body: Body): Answer {
    // Plaintext identity fields are unknown fields here: 400, never looked at.
    fields(body, ['bizSeq', 'authData']);
    const bizSeq = body.bizSeq as string;
    const authData = body.authData as string;
    if (!BIZSEQ_RE.test(bizSeq)) return invalidResult('BAD_BIZSEQ');
    const m = AUTHDATA_RE.exec(authData);
    if (m === null) return invalidResult('AUTHDATA_INVALID');
    const expected = Buffer.from(mac(m[1]!));
    const given = Buffer.from(m[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return invalidResult('AUTHDATA_INVALID');
    const payload = Buffer.from(m[1]!, 'base64url');
    const nonce = payload.subarray(0, 16).toString('base64url');
    const binding = pending.get(nonce);
    // Any presentation with a genuine MAC consumes the credential: it is single-use.
    pending.delete(nonce);
    // Without a binding it was used before, or expired and swept: the signed expiry tells which.
    const expiresAt = binding?.expiresAt ?? (payload.readUInt32BE(16) + 1) * 1000;
    if (expiresAt <= now()) return invalidResult('AUTHDATA_EXPIRED');
    if (binding === undefined) return invalidResult('AUTHDATA_REPLAYED');
    if (binding.bizSeq !== undefined && binding.bizSeq !== bizSeq) return invalidResult('BIZSEQ_MISMATCH');
    const p = index.person(binding.slot);
    if (p.status !== ACTIVE) return { result: 'NO_RECORD', bizSeq };
    if (binding.factorMismatch) return { result: 'MISMATCH', bizSeq };
    return { result: 'MATCH', bizSeq, networkIdentity: p.networkIdentity, ageBand: ageBand(p) };
  }

  const handlers: Record<string, (body: Body) => Answer> = {
    [AUTHORITY_ROUTES.twoFactor]: twoFactor,
    [AUTHORITY_ROUTES.threeFactor]: threeFactor,
    [AUTHORITY_ROUTES.authorize]: authorize,
    [AUTHORITY_ROUTES.networkIdentity]: networkIdentity,
  };

  let closing = false;

  function send(
    res: ServerResponse,
    route: string,
    started: number,
    requestId: string,
    status: number,
    payload: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): void {
    const json = JSON.stringify(payload);
    requests++;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    const result = typeof payload.result === 'string' ? payload.result : undefined;
    if (status === 200 && result !== undefined) {
      const r = results[route] ?? {};
      results[route] = r;
      r[result] = (r[result] ?? 0) + 1;
    }
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
      'x-request-id': requestId,
      'cache-control': 'no-store',
      ...(closing ? { connection: 'close' } : {}),
      ...headers,
    });
    res.end(json);
    options.onRequest?.({
      route,
      status,
      ...(result === undefined ? {} : { result }),
      requestId,
      ms: performance.now() - started,
    });
  }

  function fail(res: ServerResponse, route: string, started: number, requestId: string, f: HttpFailure) {
    send(
      res,
      route,
      started,
      requestId,
      f.status,
      { error: { code: f.code, message: f.message }, requestId },
      f.headers,
    );
  }

  function readBody(req: IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = `${idPrefix}-${(++sequence).toString(36)}`;
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const handler = handlers[path];
    const route = handler === undefined && path !== AUTHORITY_ROUTES.health ? 'other' : path;
    try {
      if (path === AUTHORITY_ROUTES.health) {
        if (req.method !== 'GET')
          throw new HttpFailure(405, 'METHOD_NOT_ALLOWED', 'use GET', { allow: 'GET' });
        send(res, route, started, requestId, 200, { status: 'ok', population: index.size, requestId });
        return;
      }
      if (handler === undefined) throw new HttpFailure(404, 'NOT_FOUND', 'no such endpoint');
      if (req.method !== 'POST')
        throw new HttpFailure(405, 'METHOD_NOT_ALLOWED', 'use POST', { allow: 'POST' });
      const auth = req.headers.authorization;
      const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
      if (keys !== undefined && (bearer === undefined || !keys.has(bearer)))
        throw new HttpFailure(401, 'UNAUTHORIZED', 'missing or unknown API key', {
          'www-authenticate': 'Bearer',
        });
      const appSimulation = path === AUTHORITY_ROUTES.authorize;
      if (!appSimulation) {
        const wait = take(bearer ?? req.socket.remoteAddress ?? '-');
        if (wait > 0) {
          rateLimited++;
          throw new HttpFailure(429, 'RATE_LIMITED', 'too many requests for this caller', {
            'retry-after': String(Math.max(1, Math.ceil(wait / 1000))),
          });
        }
      }
      const text = await readBody(req);
      if (text === undefined) throw invalid(`body larger than ${MAX_BODY} bytes`);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw invalid('body is not JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw invalid('body must be a JSON object');
      if (!appSimulation) {
        const delay = latency + (jitter > 0 ? draw() * jitter : 0);
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        if (failureRate > 0 && draw() < failureRate) {
          injectedFailures++;
          throw new HttpFailure(503, 'UNAVAILABLE', 'authority temporarily unavailable');
        }
      }
      const answer = handler(body as Body);
      send(res, route, started, requestId, 200, { ...answer, requestId });
    } catch (e) {
      if (res.headersSent) return;
      if (e instanceof HttpFailure) fail(res, route, started, requestId, e);
      else fail(res, route, started, requestId, new HttpFailure(500, 'INTERNAL', 'internal error'));
    }
  }

  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    void handle(req, res);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    population: index.size,
    stats: () => ({
      requests,
      byStatus: { ...byStatus },
      results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { ...v }])),
      injectedFailures,
      rateLimited,
    }),
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        clearInterval(sweep);
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
