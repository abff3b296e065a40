/**
 * What a log uses to ask one witness for a cosignature (C2SP tlog-witness `add-checkpoint`).
 *
 * The answer is not trusted: a 200 must carry a cosignature by the configured witness key over
 * exactly the checkpoint sent, or the call fails with `BAD_COSIGNATURE`; a 409 must carry a size
 * (`text/x.tlog.size`), which the client reports so the caller can rebuild the proof from that
 * size and retry. Responses are size-capped and time-limited; every failure is a
 * {@link WitnessError}.
 *
 * @module
 */
import { parseCheckpoint } from '../checkpoint.ts';
import { cosignatureTime, cosignatureVerifier } from '../cosignature.ts';
import { VerificationError } from '../errors.ts';
import type { NoteVerifier } from '../note.types.ts';
import { formatNote, openNote, parseNote } from '../signed-note.ts';
import { MAX_TREE_SIZE } from '../tree-math.ts';
import { formatAddCheckpointBody } from './add-checkpoint-body.ts';
import { WitnessError, type WitnessErrorCode } from './witness-error.ts';

/** Options of a {@link WitnessClient}. */
export interface WitnessClientOptions {
  /** The witness's submission prefix, e.g. `https://witness.regulator.example/` (POSTs to `add-checkpoint` under it). */
  readonly url: string;
  /** The witness's vkey (type 0x04). */
  readonly verifierKey: string;
  /** Per-request timeout in ms, including reading the answer (default 10 000). */
  readonly timeoutMs?: number;
  /** The witness's last cosigned size as far as the log knows (default 0: learn it from a 409). */
  readonly knownSize?: bigint;
  /** Cap on the answer's size (default 64 KiB). */
  readonly maxResponseBytes?: number;
  /** `fetch` to use (default the global one). */
  readonly fetch?: typeof globalThis.fetch;
}

/** Outcome of {@link WitnessClient.addCheckpoint} other than a failure. */
export type AddCheckpointResult =
  /** Cosigned: the verified cosignature line(s) by the witness key, and the cosignature time. */
  | { readonly kind: 'cosigned'; readonly lines: readonly string[]; readonly time: bigint }
  /** 409: the witness's latest cosigned size differs from the old size sent. */
  | { readonly kind: 'conflict'; readonly size: bigint };

const STATUS_CODES: Record<number, WitnessErrorCode> = {
  400: 'MALFORMED_REQUEST',
  403: 'UNTRUSTED_CHECKPOINT',
  404: 'UNKNOWN_LOG',
  413: 'REQUEST_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'INCONSISTENT_PROOF',
  503: 'STATE_CONFLICT',
};
const SIZE_BODY = /^(0|[1-9][0-9]{0,19})\n$/;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A client of one witness. */
export class WitnessClient {
  readonly #endpoint: URL;
  readonly #verifier: NoteVerifier;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #fetch: typeof globalThis.fetch;
  #knownSize: bigint;

  /** @throws {@link WitnessError} `INVALID_CONFIG` for a bad URL or a vkey that is not type 0x04. */
  constructor(options: WitnessClientOptions) {
    try {
      this.#verifier = cosignatureVerifier(options.verifierKey);
      const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
      if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error('not an HTTP(S) URL');
      this.#endpoint = new URL('add-checkpoint', base);
    } catch (cause) {
      throw new WitnessError('INVALID_CONFIG', 'witness needs an http(s) URL and a 0x04 vkey', { cause });
    }
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#knownSize = options.knownSize ?? 0n;
  }

  /** The witness's name (its key name). */
  get name(): string {
    return this.#verifier.name;
  }

  /** The witness's latest cosigned size as last learnt (from a cosignature or a 409). */
  get knownSize(): bigint {
    return this.#knownSize;
  }

