/**
 * A {@link LogSource} over HTTP: the regulator's `verifyLog` reading a running server's
 * `/v1/audit/` (checkpoint, tiles, entry bundles — the C2SP tlog-tiles layout) with an auditor
 * key. Everything the server sends is untrusted: `verifyLog` checks it against the pinned log key
 * and the trusted checkpoint, and this class only bounds sizes and maps "not there" to what the
 * verifier expects (`undefined` tiles, `MISSING_ENTRY`).
 *
 * Network failures and refusals (401, 403, 5xx) throw {@link HttpSourceError}: they mean the log
 * could not be read, not that it was tampered with.
 *
 * @example
 * ```ts
 * const source = new HttpLogSource({ baseUrl: 'https://shiming.example/v1/audit/', apiKey: auditorKey });
 * const result = await verifyLog({ source, suite: hashSuite('sha256'), logKey, trusted, replay: true });
 * ```
 * @module
 */
import { parseCheckpoint } from '../../audit/checkpoint.ts';
import { parseEntryBundle } from '../../audit/entry-bundle.ts';
import { StorageError } from '../../audit/errors.ts';
import type { LogSource } from '../../audit/log/verify-log.ts';
import { parseNote } from '../../audit/signed-note.ts';
import type { TileReader } from '../../audit/tile-hash-reader.ts';
import { tileWidthAt } from '../../audit/tile-math.ts';
import { entryBundlePath, TILE_WIDTH, type TileId, tilePath } from '../../audit/tile-path.ts';

export interface HttpLogSourceOptions {
  /** The log's tlog-tiles prefix, e.g. `https://host/v1/audit/` (a missing final `/` is added). */
  readonly baseUrl: string | URL;
  /** An auditor (or admin) API key. */
  readonly apiKey?: string;
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** The server could not be read (network error, refusal, server error). */
export class HttpSourceError extends Error {
  override readonly name = 'HttpSourceError';
  /** HTTP status, or `undefined` for a network failure. */
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

const W = BigInt(TILE_WIDTH);
// Bounds on what an untrusted server may make us buffer.
const MAX_NOTE = 1 << 20;
const MAX_TILE = TILE_WIDTH * 64;
const MAX_BUNDLE = TILE_WIDTH * (2 + 0xffff);

/** Reads a log from a Shiming server (or any tlog-tiles server) over HTTP. */
export class HttpLogSource implements LogSource {
  readonly #base: URL;
  readonly #headers: Record<string, string>;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  #size: bigint | undefined;

  constructor(options: HttpLogSourceOptions) {
    const base = new URL(options.baseUrl);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#base = base;
    this.#headers = options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` };
    this.#concurrency = Math.max(1, options.concurrency ?? 8);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** `GET path`: the body, or `undefined` on 404. */
  async #get(path: string, max: number): Promise<Uint8Array | undefined> {
    let response: Response;
    try {
      response = await this.#fetch(new URL(path, this.#base), {
        headers: this.#headers,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw new HttpSourceError(`GET ${path} failed: ${(cause as Error).message}`, undefined, { cause });
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new HttpSourceError(`GET ${path} answered ${response.status}`, response.status);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > max) {
      await response.body?.cancel();
      throw new HttpSourceError(`GET ${path}: response larger than ${max} bytes`, response.status);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > max) throw new HttpSourceError(`GET ${path}: response larger than ${max} bytes`);
    return bytes;
  }

  async latestCheckpoint(): Promise<string | undefined> {
    const bytes = await this.#get('checkpoint', MAX_NOTE);
    if (bytes === undefined) return undefined;
    const note = Buffer.from(bytes).toString('utf8');
    try {
      // Only to know the widths of partial entry bundles; verifyLog checks the note itself.
      this.#size = parseCheckpoint(parseNote(note).text).size;
    } catch {
      this.#size = undefined;
    }
    return note;
  }

  readonly readTiles: TileReader = async (ids) => {
    const out: (Uint8Array | undefined)[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const id: TileId = ids[i]!;
        out[i] = await this.#get(tilePath(id), MAX_TILE);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, ids.length) }, worker));
    return out;
  };

  async readEntries(from: bigint, to: bigint): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let b = from / W; b * W < to; b++) {
      const width = this.#size === undefined ? TILE_WIDTH : tileWidthAt(0, b, this.#size);
      const bytes =
        width === 0 ? undefined : await this.#get(entryBundlePath({ index: b, width }), MAX_BUNDLE);
      if (bytes === undefined) throw new StorageError('MISSING_ENTRY', `entry bundle ${b} is not served`);
      const entries = parseEntryBundle(bytes, width);
      const start = b * W;
      for (let i = 0; i < entries.length; i++) {
        const idx = start + BigInt(i);
        if (idx >= from && idx < to) out.push(entries[i]!);
      }
    }
    return out;
  }
}
