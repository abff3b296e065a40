/**
 * The witness over HTTP (`node:http`, no framework): `POST /add-checkpoint` per C2SP tlog-witness,
 * `GET /` (the witness's name and vkey) and `GET /healthz`.
 *
 * HOSTILE INPUT: anyone who can reach the port can send anything. Bodies are capped (by
 * `Content-Length` before reading, and while streaming), compressed bodies are refused (no
 * decompression bombs), slow clients time out, and every failure becomes a response — a bad request
 * never crashes the process. The request log records method, path, status and timing, never bodies.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_ADD_CHECKPOINT_BYTES } from './add-checkpoint-body.ts';
import type { Witness, WitnessResponse } from './witness.ts';

/** One served request, for the operator's log. */
export interface WitnessRequestLog {
  readonly method: string;
  /** Only the known routes are named; anything else is logged as `(other)`. */
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** Message of an internal error (a storage failure), if there was one. */
  readonly error?: string;
}

/** Options of {@link startWitnessServer}. */
export interface WitnessServerOptions {
  readonly witness: Witness;
  /** Interface to listen on (default `127.0.0.1`; put a TLS-terminating proxy in front for others). */
  readonly host?: string;
  /** TCP port (default 7380; 0 picks a free one). */
  readonly port?: number;
  /** Cap on request bodies (default {@link MAX_ADD_CHECKPOINT_BYTES}). */
  readonly maxBodyBytes?: number;
  /** Whole-request timeout in ms (default 15 000). */
  readonly requestTimeoutMs?: number;
  readonly log?: (entry: WitnessRequestLog) => void;
}

/** A running witness server. */
export interface WitnessServer {
  /** Base URL, e.g. `http://127.0.0.1:7380` (the submission prefix). */
  readonly url: string;
  /** Stops accepting connections and closes open ones (idempotent). */
  close(): Promise<void>;
}

const ROUTES = new Set(['/', '/healthz', '/add-checkpoint']);

class HttpRefusal extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function send(res: ServerResponse, reply: WitnessResponse, close = false): void {
  res.writeHead(reply.status, {
    ...reply.headers,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(reply.body);
}

function text(status: number, body: string): WitnessResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${body}\n` };
}

// Checkpoint bodies are text; accept no type, any text/*, or octet-stream. Never decompress.
function checkEncoding(req: IncomingMessage): void {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') throw new HttpRefusal(415, 'compressed bodies are not accepted');
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && type !== '' && !type.startsWith('text/') && type !== 'application/octet-stream') {
    throw new HttpRefusal(415, 'the body must be text');
  }
}

// Event-based rather than `for await`, so exceeding the cap leaves the socket open for the 413.
function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(new HttpRefusal(413, 'body too large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= maxBytes) return void chunks.push(chunk);
      stop();
      req.pause();
      reject(new HttpRefusal(413, 'body too large'));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = () => {
      stop();
      reject(new HttpRefusal(400, 'request aborted'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Starts the witness's HTTP server.
 *
 * @example
 * ```ts
 * const server = await startWitnessServer({ witness, host: '127.0.0.1', port: 7380 });
 * process.on('SIGTERM', () => server.close());
 * ```
 */
export async function startWitnessServer(options: WitnessServerOptions): Promise<WitnessServer> {
  const { witness, log } = options;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_ADD_CHECKPOINT_BYTES;

  async function route(req: IncomingMessage, path: string): Promise<WitnessResponse> {
    if (path === '/add-checkpoint') {
      if (req.method !== 'POST') {
        return {
          ...text(405, 'use POST'),
          headers: { 'content-type': 'text/plain; charset=utf-8', allow: 'POST' },
        };
      }
      checkEncoding(req);
      return witness.addCheckpoint(await readBody(req, maxBodyBytes));
    }
    if (path === '/' || path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'use GET');
      return path === '/healthz' ? text(200, 'ok') : text(200, `${witness.name}\n${witness.verifierKey}`);
    }
    return text(404, 'not found');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let reply: WitnessResponse;
    let error: string | undefined;
    let close = false;
    req.on('error', () => undefined); // an aborted upload must not become an unhandled 'error'
    try {
      reply = await route(req, path);
    } catch (failure) {
      if (failure instanceof HttpRefusal) {
        reply = text(failure.status, failure.message);
        close = true; // the rest of the body is unread: do not reuse the connection
      } else {
        error = failure instanceof Error ? failure.message : 'unknown error';
        reply = text(500, 'internal error');
      }
    }
    if (!res.headersSent && !res.destroyed) send(res, reply, close);
    log?.({
      method: req.method ?? '',
      path: ROUTES.has(path) ? path : '(other)',
      status: reply.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(error === undefined ? {} : { error }),
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy()); // last resort: never an unhandled rejection
  });
  server.requestTimeout = options.requestTimeoutMs ?? 15_000;
  server.headersTimeout = Math.min(10_000, server.requestTimeout);
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_error, socket) => {
    // Malformed HTTP (bad headers, oversize header block): answer 400 if possible, then drop it.
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7380, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    close: () => {
      // Idempotent: a CLI's signal handler and a test's cleanup may both call it.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
