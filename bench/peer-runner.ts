/**
 * Runs one peer library (openredaction, redact-pii) in its own process, for `bench-scan.ts`.
 *
 * `node bench/peer-runner.ts '<json>'` with `{ peer, mode, files, budget?, chunk?, out? }`:
 * - `mode: "throughput"`: read the UTF-8 `files` in order, cut them into chunks of at most `chunk`
 *   bytes at line ends, feed chunks to the peer until `budget` bytes are done; print
 *   `{ bytes, ms, loadMs, chunks }` (ms = processing only, after the library loaded).
 * - `mode: "accuracy"`: feed each line of each file separately; write one JSON line per input line
 *   to `out`: `{ file, line, redacted, spans: [{ start, end, label }] }` (UTF-16 offsets into the
 *   original line; for redact-pii, which returns only text, spans are recovered by aligning the
 *   redacted text with the original).
 *
 * Peers are installed under `bench/peers/` only for the benchmark.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR } from './lib/cli.ts';

export type PeerName = 'openredaction' | 'redact-pii';
export const PEERS: readonly PeerName[] = ['openredaction', 'redact-pii'];

interface Job {
  readonly peer: PeerName;
  readonly mode: 'throughput' | 'accuracy';
  readonly files: readonly string[];
  readonly budget?: number;
  readonly chunk?: number;
  readonly out?: string;
}

export interface Span {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

interface Peer {
  /** Redacted text and detected spans (offsets into `text`). */
  process(text: string): Promise<{ redacted: string; spans: Span[] }>;
}

const peerRequire = createRequire(join(BENCH_DIR, 'peers/package.json'));

/** redact-pii's default placeholders (snake-cased built-in names, plus PERSON_NAME). */
const REDACT_PII_TOKENS =
  /CREDIT_CARD_NUMBER|STREET_ADDRESS|ZIPCODE|PHONE_NUMBER|IP_ADDRESS|US_SOCIAL_SECURITY_NUMBER|EMAIL_ADDRESS|USERNAME|PASSWORD|CREDENTIALS|DIGITS|URL|PERSON_NAME/g;

/**
 * Recover which parts of `original` became which placeholder in `redacted`: the literal text
 * between placeholders must appear, in order, in the original; the gaps are the redacted values.
 */
export function alignPlaceholders(original: string, redacted: string, tokens: RegExp): Span[] {
  const parts: { literal: string; token?: string }[] = [];
  let last = 0;
  for (const m of redacted.matchAll(tokens)) {
    parts.push({ literal: redacted.slice(last, m.index), token: m[0] });
    last = m.index + m[0].length;
  }
  parts.push({ literal: redacted.slice(last) });
  const spans: Span[] = [];
  let pos = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === 0) {
      if (!original.startsWith(p.literal)) return spans;
      pos = p.literal.length;
    }
    if (p.token === undefined) break;
    const next = parts[i + 1]!.literal;
    // The replaced value ends where the next literal starts (the last such place for the final part).
    const end =
      i + 1 === parts.length - 1
        ? original.length - next.length
        : next === ''
          ? pos
          : original.indexOf(next, pos + 1);
    if (end < pos) return spans;
    spans.push({ start: pos, end: Math.max(end, pos), label: p.token });
    pos = Math.max(end, pos) + next.length;
  }
  return spans;
}

async function loadPeer(name: PeerName): Promise<Peer> {
  if (name === 'openredaction') {
    const mod = (await import(pathToFileURL(peerRequire.resolve('openredaction')).href)) as {
      OpenRedaction: new (
        opts?: object,
      ) => {
        detect(text: string): Promise<{
          redacted: string;
          detections: { type: string; position: [number, number] }[];
        }>;
      };
    };
    const detector = new mod.OpenRedaction();
    return {
      async process(text) {
        const r = await detector.detect(text);
        return {
          redacted: r.redacted,
          spans: r.detections.map((d) => ({ start: d.position[0], end: d.position[1], label: d.type })),
        };
      },
    };
  }
  const mod = peerRequire('redact-pii') as { SyncRedactor: new () => { redact(text: string): string } };
  const redactor = new mod.SyncRedactor();
  return {
    async process(text) {
      const redacted = redactor.redact(text);
      return { redacted, spans: alignPlaceholders(text, redacted, REDACT_PII_TOKENS) };
    },
  };
}

function* chunks(files: readonly string[], chunk: number): Generator<string> {
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    let start = 0;
    while (start < text.length) {
      // `chunk` is in bytes; CJK text is ~3 bytes per UTF-16 unit, so cut by an estimate then at a newline.
      let end = Math.min(text.length, start + Math.max(1, Math.floor(chunk / 2)));
      if (end < text.length) {
        const nl = text.lastIndexOf('\n', end);
        end = nl > start ? nl + 1 : end;
      }
      yield text.slice(start, end);
      start = end;
    }
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const t0 = performance.now();
  const peer = await loadPeer(job.peer);
  const loadMs = performance.now() - t0;
  if (job.mode === 'throughput') {
    const budget = job.budget ?? Number.POSITIVE_INFINITY;
    let bytes = 0;
    let n = 0;
    const start = performance.now();
    for (const c of chunks(job.files, job.chunk ?? 1_000_000)) {
      await peer.process(c);
      bytes += Buffer.byteLength(c);
      n++;
      if (bytes >= budget) break;
    }
    const ms = performance.now() - start;
    process.stdout.write(`${JSON.stringify({ bytes, ms, loadMs, chunks: n })}\n`);
    return;
  }
  let out = '';
  for (const file of job.files) {
    const lines = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/\r$/, '');
      if (line === '') continue;
      const r = await peer.process(line);
      if (r.spans.length === 0 && r.redacted === line) continue;
      out += `${JSON.stringify({ file, line: i + 1, redacted: r.redacted, spans: r.spans })}\n`;
    }
  }
  writeFileSync(job.out ?? '/dev/stdout', out);
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
}
