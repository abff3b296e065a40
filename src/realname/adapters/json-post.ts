/**
 * The one HTTP exchange the authority adapter makes: POST a small JSON body, read a small answer.
 *
 * By default over node:http / node:https with keep-alive agents. The global `fetch` did the same
 * work at about twice the CPU (measured: about 250 µs more per call, client and server in one
 * process), which at hundreds of verifications a second was a fifth of a core; its web-streams
 * machinery buys nothing for a few hundred bytes. A caller may still hand in a `fetch` (tests do).
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';

/** An answer: status, headers by lower-case name, the body as text. */
export interface JsonAnswer {
  readonly status: number;
  header(name: string): string | null;
  readonly text: string;
}

/** POSTs `body` to `url`; rejects on network failure, abort, or an answer over `maxBytes`. */
export type JsonPost = (
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: string,
  signal: AbortSignal,
  maxBytes: number,
) => Promise<JsonAnswer>;

/** An answer longer than the caller accepts (its reading was stopped). */
export class AnswerTooLarge extends Error {}

// One pool per process: connections are reused across adapters and calls.
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** {@link JsonPost} over node:http / node:https with keep-alive. */
export const nodeJsonPost: JsonPost = (url, headers, body, signal, maxBytes) =>
  new Promise<JsonAnswer>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        signal,
      },
      (res) => {
        const length = Number(res.headers['content-length'] ?? 0);
        if (length > maxBytes) {
          res.destroy();
          reject(new AnswerTooLarge());
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new AnswerTooLarge());
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const raw = res.headers;
          resolve({
            status: res.statusCode ?? 0,
            header: (name) => {
              const v = raw[name.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
            },
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error('answer cut short'));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });

/** {@link JsonPost} through a `fetch` (the global one, or a test's). */
export function fetchJsonPost(fetchFn: typeof fetch): JsonPost {
  return async (url, headers, body, signal, maxBytes) => {
    const res = await fetchFn(url, { method: 'POST', headers, body, signal });
    if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
      await res.body?.cancel();
      throw new AnswerTooLarge();
    }
    const text = await res.text();
    if (text.length > maxBytes) throw new AnswerTooLarge();
    return { status: res.status, header: (name) => res.headers.get(name), text };
  };
}
