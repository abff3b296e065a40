/**
 * Opening a file for the scan engine: one streaming pass that sniffs, gunzips, skips the
 * byte-order mark and transcodes to UTF-8, in bounded memory whatever the file's size or line
 * length.
 *
 * @module
 */

import { isAscii } from 'node:buffer';
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ScanIoError, toScanIoError } from './errors.ts';
import {
  type FileFormat,
  guessEncoding,
  innerName,
  SNIFF_BYTES,
  type SniffResult,
  scanUtf8,
  sniff,
  type TextEncodingName,
} from './sniff.ts';

/** Default size of the chunks read from disk (and the largest chunk delivered): 256 KiB. */
export const DEFAULT_HIGH_WATER_MARK = 256 * 1024;

/** Options of {@link openUtf8} and its siblings. */
export interface OpenOptions {
  /** Largest chunk read and delivered, in bytes (default {@link DEFAULT_HIGH_WATER_MARK}). */
  readonly highWaterMark?: number | undefined;
  /**
   * Stop a compressed file once this many decompressed bytes came out (a gzip bomb guard): the
   * chunk iterator then throws `TOO_LARGE`. Default: no limit.
   */
  readonly maxDecompressedBytes?: number | undefined;
}

/** A file opened for scanning. Its `chunks` are UTF-8 (or, when `invalidUtf8`, raw) bytes. */
export interface OpenedFile {
  /** `'binary'` files have no chunks: report them as skipped. Gzip is unwrapped (`compressed`). */
  readonly kind: 'text' | 'binary';
  /**
   * The source encoding the chunks were transcoded from (undefined for binary). When the first
   * 64 KiB were pure ASCII this reads `'utf-8'` until the first non-ASCII byte is reached, and may
   * then turn to `'gb18030'`: read it after the chunks are consumed for the final word.
   */
  readonly encoding: TextEncodingName | undefined;
  /** How the engine should read the text (from the name, else the content). */
  readonly format: FileFormat;
  /** Field delimiter for `'csv'` / `'tsv'`. */
  readonly delimiter: string | undefined;
  /** True when the text is not valid UTF-8 and is passed through as is (seen so far; may turn true later). */
  readonly invalidUtf8: boolean;
  /** True when the file was gzip-compressed. */
  readonly compressed: boolean;
  /**
   * The content as UTF-8 bytes, in chunks of at most `highWaterMark` bytes, split anywhere (even
   * inside a character). Iterate once. Failures mid-stream (truncated gzip, I/O error) throw a
   * {@link ScanIoError}; leaving the loop early releases the file.
   */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Bytes read from the source so far (the compressed size for gzip): for progress bars. */
  readonly bytesRead: number;
  /** Releases the file without reading it (idempotent; not needed after iterating `chunks`). */
  close(): void;
}

/** A raw byte source with a way to release it. */
interface RawSource {
  readonly chunks: AsyncIterator<Uint8Array>;
  readonly bytesRead: () => number;
  readonly close: () => void;
}

/** Leading chunks read ahead for sniffing, to be replayed. */
interface Head {
  readonly chunks: Uint8Array[];
  readonly bytes: Uint8Array;
  /** The source ended within the head. */
  readonly done: boolean;
}

function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks);
}

async function readHead(it: AsyncIterator<Uint8Array>, limit: number): Promise<Head> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < limit) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    if (r.value.length === 0) continue;
    chunks.push(r.value);
    length += r.value.length;
  }
  const bytes = concatChunks(chunks);
  return { chunks, bytes: bytes.length > limit ? bytes.subarray(0, limit) : bytes, done };
}

/** The head's chunks again, then the rest of the iterator. */
async function* replay(head: Head, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* head.chunks;
  if (head.done) return;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

async function* skipBytes(source: AsyncIterable<Uint8Array>, count: number): AsyncGenerator<Uint8Array> {
  let left = count;
  for await (const chunk of source) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}

/** Cuts `bytes` into views of at most `max` bytes (no copy). */
function* split(bytes: Uint8Array, max: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += max) yield bytes.subarray(i, Math.min(i + max, bytes.length));
}

