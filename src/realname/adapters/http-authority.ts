/**
 * A verification adapter for an identity authority speaking the reference wire contract
 * (`docs/authority.md`): ID two-factor, operator three-factor and the national network identity.
 *
 * Its job is to turn everything an HTTP call can do into the normalized taxonomy without ever
 * inventing a verdict: only a well-formed 200 answer yields MATCH / MISMATCH / NO_RECORD /
 * INVALID_INPUT; a 429 is RATE_LIMITED; a 400 is INVALID_INPUT; everything else (5xx, 401, a
 * timeout, a refused connection, a body that does not parse or names an unknown result) is
 * UPSTREAM_UNAVAILABLE, which the chain may retry or fail over. A vendor adapter for Tencent,
 * Alibaba or Huawei would keep this shape and change only the request and response mapping.
 *
 * @module
 */
import {
  AGE_BANDS,
  type AgeBand,
  type Carrier,
  METHOD_LEVELS,
  type MismatchElement,
  type VerificationAdapter,
  type VerificationMethod,
  type VerificationOutcome,
  type VerificationRequest,
  type VerificationResult,
} from '../types.ts';
import { AdapterError } from './errors.ts';
import { fetchJsonPost, type JsonAnswer, type JsonPost, nodeJsonPost } from './json-post.ts';

/** The methods an authority of this contract can provide. */
export type AuthorityMethod = Extract<
  VerificationMethod,
  'id-two-factor' | 'mobile-three-factor' | 'network-identity'
>;
export const AUTHORITY_METHODS: readonly AuthorityMethod[] = [
  'id-two-factor',
  'mobile-three-factor',
  'network-identity',
];

const PATHS: Readonly<Record<AuthorityMethod, string>> = {
  'id-two-factor': '/v1/verify/id-two-factor',
  'mobile-three-factor': '/v1/verify/mobile-three-factor',
  'network-identity': '/v1/network-identity/verify',
};

/** Options of {@link HttpAuthorityAdapter}. */
export interface HttpAuthorityAdapterOptions {
  /** Stable adapter id, recorded as the result's provider (e.g. `authority-primary`). */
  readonly id: string;
  /** Base URL of the authority, e.g. `https://authority.example:8443`. */
  readonly baseUrl: string;
  /** Bearer key sent as `authorization: Bearer <key>`. */
  readonly apiKey?: string;
  /** Per-call timeout (default 3,000 ms). */
  readonly timeoutMs?: number;
  /** Methods this authority is contracted for (default: all three). */
  readonly methods?: readonly AuthorityMethod[];
  /** A `fetch` to call the authority with (default: node:http with keep-alive, see json-post.ts). */
  readonly fetch?: typeof fetch;
}

const RESULTS = new Set(['MATCH', 'MISMATCH', 'NO_RECORD', 'INVALID_INPUT']);
const ELEMENTS = new Set<string>(['name', 'residentId', 'mobile']);
const CARRIERS = new Set<string>(['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno']);
const BANDS = new Set<string>(AGE_BANDS);
/** What a provider request id or network identity may look like: short, printable, no spaces. */
const TOKEN_RE = /^[\x21-\x7e]{1,128}$/;
const NETWORK_IDENTITY_RE = /^[A-Za-z0-9]{1,64}$/;

/** Largest answer read, in bytes. */
const MAX_ANSWER = 64 * 1024;

/** A 200 body that does not follow the contract. */
class BadAnswer extends Error {}

interface Parsed {
  readonly outcome: VerificationOutcome;
  readonly mismatch?: readonly MismatchElement[];
  readonly ageBand?: AgeBand;
  readonly carrier?: Carrier;
  readonly networkIdentity?: string;
  readonly requestId?: string;
}

/** Strictly reads a 200 body; throws {@link BadAnswer} on anything outside the contract. */
function parseAnswer(method: AuthorityMethod, body: unknown): Parsed {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadAnswer();
  const b = body as Record<string, unknown>;
  const { result, mismatch, ageBand, carrier, networkIdentity, requestId } = b;
  if (typeof result !== 'string' || !RESULTS.has(result)) throw new BadAnswer();
  if (requestId !== undefined && (typeof requestId !== 'string' || !TOKEN_RE.test(requestId)))
    throw new BadAnswer();
  let elements: MismatchElement[] | undefined;
  if (mismatch !== undefined) {
    if (!Array.isArray(mismatch) || mismatch.length > 3) throw new BadAnswer();
    for (const e of mismatch) if (typeof e !== 'string' || !ELEMENTS.has(e)) throw new BadAnswer();
    elements = [...new Set(mismatch as MismatchElement[])];
  }
  if (ageBand !== undefined && (typeof ageBand !== 'string' || !BANDS.has(ageBand))) throw new BadAnswer();
  if (carrier !== undefined && (typeof carrier !== 'string' || !CARRIERS.has(carrier))) throw new BadAnswer();
  if (
    networkIdentity !== undefined &&
    (typeof networkIdentity !== 'string' || !NETWORK_IDENTITY_RE.test(networkIdentity))
  )
    throw new BadAnswer();
  // A network-identity MATCH without the network identity is useless to the platform.
  if (method === 'network-identity' && result === 'MATCH' && networkIdentity === undefined)
    throw new BadAnswer();
  const outcome = result as VerificationOutcome;
  return {
    outcome,
    ...(outcome === 'MISMATCH' && elements !== undefined && elements.length > 0
      ? { mismatch: elements }
      : {}),
    // Age band and network identity describe the person only on a MATCH.
    ...(outcome === 'MATCH' && ageBand !== undefined ? { ageBand: ageBand as AgeBand } : {}),
    ...(method === 'mobile-three-factor' && carrier !== undefined ? { carrier: carrier as Carrier } : {}),
    ...(outcome === 'MATCH' && method === 'network-identity'
      ? { networkIdentity: networkIdentity as string }
      : {}),
    ...(requestId === undefined ? {} : { requestId: requestId as string }),
  };
}

