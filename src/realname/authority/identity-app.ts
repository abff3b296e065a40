/**
 * A stand-in for the user's state identity app (国家网络身份认证 App) against the reference
 * authority: it asks `POST /v1/network-identity/authorize` for the opaque credential data
 * (`authData`) a real app would hand back to the platform's client. Tests, demos and load
 * generators use it; a production platform never calls it (the real app runs on the user's phone).
 *
 * @module
 */

/** Options of {@link requestAuthData}. */
export interface RequestAuthDataOptions {
  /** The reference authority's base URL. */
  readonly baseUrl: string;
  /** Bearer key, when the authority requires one. */
  readonly apiKey?: string;
  /** The user's network identity (网号). */
  readonly networkIdentity: string;
  /** Bind the credential to this business serial (the platform's `bizSeq`). */
  readonly bizSeq?: string;
  /** Make the user fail the in-app factor (PIN or face): verification then answers MISMATCH. */
  readonly simulate?: 'factor-mismatch';
}

/** Stable codes of {@link IdentityAppError}. */
export type IdentityAppErrorCode = 'NO_RECORD' | 'REFUSED';

export class IdentityAppError extends Error {
  override readonly name = 'IdentityAppError';
  readonly code: IdentityAppErrorCode;
  readonly status: number;
  constructor(code: IdentityAppErrorCode, status: number) {
    super(
      code === 'NO_RECORD'
        ? 'no such network identity'
        : `the authority refused the request (HTTP ${status})`,
    );
    this.code = code;
    this.status = status;
  }
}

/** Obtains single-use `authData` for a network identity. Throws {@link IdentityAppError}. */
export async function requestAuthData(
  options: RequestAuthDataOptions,
): Promise<{ authData: string; expiresAt: string }> {
  const res = await fetch(new URL('/v1/network-identity/authorize', options.baseUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
    },
    body: JSON.stringify({
      networkIdentity: options.networkIdentity,
      ...(options.bizSeq === undefined ? {} : { bizSeq: options.bizSeq }),
      ...(options.simulate === undefined ? {} : { simulate: options.simulate }),
    }),
  });
  const body = (await res.json().catch(() => undefined)) as
    | { authData?: unknown; expiresAt?: unknown }
    | undefined;
  if (res.status === 404) throw new IdentityAppError('NO_RECORD', 404);
  if (res.status !== 200 || typeof body?.authData !== 'string' || typeof body.expiresAt !== 'string')
    throw new IdentityAppError('REFUSED', res.status);
  return { authData: body.authData, expiresAt: body.expiresAt };
}