/** Streaming transcoding: each chunk is decoded with carry-over of split characters. */
async function* transcode(
  source: AsyncIterable<Uint8Array>,
  encoding: Exclude<TextEncodingName, 'utf-8'>,
  max: number,
): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield* split(Buffer.from(text, 'utf8'), max);
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield* split(Buffer.from(tail, 'utf8'), max);
}

function firstNonAscii(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return i;
  return -1;
}

/** Mutable verdict that the ASCII-head path may revise while streaming. */
interface LiveState {
  encoding: TextEncodingName | undefined;
  invalidUtf8: boolean;
}

/**
 * For a file whose head was pure ASCII: pass ASCII through, and at the first non-ASCII byte look
 * at the next 64 KiB to decide between UTF-8 and GB18030 (identical on ASCII, so switching there
 * is seamless). A GBK export whose first Chinese name sits past 64 KiB is still transcoded.
 */
async function* settleAfterAscii(
  source: AsyncIterable<Uint8Array>,
  state: LiveState,
  max: number,
): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    const chunk = r.value;
    if (isAscii(chunk)) {
      yield chunk;
      continue;
    }
    const at = firstNonAscii(chunk);
    if (at > 0) yield chunk.subarray(0, at);
    const first = chunk.subarray(at);
    const window = await readHead(it, SNIFF_BYTES - first.length);
    const head: Head = {
      chunks: [first, ...window.chunks],
      bytes: concatChunks([first, window.bytes]),
      done: window.done,
    };
    const rest = replay(head, it);
    const guess = guessEncoding(head.bytes);
    if (guess.encoding === 'gb18030') {
      state.encoding = 'gb18030';
      yield* transcode(rest, 'gb18030', max);
    } else {
      if (scanUtf8(head.bytes).invalid > 0) state.invalidUtf8 = true;
      yield* rest;
    }
    return;
  }
}

async function* gunzip(
  source: AsyncIterable<Uint8Array>,
  path: string,
  max: number,
  limit: number,
  onClose: (close: () => void) => void,
): AsyncGenerator<Uint8Array> {
  const inflater = createGunzip({ chunkSize: Math.max(64, max) });
  onClose(() => inflater.destroy());
  // pipeline forwards source errors (already ScanIoErrors) into the inflater's iterator.
  pipeline(Readable.from(source), inflater, () => {});
  let total = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > limit) {
        throw new ScanIoError('TOO_LARGE', path, `${path}: decompressed size exceeds ${limit} bytes`);
      }
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ScanIoError) throw error;
    const detail = (error as { code?: unknown }).code;
    throw new ScanIoError(
      'DECOMPRESS_ERROR',
      path,
      `${path}: gzip data is corrupt or truncated${typeof detail === 'string' ? ` (${detail})` : ''}`,
      { cause: error },
    );
  }
}

/** Converts whatever escapes the pipeline into a ScanIoError naming the file. */
async function* guarded(
  source: AsyncIterable<Uint8Array>,
  path: string,
  release: () => void,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of source) yield chunk;
  } catch (error) {
    throw toScanIoError(error, path, 'read');
  } finally {
    release();
  }
}

async function* nothing(): AsyncGenerator<Uint8Array> {}