/** `Retry-After` (seconds or an HTTP date) in ms; `undefined` if absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const v = header.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** The request body for `method`, or `undefined` if the request lacks what the method needs. */
function bodyFor(method: AuthorityMethod, r: VerificationRequest): Record<string, string> | undefined {
  switch (method) {
    case 'id-two-factor':
      return r.name === undefined || r.residentId === undefined
        ? undefined
        : { name: r.name, residentId: r.residentId };
    case 'mobile-three-factor':
      return r.name === undefined || r.residentId === undefined || r.mobile === undefined
        ? undefined
        : { name: r.name, residentId: r.residentId, mobile: r.mobile };
    case 'network-identity':
      // Only the serial and the opaque credential: never plaintext identity.
      return r.networkIdentity === undefined
        ? undefined
        : { bizSeq: r.networkIdentity.bizSeq, authData: r.networkIdentity.authData };
  }
}

/** An identity authority reached over HTTP, per the reference wire contract. */
export class HttpAuthorityAdapter implements VerificationAdapter {
  readonly id: string;
  readonly methods: readonly AuthorityMethod[];
  readonly #base: URL;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #post: JsonPost;

  constructor(options: HttpAuthorityAdapterOptions) {
    if (options.id.length === 0) throw new AdapterError('BAD_CONFIGURATION', 'adapter id must not be empty');
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new AdapterError('BAD_CONFIGURATION', `adapter ${options.id}: baseUrl is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new AdapterError('BAD_CONFIGURATION', `adapter ${options.id}: baseUrl must be http or https`);
    const methods = options.methods ?? AUTHORITY_METHODS;
    for (const m of methods) {
      if (!AUTHORITY_METHODS.includes(m))
        throw new AdapterError(
          'BAD_CONFIGURATION',
          `adapter ${options.id}: method ${String(m)} is not an authority method`,
        );
    }
    const timeoutMs = options.timeoutMs ?? 3_000;
    if (!(timeoutMs > 0))
      throw new AdapterError('BAD_CONFIGURATION', `adapter ${options.id}: timeoutMs must be positive`);
    this.id = options.id;
    this.methods = [...methods];
    this.#base = base;
    this.#timeoutMs = timeoutMs;
    this.#post = options.fetch === undefined ? nodeJsonPost : fetchJsonPost(options.fetch);
    this.#headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
    };
  }

  /**
   * Calls the authority once. Never throws for a provider problem. Throws `AdapterError`
   * `METHOD_NOT_SUPPORTED` for a method this adapter was not configured with, and rethrows the
   * caller's abort reason when `options.signal` aborts (a cancellation is not a verdict).
   */
  async verify(
    request: VerificationRequest,
    options?: { readonly signal?: AbortSignal },
  ): Promise<VerificationResult> {
    const method = request.method as AuthorityMethod;
    if (!this.methods.includes(method))
      throw new AdapterError('METHOD_NOT_SUPPORTED', `adapter ${this.id} does not provide ${request.method}`);
    const started = performance.now();
    const result = (
      outcome: VerificationOutcome,
      extra: Partial<VerificationResult> = {},
    ): VerificationResult => ({
      outcome,
      method,
      ...(outcome === 'MATCH' ? { level: METHOD_LEVELS[method] } : {}),
      provider: this.id,
      ...extra,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
      attempts: 1,
    });
    const body = bodyFor(method, request);
    // Missing elements are the caller's input problem: no need to ask (or pay) anyone.
    if (body === undefined) return result('INVALID_INPUT');

    options?.signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = options?.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    let res: JsonAnswer;
    try {
      // An answer of this contract is a few hundred bytes; a huge one is not worth reading.
      res = await this.#post(
        new URL(PATHS[method], this.#base),
        this.#headers,
        JSON.stringify(body),
        signal,
        MAX_ANSWER,
      );
    } catch {
      options?.signal?.throwIfAborted();
      // Timeout, refused or reset connection, DNS failure, body cut short or too long.
      return result('UPSTREAM_UNAVAILABLE');
    }
    const headerId = res.header('x-request-id');
    const idFromHeader = headerId !== null && TOKEN_RE.test(headerId) ? { providerRequestId: headerId } : {};
    if (res.status === 200) {
      let parsed: Parsed;
      try {
        parsed = parseAnswer(method, JSON.parse(res.text));
      } catch {
        return result('UPSTREAM_UNAVAILABLE', idFromHeader);
      }
      const { outcome, requestId, ...rest } = parsed;
      return result(outcome, {
        ...rest,
        ...(requestId === undefined ? idFromHeader : { providerRequestId: requestId }),
      });
    }
    if (res.status === 429) {
      const wait = retryAfterMs(res.header('retry-after'));
      return result('RATE_LIMITED', {
        ...idFromHeader,
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      });
    }
    if (res.status === 400) return result('INVALID_INPUT', idFromHeader);
    // 401/403 are our misconfiguration, 404 a wrong base URL, 5xx the provider: none is about the person.
    return result('UPSTREAM_UNAVAILABLE', idFromHeader);
  }
}
