/**
 * The app's error boundary: every failure leaves as `{ error: { code, message, field? } }` with the
 * status of its code (errors.ts). Validation failures name the field; internal failures say only
 * `INTERNAL`, with the details (stack, cause) in the server log and never in the response.
 *
 * @module
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuditEntryError } from '../audit/entry.ts';
import { ApiError, errorBody } from './errors.ts';

interface ValidationItem {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** `/items/0/name` → `items[0].name`; the property named by `required` / `additionalProperties`. */
function fieldOf(item: ValidationItem): string | undefined {
  const extra = item.params?.missingProperty ?? item.params?.additionalProperty;
  const segments = (item.instancePath ?? '').split('/').filter((s) => s !== '');
  if (typeof extra === 'string') segments.push(extra);
  let field = '';
  for (const s of segments) field += /^\d+$/.test(s) ? `[${s}]` : field === '' ? s : `.${s}`;
  return field === '' ? undefined : field;
}

/** Fastify's own failures that are the caller's fault, by code. */
const FASTIFY_CODES: Readonly<Record<string, ApiError['code']>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Plain messages for Fastify's request failures that callers meet most. */
const FASTIFY_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'the request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the request body is empty; send a JSON document or no content-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the content-length header does not match the body',
};

/** The public form of any error thrown while handling a request. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof AuditEntryError) {
    // An audit entry refused what the caller supplied (e.g. a purpose that holds a phone number).
    return new ApiError(
      'INVALID_REQUEST',
      error.message,
      error.field === undefined ? {} : { field: error.field },
    );
  }
  const e = error as Partial<FastifyError> & { validation?: ValidationItem[] };
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const item = e.validation[0]!;
    const field = fieldOf(item);
    const where = e.validationContext ?? 'request';
    const message = `${where}${field === undefined ? '' : ` field "${field}"`} ${item.message ?? 'is invalid'}`;
    return new ApiError('INVALID_REQUEST', message, field === undefined ? {} : { field });
  }
  const mapped = typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
  if (mapped !== undefined) return new ApiError(mapped);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Malformed JSON, bad content length, bad URL…: said plainly for the common ones, else by
    // Fastify's code (its messages could quote the caller's input).
    const code = typeof e.code === 'string' ? e.code : undefined;
    const plain = code === undefined ? undefined : FASTIFY_MESSAGES[code];
    return new ApiError(
      'INVALID_REQUEST',
      plain ?? (code === undefined ? undefined : `invalid request (${code})`),
    );
  }
  return new ApiError('INTERNAL', undefined, { cause: error });
}

/** Installs the error and not-found handlers on the root instance. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const api = toApiError(error);
    if (api.statusCode >= 500) {
      request.log.error({ err: error, code: api.code }, 'request failed');
    } else {
      request.log.info({ code: api.code, field: api.field }, 'request refused');
    }
    void reply.status(api.statusCode).headers(api.headers).send(errorBody(api));
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send(errorBody(new ApiError('NOT_FOUND', 'no such route')));
  });
}
