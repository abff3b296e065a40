/**
 * The onRequest hook of the authenticated scope: a valid `Authorization: Bearer shk_…` key, then
 * that key's token bucket. Runs before the body is read, so an unauthenticated caller costs no
 * parsing.
 *
 * Every refusal is the same 401 whatever the reason (malformed, unknown, revoked, wrong secret):
 * the reason goes to a metrics counter only, so a caller cannot probe which key ids exist.
 *
 * @module
 */
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from '../errors.ts';
import { bearerToken } from './api-key-token.ts';
import type { AuthFailure, AuthResult } from './api-keys.ts';
import type { Role } from './roles.ts';
import type { TokenBuckets } from './token-bucket.ts';

export interface AuthenticateOptions {
  readonly keys: { authenticate(token: string): Promise<AuthResult> };
  readonly buckets: TokenBuckets;
  readonly onFailure?: (reason: AuthFailure | 'missing') => void;
  readonly onRateLimited?: (role: Role) => void;
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="shiming"' };

/** Builds the hook; it sets `request.principal` or throws `UNAUTHENTICATED` / `RATE_LIMITED`. */
export function authenticate(options: AuthenticateOptions): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      options.onFailure?.('missing');
      throw new ApiError('UNAUTHENTICATED', undefined, { headers: CHALLENGE });
    }
    const result = await options.keys.authenticate(token);
    if (!result.ok) {
      options.onFailure?.(result.reason);
      throw new ApiError('UNAUTHENTICATED', 'the API key is not valid', { headers: CHALLENGE });
    }
    const taken = options.buckets.take(result.principal.keyId);
    if (!taken.ok) {
      options.onRateLimited?.(result.principal.role);
      throw new ApiError('RATE_LIMITED', undefined, {
        headers: { 'Retry-After': String(taken.retryAfterSeconds) },
      });
    }
    request.principal = result.principal;
  };
}