  /**
   * Submits `note` with a consistency proof from `oldSize`.
   *
   * @param proof - consistency proof from `oldSize` to the checkpoint's size; empty when
   *   `oldSize` is 0 or the checkpoint's size.
   * @throws {@link WitnessError}: the refusal's code (`UNKNOWN_LOG`, `UNTRUSTED_CHECKPOINT`,
   *   `INCONSISTENT_PROOF`, `MALFORMED_REQUEST`, `FORK` for a 409 about a different root…),
   *   `BAD_COSIGNATURE`, `UNEXPECTED_RESPONSE`, `TIMEOUT`, `UNAVAILABLE`, `INVALID_ARGUMENT`.
   * @example
   * ```ts
   * let r = await client.addCheckpoint(note, client.knownSize, await proofFrom(client.knownSize));
   * if (r.kind === 'conflict') r = await client.addCheckpoint(note, r.size, await proofFrom(r.size));
   * ```
   */
  async addCheckpoint(
    note: string,
    oldSize: bigint,
    proof: readonly Uint8Array[],
  ): Promise<AddCheckpointResult> {
    let text: string;
    let size: bigint;
    try {
      text = parseNote(note).text;
      size = parseCheckpoint(text).size;
    } catch (cause) {
      throw this.#error('INVALID_ARGUMENT', 'not a checkpoint note', { cause });
    }
    if (typeof oldSize !== 'bigint' || oldSize < 0n || oldSize > size) {
      throw this.#error('INVALID_ARGUMENT', 'old size must be between 0 and the checkpoint size');
    }
    const body = formatAddCheckpointBody(oldSize, proof, note);
    const answer = await this.#post(body);
    if (answer.status === 200) {
      const result = this.#verify(text, answer.body);
      this.#knownSize = size;
      return result;
    }
    if (answer.status === 409) {
      const match = answer.type === 'text/x.tlog.size' ? SIZE_BODY.exec(answer.body) : null;
      const witnessSize = match ? BigInt(match[1]!) : undefined;
      // The same size but a 409: the witness holds a different root for it (or says no size at all).
      if (witnessSize === undefined || witnessSize > MAX_TREE_SIZE || witnessSize === oldSize) {
        throw this.#error('FORK', 'the witness holds a different tree for this size', { status: 409 });
      }
      this.#knownSize = witnessSize;
      return { kind: 'conflict', size: witnessSize };
    }
    const code = STATUS_CODES[answer.status] ?? 'UNEXPECTED_RESPONSE';
    throw this.#error(code, `witness answered ${answer.status}`, { status: answer.status });
  }

  // The response lines must include a valid cosignature by the witness key on our checkpoint text.
  #verify(text: string, body: string): AddCheckpointResult {
    let lines: string[];
    let opened: ReturnType<typeof openNote>;
    try {
      if (!body.endsWith('\n')) throw new Error('no final newline');
      lines = body.slice(0, -1).split('\n');
      opened = openNote(formatNote(text, lines), [this.#verifier]);
    } catch (cause) {
      const code = cause instanceof VerificationError ? 'BAD_COSIGNATURE' : 'UNEXPECTED_RESPONSE';
      throw this.#error(code, 'the witness did not return a valid cosignature', { cause, status: 200 });
    }
    const mine = opened.verified;
    const time = cosignatureTime(mine[0]!.signature) ?? 0n;
    return { kind: 'cosigned', lines: mine.map((s) => s.line), time };
  }

  async #post(body: string): Promise<{ status: number; type: string; body: string }> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      const res = await this.#fetch(this.#endpoint, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        redirect: 'error',
        signal,
      });
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      return { status: res.status, type, body: await this.#readCapped(res) };
    } catch (cause) {
      if (cause instanceof WitnessError) throw cause;
      if (signal.aborted) throw this.#error('TIMEOUT', `no answer within ${this.#timeoutMs} ms`, { cause });
      throw this.#error('UNAVAILABLE', 'the witness cannot be reached', { cause });
    }
  }

  async #readCapped(res: Response): Promise<string> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        total += chunk.length;
        if (total > this.#maxResponseBytes) {
          // Leaving the loop cancels the stream.
          throw this.#error('UNEXPECTED_RESPONSE', 'the witness answer is too large', { status: res.status });
        }
        chunks.push(chunk);
      }
    }
    try {
      return fatalUtf8.decode(Buffer.concat(chunks, total));
    } catch (cause) {
      throw this.#error('UNEXPECTED_RESPONSE', 'the witness answer is not UTF-8', {
        cause,
        status: res.status,
      });
    }
  }

  #error(
    code: WitnessErrorCode,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ): WitnessError {
    return new WitnessError(code, `${this.name}: ${message}`, { ...options, witness: this.name });
  }
}
