/**
 * The national network identity flow (国家网络身份认证公共服务, 网号/网证, 2025 Measures):
 *
 * 1. the platform's server makes a fresh business serial, `bizSeq` ({@link newBizSeq});
 * 2. its client launches the user's state identity app with it; the app returns opaque
 *    credential data, `authData`;
 * 3. the platform's server sends `{bizSeq, authData}` to the national platform and gets a result,
 *    the opaque network identity number (网号) and, here, an age band — never an ID number.
 *
 * The Measures forbid asking a user who chose this method for plaintext identity on top (unless a
 * law requires it or the user agrees separately). {@link NetworkIdentityAdapter} enforces that at
 * the adapter boundary: a network-identity request carrying a name, resident ID or mobile is
 * refused as INVALID_INPUT before anything is sent, so the plaintext never leaves the platform.
 *
 * @module
 */
import { getRandomValues } from 'node:crypto';
import type { VerificationAdapter, VerificationRequest, VerificationResult } from '../types.ts';
import { AdapterError } from './errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BIZSEQ_RE = /^[A-Za-z0-9]{32}$/;
/** authData is opaque; bound its size and keep it printable ASCII. */
const AUTHDATA_RE = /^[\x21-\x7e]{1,8192}$/;

/** A fresh 32-character business serial `[A-Za-z0-9]` from the CSPRNG (about 190 bits). */
export function newBizSeq(): string {
  let out = '';
  const bytes = new Uint8Array(48);
  while (out.length < 32) {
    getRandomValues(bytes);
    for (const b of bytes) {
      // 248 = 4 × 62: drop the top bytes so every character is equally likely.
      if (b < 248 && out.length < 32) out += ALPHABET[b % 62];
    }
  }
  return out;
}

/** True if `value` is a well-formed business serial. */
export function isBizSeq(value: string): boolean {
  return BIZSEQ_RE.test(value);
}

/** Options of {@link NetworkIdentityAdapter}. */
export interface NetworkIdentityAdapterOptions {
  /** Adapter id (default: the inner adapter's, so results name the real provider). */
  readonly id?: string;
}

/**
 * Wraps an adapter that provides `network-identity` (e.g. an `HttpAuthorityAdapter`) and enforces
 * the flow's rules before it is called: only method `network-identity`; a well-formed `bizSeq`
 * and `authData`; no name, resident ID or mobile in the request (INVALID_INPUT, nothing sent).
 */
export class NetworkIdentityAdapter implements VerificationAdapter {
  readonly id: string;
  readonly methods = ['network-identity'] as const;
  readonly #inner: VerificationAdapter;

  constructor(inner: VerificationAdapter, options: NetworkIdentityAdapterOptions = {}) {
    if (!inner.methods.includes('network-identity'))
      throw new AdapterError('BAD_CONFIGURATION', `adapter ${inner.id} does not provide network-identity`);
    this.#inner = inner;
    this.id = options.id ?? inner.id;
  }

  async verify(
    request: VerificationRequest,
    options?: { readonly signal?: AbortSignal },
  ): Promise<VerificationResult> {
    if (request.method !== 'network-identity')
      throw new AdapterError('METHOD_NOT_SUPPORTED', `adapter ${this.id} provides network-identity only`);
    const ni = request.networkIdentity;
    const plaintext =
      request.name !== undefined || request.residentId !== undefined || request.mobile !== undefined;
    if (plaintext || ni === undefined || !isBizSeq(ni.bizSeq) || !AUTHDATA_RE.test(ni.authData)) {
      return {
        outcome: 'INVALID_INPUT',
        method: 'network-identity',
        provider: this.id,
        latencyMs: 0,
        attempts: 1,
      };
    }
    // Forward only the flow's two fields, whatever else the request object carries.
    const result = await this.#inner.verify(
      { method: 'network-identity', networkIdentity: { bizSeq: ni.bizSeq, authData: ni.authData } },
      options,
    );
    return this.id === result.provider ? result : { ...result, provider: this.id };
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }
}
