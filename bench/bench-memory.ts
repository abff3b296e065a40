/**
 * `npm run bench:memory`: does memory stay flat on huge inputs? Writes (1) one big multi-line file
 * made by repeating the bench corpus's text files (default 1 GB; `--size 2GB` for the issue's
 * figure) and (2) one 100 MB file that is a single line (a minified JSON array of records), then
 * scans each with `shiming scan --jobs 1 --format jsonl` and reports wall time, MB/s and peak RSS.
 *
 * Flags: `--size` (big file, default 1GB), `--line` (single line, default 100MB), `--keep`.
 *
 * @module
 */
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { mobile } from '../test/synth/contacts.ts';
import { residentId } from '../test/synth/ids.ts';
import { name } from '../test/synth/names.ts';
import { mulberry32 } from '../test/synth/rng.ts';
import { checkFlags, fmt, machine, mb, mdTable, OUT_DIR, parseBytes, parseFlags, str } from './lib/cli.ts';
import { run } from './lib/proc.ts';
import { resolveScanner } from './lib/scanner.ts';

const flags = parseFlags(process.argv.slice(2), ['keep']);
checkFlags(flags, ['size', 'line', 'keep']);
const bigBytes = parseBytes(str(flags, 'size', '1GB'));
const lineBytes = parseBytes(str(flags, 'line', '100MB'));

/** Text files of the bench corpus (plain UTF-8 ones), as the material to repeat. */
function corpusSamples(): Buffer[] {
  const root = join(OUT_DIR, 'bench-11-128mb', 'files');
  if (!existsSync(root)) throw new Error(`run \`npm run bench:scan\` once first: ${root} is missing`);
  const out: Buffer[] = [];
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || /\.gz$/.test(e.name)) continue;
    const b = readFileSync(join(e.parentPath, e.name));
    if (b.length > 0 && Buffer.from(b.toString('utf8'), 'utf8').equals(b)) out.push(b);
    if (out.length >= 12) break;
  }
  return out;
}

async function writeBig(path: string): Promise<void> {
  const samples = corpusSamples();
  const ws = createWriteStream(path);
  let written = 0;
  for (let i = 0; written < bigBytes; i++) {
    const chunk = samples[i % samples.length]!;
    if (!ws.write(chunk)) await new Promise<void>((r) => ws.once('drain', r));
    written += chunk.length;
  }
  ws.end();
  await finished(ws);
}

async function writeOneLine(path: string): Promise<void> {
  const rng = mulberry32(100);
  const ws = createWriteStream(path);
  let written = 0;
  ws.write('[');
  for (let i = 0; written < lineBytes; i++) {
    const rec = JSON.stringify({
      id: i,
      name: name(rng),
      id_card: residentId(rng),
      mobile: mobile(rng),
      note: '备注信息',
    });
    const s = (i > 0 ? ',' : '') + rec;
    if (!ws.write(s)) await new Promise<void>((r) => ws.once('drain', r));
    written += Buffer.byteLength(s);
  }
  ws.write(']');
  ws.end();
  await finished(ws);
}

const scanner = resolveScanner();
const dir = join(OUT_DIR, 'memory');
const rows: string[][] = [];
const results: unknown[] = [];
for (const [label, file, make] of [
  [`multi-line file (${fmt(mb(bigBytes), 0)} MB)`, join(dir, 'big.txt'), writeBig],
  [`single line (${fmt(mb(lineBytes), 0)} MB)`, join(dir, 'one-line.json'), writeOneLine],
] as const) {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) {
    process.stderr.write(`writing ${file}…\n`);
    await make(file);
  }
  const bytes = statSync(file).size;
  let findings = 0;
  const r = await run({
    cmd: scanner.cmd,
    args: [...scanner.prefix, 'scan', file, '--format', 'jsonl', '--jobs', '1'],
    rss: true,
    onLine: () => {
      findings++;
    },
  });
  const secs = r.wallMs / 1000;
  rows.push([
    label,
    fmt(mb(bytes) / secs),
    r.peakRssKB === undefined ? '–' : fmt(r.peakRssKB / 1024, 0),
    String(findings),
    String(r.code),
  ]);
  results.push({ label, bytes, seconds: secs, peakRssKB: r.peakRssKB, findings, code: r.code });
  if (!flags.keep) rmSync(file);
}
const m = machine();
console.log(`Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}. Scanner: ${scanner.how}.\n`);
console.log(mdTable(['input', 'MB/s', 'peak RSS (MB)', 'findings', 'exit'], rows));
writeFileSync(join(OUT_DIR, 'bench-memory.json'), `${JSON.stringify({ machine: m, results }, null, 2)}\n`);