/** The shared core: sniff, unwrap, skip the BOM, transcode. */
async function openSource(source: RawSource, path: string, options: OpenOptions): Promise<OpenedFile> {
  const max = Math.max(1, Math.floor(options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK));
  const limit = options.maxDecompressedBytes ?? Number.POSITIVE_INFINITY;
  const closers: (() => void)[] = [source.close];
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const c of closers) c();
  };

  try {
    let head = await readHead(source.chunks, SNIFF_BYTES);
    let verdict: SniffResult = sniff(head.bytes, path);
    let stream: AsyncIterable<Uint8Array> = replay(head, source.chunks);
    let compressed = false;
    if (verdict.kind === 'gzip') {
      compressed = true;
      const inflated = gunzip(stream, path, max, limit, (c) => closers.push(c));
      head = await readHead(inflated, SNIFF_BYTES);
      verdict = sniff(head.bytes, innerName(path));
      // A gzip inside a gzip is not unwrapped twice.
      if (verdict.kind === 'gzip') verdict = { kind: 'binary', bom: 0, format: 'text' };
      stream = replay(head, inflated);
    }

    const state: LiveState = { encoding: verdict.encoding, invalidUtf8: verdict.invalidUtf8 === true };
    let chunks: AsyncIterable<Uint8Array>;
    if (verdict.kind !== 'text' || verdict.encoding === undefined) {
      close();
      chunks = nothing();
    } else {
      if (verdict.bom > 0) stream = skipBytes(stream, verdict.bom);
      if (verdict.encoding !== 'utf-8') stream = transcode(stream, verdict.encoding, max);
      else if (verdict.asciiOnly && !head.done) stream = settleAfterAscii(stream, state, max);
      chunks = guarded(stream, path, close);
    }
    const kind = verdict.kind === 'text' ? 'text' : 'binary';
    const { format } = verdict;
    const delimiter = verdict.delimiter;
    return {
      kind,
      get encoding() {
        return state.encoding;
      },
      format,
      delimiter,
      get invalidUtf8() {
        return state.invalidUtf8;
      },
      compressed,
      chunks,
      get bytesRead() {
        return source.bytesRead();
      },
      close,
    };
  } catch (error) {
    close();
    throw toScanIoError(error, path, 'read');
  }
}

/**
 * Opens a file for scanning: sniffs it (text, binary or gzip; encoding; format), and returns its
 * content as a stream of UTF-8 chunks. Memory stays bounded by about 64 KiB plus two chunks,
 * whatever the file's size or line length.
 *
 * @param path - the file to read (a FIFO or device works too: the file is read once, in order).
 * @throws {ScanIoError} `NOT_FOUND`, `PERMISSION`, `IS_DIRECTORY`, `READ_ERROR`, or
 *   `DECOMPRESS_ERROR` when the head of a gzip file cannot be inflated.
 */
export async function openUtf8(path: string, options: OpenOptions = {}): Promise<OpenedFile> {
  const highWaterMark = Math.max(1, Math.floor(options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK));
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw toScanIoError(error, path, 'open');
  }
  // autoClose (the default) closes the handle when the stream ends or is destroyed.
  const stream = handle.createReadStream({ highWaterMark });
  let bytes = 0;
  async function* read(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        yield chunk;
      }
    } catch (error) {
      throw toScanIoError(error, path, 'read');
    }
  }
  return openSource({ chunks: read(), bytesRead: () => bytes, close: () => stream.destroy() }, path, options);
}

/**
 * Like {@link openUtf8}, for bytes already in memory (the library's `scanBuffer`).
 *
 * @param nameHint - a file name whose extension hints the format (`x.csv`, `x.jsonl.gz`).
 */
export function openUtf8FromBytes(
  bytes: Uint8Array,
  nameHint = '',
  options: OpenOptions = {},
): Promise<OpenedFile> {
  const max = Math.max(1, Math.floor(options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK));
  let offset = 0;
  async function* read(): AsyncGenerator<Uint8Array> {
    while (offset < bytes.length) {
      const end = Math.min(offset + max, bytes.length);
      const chunk = bytes.subarray(offset, end);
      offset = end;
      yield chunk;
    }
  }
  return openSource({ chunks: read(), bytesRead: () => offset, close: () => {} }, nameHint, options);
}

/**
 * Like {@link openUtf8}, for any byte stream (standard input, an HTTP body): read once, in order.
 *
 * @param nameHint - a file name whose extension hints the format.
 */
export function openUtf8FromStream(
  source: AsyncIterable<Uint8Array>,
  nameHint = '',
  options: OpenOptions = {},
): Promise<OpenedFile> {
  const max = Math.max(1, Math.floor(options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK));
  const it = source[Symbol.asyncIterator]();
  let bytes = 0;
  async function* read(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      bytes += r.value.length;
      yield* split(r.value, max);
    }
  }
  return openSource(
    {
      chunks: read(),
      bytesRead: () => bytes,
      close: () => {
        // The source may reject on return; closing is best effort.
        Promise.resolve(it.return?.()).catch(() => {});
      },
    },
    nameHint,
    options,
  );
}
