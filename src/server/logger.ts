/**
 * Logger options for Fastify's pino: no secrets and no PI in the server log.
 *
 * - Requests are logged as method, route pattern and path — never the query string, headers or
 *   body. `Authorization` and cookies are redacted anyway, should anything log headers.
 * - Bodies (requests and responses) and anything named like a secret are redacted by path.
 * - Errors are logged with their stack; our error messages never quote request values.
 *
 * @module
 */
import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config/config.ts';

/** Where log lines go (a pino destination, or any object with `write`). */
export interface LogStream {
  write(line: string): void;
}

export interface LoggerSettings {
  readonly level: LogLevel;
  /** Default: standard output. */
  readonly stream?: LogStream;
}

/** Paths pino replaces with `[redacted]`. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.body',
  'res.body',
  'body',
  'token',
  'secret',
  '*.token',
  '*.secret',
  '*.authorization',
];

/** Fastify `logger` options (redaction, serializers) for `settings`. */
export function loggerOptions(settings: LoggerSettings): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: settings.level,
    ...(settings.stream === undefined ? {} : { stream: settings.stream }),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req(request: FastifyRequest) {
        const url = request.url ?? '';
        const q = url.indexOf('?');
        return {
          method: request.method,
          route: request.routeOptions?.url,
          path: q < 0 ? url : url.slice(0, q),
          remoteAddress: request.ip,
        };
      },
    },
  };
}
