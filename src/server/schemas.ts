/**
 * TypeBox schemas shared by the route families: the error body, identifiers and the pieces every
 * route's response map repeats. Request schemas reject unknown fields (`additionalProperties:
 * false`); response schemas are what keeps undeclared fields out of the JSON.
 *
 * @module
 */
import { type TSchema, Type } from 'typebox';
import { TENANT_PATTERN } from '../config/config.ts';
import { API_ERROR_CODES } from './errors.ts';

/** `{ error: { code, message, field? } }`. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(API_ERROR_CODES, { description: 'stable machine-readable code (docs/api.md)' }),
      message: Type.String({ description: 'what rule failed; never the value sent' }),
      field: Type.Optional(Type.String({ description: 'the request field at fault' })),
    }),
  },
  { description: 'an error (see docs/api.md for the codes)' },
);

/** Adds the error body for every 4xx and 5xx status to a route's `response` map. */
export function withErrors<R extends Record<number, unknown>>(
  responses: R,
): R & { '4xx': typeof ErrorResponse; '5xx': typeof ErrorResponse } {
  return { ...responses, '4xx': ErrorResponse, '5xx': ErrorResponse };
}

/** A response that is text, not JSON (a signed note, the vkey). */
export function textResponse(description: string): {
  description: string;
  content: Record<string, { schema: TSchema }>;
} {
  return { description, content: { 'text/plain': { schema: Type.String() } } };
}

/** A binary response (tiles, entry bundles). */
export function binaryResponse(description: string): {
  description: string;
  content: Record<string, { schema: TSchema }>;
} {
  return {
    description,
    content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } },
  };
}

/** The request schema of a route that takes no input: any query parameter is refused. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

/** A tenant id. */
export const Tenant = Type.String({
  pattern: TENANT_PATTERN.source,
  description: 'tenant id: lower-case letters, digits and "-", starting with a letter',
});

/** An API key id as shown in lists and audit entries. */
export const KeyId = Type.String({ pattern: '^key_[A-Za-z0-9]{16}$', description: 'API key id (key_…)' });

/**
 * Why the caller asks: mandatory on every lookup by value, written to the audit log. The audit
 * log refuses a purpose that looks like a phone, ID or card number.
 */
export const Purpose = Type.String({
  pattern: '^[a-z][a-z0-9._-]{0,63}$',
  description: 'purpose of the request (e.g. fraud-investigation), recorded in the audit log',
});

/** A non-negative 64-bit integer written in decimal (JSON numbers lose precision above 2^53). */
export const Uint64 = Type.String({ pattern: '^(0|[1-9][0-9]{0,19})$', description: 'decimal integer ≥ 0' });

/** An audit identifier (`hmac-sha256:<hex>` or `hmac-sm3:<hex>`). */
export const AuditIdentifier = Type.String({
  pattern: '^hmac-(sha256|sm3):[0-9a-f]{64}$',
  description: 'audit identifier: the keyed HMAC of a value',
});
