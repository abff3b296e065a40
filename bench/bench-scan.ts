/**
 * `npm run bench:scan`: throughput and memory of `shiming scan` on a ≥ 100 MB generated corpus,
 * with ripgrep as the hardware reference and openredaction / redact-pii as peers, in one run; then a
 * small accuracy comparison with the peers on the labelled eval corpus.
 *
 * Options: --size 128MB, --seed 11, --repeats 3, --jobs <cores>, --peer-prefix 5MB,
 * --peer-max-seconds 60, --accuracy-size 2MB, --skip-peers, --skip-rg, --skip-accuracy, --json.
 * Writes `bench/out/bench-scan.json` and prints a markdown report for docs/benchmarks.md.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { EVAL_MIX, ensureCorpus, type Label, type Manifest, THROUGHPUT_MIX } from './corpus/index.ts';
import { scanForEval } from './eval-scan.ts';
import {
  BENCH_DIR,
  checkFlags,
  fmt,
  machine,
  mdTable,
  median,
  num,
  OUT_DIR,
  parseBytes,
  parseFlags,
  REPO_DIR,
  runMain,
  str,
} from './lib/cli.ts';
import { normaliseFor, valueMatches } from './lib/match.ts';
import { run } from './lib/proc.ts';
import { resolveScanner } from './lib/scanner.ts';
import { PEERS, type PeerName, type Span } from './peer-runner.ts';

/** Mobile or 18-character resident ID, bounded by non-digits (the ripgrep reference pattern). */
export const RG_PATTERN = '(?:^|[^0-9])(1[3-9][0-9]{9}|[1-9][0-9]{16}[0-9Xx])(?:[^0-9]|$)';

interface Measure {
  readonly tool: string;
  readonly what: string;
  readonly mode: 'single' | 'all';
  readonly threads: number;
  /** Bytes the tool processed per run. */
  readonly bytes: number;
  readonly runsMBps: number[];
  readonly bestMBps: number;
  readonly medianMBps: number;
  /** Peak RSS in MB (max over runs; for several processes, their sum). */
  readonly peakRssMB: number | undefined;
  readonly output: string;
  readonly note?: string;
}

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

function summarise(
  tool: string,
  what: string,
  mode: 'single' | 'all',
  threads: number,
  bytes: number,
  runs: { mbps: number; rssKB: number | undefined }[],
  output: string,
  note?: string,
): Measure {
  const mbps = runs.map((r) => r.mbps);
  const rss = runs.map((r) => r.rssKB).filter((x): x is number => x !== undefined);
  return {
    tool,
    what,
    mode,
    threads,
    bytes,
    runsMBps: mbps,
    bestMBps: Math.max(...mbps),
    medianMBps: median(mbps),
    peakRssMB: rss.length ? Math.max(...rss) / 1024 : undefined,
    output,
    ...(note ? { note } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Shiming

async function benchShiming(root: string, bytes: number, jobs: number, repeats: number): Promise<Measure> {
  const scanner = resolveScanner();
  const outFile = join(OUT_DIR, `bench-findings-j${jobs}.jsonl`);
  const runs: { mbps: number; rssKB: number | undefined }[] = [];
  let findings = 0;
  for (let i = 0; i < repeats; i++) {
    const r = await run({
      cmd: scanner.cmd,
      args: [...scanner.prefix, 'scan', root, '--format', 'jsonl', '--jobs', String(jobs), '--no-progress'],
      cwd: REPO_DIR,
      stdoutFile: outFile,
      rss: true,
    });
    if (r.signal !== null || r.code === null || r.code > 2 || (r.code !== 0 && r.code !== 2)) {
      throw new Error(
        `shiming scan --jobs ${jobs} failed: exit ${r.code} ${r.signal ?? ''}\n${r.stderrTail}`,
      );
    }
    findings = countLines(outFile);
    runs.push({ mbps: bytes / 1e6 / (r.wallMs / 1000), rssKB: r.peakRssKB });
    log(
      `  shiming --jobs ${jobs} run ${i + 1}: ${fmt(r.wallMs / 1000, 2)} s, ${fmt(runs.at(-1)!.mbps)} MB/s`,
    );
  }
  rmSync(outFile, { force: true });
  return summarise(
    'shiming scan',
    `all files (${scanner.how})`,
    jobs === 1 ? 'single' : 'all',
    jobs,
    bytes,
    runs,
    `${findings} findings`,
  );
}

function countLines(path: string): number {
  const buf = readFileSync(path);
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// ripgrep

function rgVersion(): string | undefined {
  const r = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

async function benchRg(root: string, bytes: number, threads: number, repeats: number): Promise<Measure> {
  const runs: { mbps: number; rssKB: number | undefined }[] = [];
  let matches = 0;
  for (let i = 0; i < repeats; i++) {
    let out = '';
    const r = await run({
      cmd: 'rg',
      args: [
        '--no-ignore',
        '--hidden',
        '-z',
        '-c',
        '--no-messages',
        '-j',
        String(threads),
        '-e',
        RG_PATTERN,
        root,
      ],
      onLine: (l) => {
        out += `${l}\n`;
      },
      rss: true,
    });
    if (r.code !== 0 && r.code !== 1) throw new Error(`rg failed: exit ${r.code}\n${r.stderrTail}`);
    matches = out
      .split('\n')
      .filter(Boolean)
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(':') + 1)), 0);
    runs.push({ mbps: bytes / 1e6 / (r.wallMs / 1000), rssKB: r.peakRssKB });
    log(`  rg -j${threads} run ${i + 1}: ${fmt(r.wallMs / 1000, 2)} s`);
  }
  return summarise(
    'ripgrep',
    'all files (-z for gzip; GBK searched as bytes)',
    threads === 1 ? 'single' : 'all',
    threads,
    bytes,
    runs,
    `${matches} matching lines`,
  );
}

// ---------------------------------------------------------------------------------------------
// Peers

/** Install the peers for the benchmark (bench/peers/node_modules) if missing. */
function ensurePeers(): string | undefined {
  const dir = join(BENCH_DIR, 'peers');
  if (
    existsSync(join(dir, 'node_modules/openredaction')) &&
    existsSync(join(dir, 'node_modules/redact-pii'))
  ) {
    return undefined;
  }
  log('installing peers into bench/peers (benchmark only)…');
  const r = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) return `npm install failed: ${(r.stderr || r.stdout || String(r.error)).slice(-500)}`;
  return undefined;
}

function peerVersion(peer: PeerName): string {
  try {
    const pkg = JSON.parse(
      readFileSync(join(BENCH_DIR, 'peers/node_modules', peer, 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return '?';
  }
}

/** Chunk size fed to each peer: openredaction slows down super-linearly on large inputs. */
const PEER_CHUNK: Readonly<Record<PeerName, number>> = { openredaction: 32_000, 'redact-pii': 1_000_000 };

interface PeerRun {
  readonly bytes: number;
  readonly ms: number;
  readonly rssKB: number | undefined;
}

async function peerThroughput(peer: PeerName, files: readonly string[], budget: number): Promise<PeerRun> {
  let out = '';
  const job = { peer, mode: 'throughput', files, budget, chunk: PEER_CHUNK[peer] };
  const r = await run({
    cmd: process.execPath,
    args: [join(BENCH_DIR, 'peer-runner.ts'), JSON.stringify(job)],
    onLine: (l) => {
      out += l;
    },
    rss: true,
  });
  if (r.code !== 0) throw new Error(`${peer} failed: exit ${r.code}\n${r.stderrTail.slice(-1500)}`);
  const res = JSON.parse(out) as { bytes: number; ms: number };
  return { bytes: res.bytes, ms: res.ms, rssKB: r.peakRssKB };
}

async function benchPeer(
  peer: PeerName,
  files: readonly string[],
  textBytes: number,
  opts: { repeats: number; jobs: number; prefix: number; maxSeconds: number },
): Promise<Measure[]> {
  // Probe on ~1 MB to decide between the whole text set and a fixed prefix.
  const probe = await peerThroughput(peer, files, 1_000_000);
  const rate = probe.bytes / probe.ms; // bytes per ms
  const projected = textBytes / rate / 1000;
  const full = projected <= opts.maxSeconds;
  const budget = full ? textBytes : Math.min(opts.prefix, textBytes);
  const note = full
    ? undefined
    : `${fmt(budget / 1e6)} MB prefix, extrapolated (whole text set projected at ${fmt(projected / 60)} min)`;
  log(`  ${peer}: probe ${fmt(rate / 1000, 2)} MB/s → ${full ? 'whole text set' : note}`);

  const single: { mbps: number; rssKB: number | undefined }[] = [];
  let bytes = 0;
  for (let i = 0; i < opts.repeats; i++) {
    const r = await peerThroughput(peer, files, budget);
    bytes = r.bytes;
    single.push({ mbps: r.bytes / 1e6 / (r.ms / 1000), rssKB: r.rssKB });
    log(`  ${peer} single run ${i + 1}: ${fmt(single.at(-1)!.mbps, 2)} MB/s`);
  }
  const what = `UTF-8 text files only (${fmt(textBytes / 1e6)} MB of the corpus), in-process time`;
  const out: Measure[] = [
    summarise(peer, what, 'single', 1, bytes, single, `${PEER_CHUNK[peer] / 1000} kB chunks`, note),
  ];

  if (opts.jobs > 1) {
    // All cores: one process per core, each on its own share of the files and budget.
    const groups: string[][] = Array.from({ length: opts.jobs }, () => []);
    files.forEach((f, i) => {
      groups[i % opts.jobs]!.push(f);
    });
    const all: { mbps: number; rssKB: number | undefined }[] = [];
    let allBytes = 0;
    for (let i = 0; i < opts.repeats; i++) {
      const rs = await Promise.all(groups.map((g) => peerThroughput(peer, g, budget / opts.jobs)));
      allBytes = rs.reduce((s, r) => s + r.bytes, 0);
      const wallMs = Math.max(...rs.map((r) => r.ms));
      const rss = rs.every((r) => r.rssKB !== undefined) ? rs.reduce((s, r) => s + r.rssKB!, 0) : undefined;
      all.push({ mbps: allBytes / 1e6 / (wallMs / 1000), rssKB: rss });
      log(`  ${peer} ${opts.jobs} processes run ${i + 1}: ${fmt(all.at(-1)!.mbps, 2)} MB/s`);
    }
    out.push(
      summarise(peer, what, 'all', opts.jobs, allBytes, all, `${opts.jobs} processes, RSS summed`, note),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Peer accuracy

const CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  phone: ['CN_MOBILE', 'CN_LANDLINE'],
  email: ['EMAIL'],
  'bank card': ['CN_BANK_CARD'],
  ip: ['IP_ADDRESS'],
};

/** Category of a peer's detection label (openredaction types, redact-pii placeholders). */
export function peerCategory(label: string): string | undefined {
  const l = label.toUpperCase();
  if (/PHONE|MOBILE|TELEPHONE|FAX/.test(l)) return 'phone';
  if (/EMAIL/.test(l)) return 'email';
  if (/CREDIT_CARD|CARD_NUMBER|DEBIT|PAN\b/.test(l)) return 'bank card';
  if (/^IP|_IP|IPV[46]/.test(l)) return 'ip';
  return undefined;
}

function categoryOf(type: string): string | undefined {
  for (const [c, types] of Object.entries(CATEGORIES)) if (types.includes(type)) return c;
  return undefined;
}

/** A label's "intact" form: what must survive in the redacted line for the value to count as missed. */
function intactForm(type: string, value: string): string {
  if (type === 'EMAIL' || type === 'IP_ADDRESS') return value.toLowerCase();
  return normaliseFor(type, value).replace(/\D/g, '');
}

function redactedForm(type: string, line: string): string {
  if (type === 'EMAIL' || type === 'IP_ADDRESS') return line.toLowerCase();
  return normaliseFor('', line);
}

interface CatScore {
  labels: number;
  found: number;
  detections: number;
  correct: number;
}

const emptyScores = (): Record<string, CatScore> =>
  Object.fromEntries(
    Object.keys(CATEGORIES).map((c) => [c, { labels: 0, found: 0, detections: 0, correct: 0 }]),
  );

async function peerAccuracy(
  seed: number,
  size: number,
  peers: readonly PeerName[],
): Promise<{
  dir: string;
  bytes: number;
  scores: Record<string, Record<string, CatScore>>;
  errors: string[];
}> {
  const dir = join(OUT_DIR, `peer-accuracy-${seed}`);
  const { manifest } = ensureCorpus({ outDir: dir, seed, targetBytes: size, mix: EVAL_MIX });
  const root = join(dir, 'files');
  const textFiles = manifest.files.filter((f) => f.encoding === 'utf8' && !f.gzip);
  const inSet = new Set(textFiles.map((f) => f.path));
  const labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Label)
    .filter((l) => inSet.has(l.path) && categoryOf(l.type) !== undefined);
  const linesOf = new Map<string, string[]>();
  for (const f of textFiles) {
    linesOf.set(
      f.path,
      readFileSync(join(root, f.path), 'utf8')
        .replace(/^\uFEFF/, '')
        .split('\n')
        .map((l) => l.replace(/\r$/, '')),
    );
  }
  const labelsAt = new Map<string, Label[]>();
  for (const l of labels) {
    const k = `${l.path}:${l.line}`;
    labelsAt.set(k, [...(labelsAt.get(k) ?? []), l]);
  }
  const scores: Record<string, Record<string, CatScore>> = {};
  const errors: string[] = [];

  for (const peer of peers) {
    const outFile = join(OUT_DIR, `peer-accuracy-${peer}.jsonl`);
    const job = { peer, mode: 'accuracy', files: textFiles.map((f) => join(root, f.path)), out: outFile };
    const r = await run({
      cmd: process.execPath,
      args: [join(BENCH_DIR, 'peer-runner.ts'), JSON.stringify(job)],
    });
    if (r.code !== 0) {
      errors.push(`${peer}: exit ${r.code} ${r.stderrTail.slice(-300)}`);
      continue;
    }
    const result = new Map<string, { redacted: string; spans: Span[] }>();
    for (const line of readFileSync(outFile, 'utf8').split('\n')) {
      if (!line) continue;
      const o = JSON.parse(line) as { file: string; line: number; redacted: string; spans: Span[] };
      result.set(`${relative(root, o.file)}:${o.line}`, o);
    }
    rmSync(outFile, { force: true });
    const s = emptyScores();
    for (const l of labels) {
      const c = categoryOf(l.type)!;
      s[c]!.labels++;
      const res = result.get(`${l.path}:${l.line}`);
      const redacted = res?.redacted ?? linesOf.get(l.path)![l.line - 1]!;
      if (!redactedForm(l.type, redacted).includes(intactForm(l.type, l.value))) s[c]!.found++;
    }
    for (const [k, res] of result) {
      const here = labelsAt.get(k) ?? [];
      const [path, lineNo] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
      const line = linesOf.get(path)?.[lineNo - 1] ?? '';
      for (const sp of res.spans) {
        const c = peerCategory(sp.label);
        if (!c) continue;
        s[c]!.detections++;
        const hit = here.some((l) => {
          if (categoryOf(l.type) !== c) return false;
          const at = line.indexOf(l.value);
          return at >= 0 && Math.min(at + l.value.length, sp.end) - Math.max(at, sp.start) > 0;
        });
        if (hit) s[c]!.correct++;
      }
    }
    scores[peer] = s;
  }

  // Shiming on the same files, matched with the eval rule (same path, line, type and value).
  const scan = await scanForEval(root, 0.5);
  if (scan.crashed) errors.push(`shiming: exit ${scan.code} ${scan.stderrTail.slice(-300)}`);
  else {
    const s = emptyScores();
    const used = new Set<Label>();
    for (const l of labels) s[categoryOf(l.type)!]!.labels++;
    for (const f of scan.findings) {
      if (!inSet.has(f.path)) continue;
      const c = categoryOf(f.type);
      if (!c) continue;
      s[c]!.detections++;
      const hit = (labelsAt.get(`${f.path}:${f.line}`) ?? []).find(
        (l) => !used.has(l) && l.type === f.type && valueMatches(l, f),
      );
      if (hit) {
        used.add(hit);
        s[c]!.correct++;
        s[c]!.found++;
      }
    }
    scores.shiming = s;
  }
  return { dir: relative(REPO_DIR, dir), bytes: textFiles.reduce((a, f) => a + f.bytes, 0), scores, errors };
}

// ---------------------------------------------------------------------------------------------

function mixReport(m: Manifest): string {
  const pct = (n: number) => `${fmt((100 * n) / m.totalBytes)}%`;
  const kinds = Object.entries(m.bytesByKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${pct(n)}`)
    .join(', ');
  const variants = Object.entries(m.bytesByVariant)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${pct(n)}`)
    .join(', ');
  const crlf = m.files.filter((f) => f.eol === 'crlf').reduce((s, f) => s + f.bytes, 0);
  return `by kind: ${kinds}; by encoding: ${variants}; CRLF ${pct(crlf)}`;
}

async function main(): Promise<number> {
  const booleans = ['skip-peers', 'skip-rg', 'skip-accuracy', 'json', 'help'];
  const flags = parseFlags(process.argv.slice(2), booleans);
  if (flags.help) {
    console.log(
      'usage: npm run bench:scan -- [--size 128MB] [--seed 11] [--repeats 3] [--jobs N] [--peer-prefix 5MB]\n' +
        '       [--peer-max-seconds 60] [--accuracy-size 2MB] [--skip-peers] [--skip-rg] [--skip-accuracy] [--json]',
    );
    return 0;
  }
  checkFlags(flags, [
    ...booleans,
    'size',
    'seed',
    'repeats',
    'jobs',
    'peer-prefix',
    'peer-max-seconds',
    'accuracy-size',
  ]);
  const size = parseBytes(str(flags, 'size', '128MB'));
  const seed = num(flags, 'seed', 11);
  const repeats = Math.max(1, num(flags, 'repeats', 3));
  const cores = availableParallelism();
  const jobs = num(flags, 'jobs', cores);
  const peerPrefix = parseBytes(str(flags, 'peer-prefix', '5MB'));
  const peerMaxSeconds = num(flags, 'peer-max-seconds', 60);
  const accuracySize = parseBytes(str(flags, 'accuracy-size', '2MB'));
  mkdirSync(OUT_DIR, { recursive: true });
  const mach = machine();

  const outDir = join(OUT_DIR, `bench-${seed}-${Math.round(size / 1e6)}mb`);
  log(`corpus ${relative(REPO_DIR, outDir)} (${fmt(size / 1e6)} MB, throughput mix)…`);
  const { manifest, reused } = ensureCorpus({
    outDir,
    seed,
    targetBytes: size,
    mix: THROUGHPUT_MIX,
    labels: false,
    onFile: (done, target) => {
      if (process.stderr.isTTY) process.stderr.write(`\r  ${fmt((100 * done) / target, 0)}%`);
    },
  });
  if (process.stderr.isTTY && !reused) process.stderr.write('\n');
  log(`  ${reused ? 'reused' : `generated in ${fmt(manifest.elapsedMs / 1000)} s`}: ${mixReport(manifest)}`);
  const root = join(outDir, 'files');
  const bytes = manifest.totalBytes;
  const textFiles = manifest.files.filter((f) => f.encoding === 'utf8' && !f.gzip);
  const textBytes = textFiles.reduce((s, f) => s + f.bytes, 0);

  const measures: Measure[] = [];
  const notes: string[] = [];
  log('shiming…');
  measures.push(await benchShiming(root, bytes, 1, repeats));
  measures.push(await benchShiming(root, bytes, jobs, repeats));

  let rg: string | undefined;
  if (!flags['skip-rg']) {
    rg = rgVersion();
    if (!rg) notes.push('ripgrep not found (`apt-get install -y ripgrep`): skipped.');
    else {
      log(`${rg}…`);
      try {
        measures.push(await benchRg(root, bytes, 1, repeats));
        measures.push(await benchRg(root, bytes, jobs, repeats));
      } catch (e) {
        notes.push(`ripgrep failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
  }

  const peerVersions: Record<string, string> = {};
  let peersOk: PeerName[] = [];
  if (!flags['skip-peers'] || !flags['skip-accuracy']) {
    const err = ensurePeers();
    if (err) notes.push(`peers unavailable: ${err}`);
    else peersOk = [...PEERS];
  }
  for (const p of peersOk) peerVersions[p] = peerVersion(p);
  if (!flags['skip-peers']) {
    for (const peer of peersOk) {
      log(`${peer} ${peerVersions[peer]}…`);
      try {
        measures.push(
          ...(await benchPeer(
            peer,
            textFiles.map((f) => join(root, f.path)),
            textBytes,
            { repeats, jobs, prefix: peerPrefix, maxSeconds: peerMaxSeconds },
          )),
        );
      } catch (e) {
        const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
        notes.push(`${peer} failed: ${msg}`);
        log(`  ${peer} failed: ${msg}`);
      }
    }
  }

  let accuracy: Awaited<ReturnType<typeof peerAccuracy>> | undefined;
  if (!flags['skip-accuracy']) {
    log('peer accuracy…');
    try {
      accuracy = await peerAccuracy(7, accuracySize, peersOk);
      notes.push(...accuracy.errors.map((e) => `accuracy: ${e}`));
    } catch (e) {
      notes.push(`peer accuracy failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }

  // ---- report
  const base = measures.find((m) => m.tool === 'shiming scan' && m.mode === 'single')!;
  const byTool = new Map<string, { single?: Measure; all?: Measure }>();
  for (const m of measures) {
    const e = byTool.get(m.tool) ?? {};
    e[m.mode] = m;
    byTool.set(m.tool, e);
  }
  const cell = (m: Measure | undefined): string =>
    m ? `${fmt(m.bestMBps, m.bestMBps < 10 ? 2 : 1)} (${fmt(m.medianMBps, m.medianMBps < 10 ? 2 : 1)})` : '–';
  const rssCell = (e: { single?: Measure; all?: Measure }): string =>
    [e.single?.peakRssMB, e.all?.peakRssMB].map((x) => (x === undefined ? '–' : `${fmt(x, 0)}`)).join(' / ');
  const rows = [...byTool.entries()].map(([tool, e]) => {
    const label = tool.startsWith('shiming')
      ? tool
      : PEERS.includes(tool as PeerName)
        ? `${tool} ${peerVersions[tool] ?? ''}`
        : `${rg ?? 'ripgrep'} (mobile/ID regex)`;
    return [
      label,
      cell(e.single),
      cell(e.all),
      rssCell(e),
      e.single
        ? `${fmt(e.single.bestMBps / base.bestMBps, e.single.bestMBps / base.bestMBps < 0.1 ? 4 : 2)}×`
        : '–',
      [e.single?.output, e.single?.note].filter(Boolean).join('; '),
    ];
  });
  const allShiming = byTool.get('shiming scan')?.all;
  const perCore = allShiming ? allShiming.bestMBps / jobs : Number.NaN;

  const md: string[] = [];
  md.push(`## Scan throughput\n`);
  md.push(
    `Machine: ${mach.cpu}, ${mach.cores} cores (${cores} available), ${mach.memGB} GB RAM, Node ${mach.node}, ${mach.platform}. ` +
      `Run ${new Date().toISOString().slice(0, 10)}.`,
  );
  md.push(
    `Corpus: ${fmt(bytes / 1e6)} MB of content in ${manifest.files.length} files (${fmt(manifest.diskBytes / 1e6)} MB on disk), ` +
      `seed ${seed}; ${mixReport(manifest)}. UTF-8 uncompressed text files (what the peers read): ${fmt(textBytes / 1e6)} MB.`,
  );
  md.push(
    `MB = 10^6 bytes of file content (gzip counted uncompressed, GBK as stored). Best of ${repeats} runs, median in parentheses. ` +
      `"All cores" = \`--jobs ${jobs}\` for Shiming, \`-j${jobs}\` for ripgrep, ${jobs} processes for the peers. ` +
      `Shiming and ripgrep are timed wall-clock including start-up; peers by in-process time after loading.\n`,
  );
  md.push(
    mdTable(
      [
        'tool',
        'MB/s single',
        'MB/s all cores',
        'peak RSS MB (single / all)',
        'ratio vs Shiming single',
        'output / notes',
      ],
      rows,
      'lrrrrl',
    ),
  );
  md.push(
    `\nShiming per core (all cores ÷ ${jobs}): ${fmt(perCore)} MB/s; single worker: ${fmt(base.bestMBps)} MB/s ` +
      `(target ≥ 300 MB/s per core: ${base.bestMBps >= 300 ? 'met' : 'not met'}).`,
  );
  if (accuracy) {
    md.push(`\n## Peer accuracy (types the peers claim)\n`);
    md.push(
      `Corpus: \`${accuracy.dir}\`, UTF-8 uncompressed text files only (${fmt(accuracy.bytes / 1e6, 2)} MB), each line fed to the peer separately. ` +
        `**Recall**: a labelled value counts as found by a peer when its redacted line no longer contains the value intact ` +
        `(digits of phones and cards after removing spaces, hyphens and +86, full-width folded; e-mails and IPs verbatim). ` +
        `For Shiming, found = a finding with the same path, line, type and value (the eval rule). ` +
        `**Precision**: share of the tool's detections in that category that overlap a labelled value of the category ` +
        `(peer categories from their labels: PHONE_* → phone, EMAIL* → e-mail, CREDIT_CARD* → bank card, IP* → ip).\n`,
    );
    const tools = ['shiming', ...peersOk.filter((p) => accuracy!.scores[p])];
    const arow = Object.keys(CATEGORIES).map((c) => [
      c,
      String(accuracy!.scores.shiming?.[c]?.labels ?? accuracy!.scores[tools[1] ?? '']?.[c]?.labels ?? 0),
      ...tools.map((t) => {
        const s = accuracy!.scores[t]?.[c];
        if (!s) return '–';
        const r = s.labels ? s.found / s.labels : 1;
        const p = s.detections ? s.correct / s.detections : Number.NaN;
        return `${fmt(r, 3)} / ${s.detections ? fmt(p, 3) : '–'}`;
      }),
    ]);
    md.push(
      mdTable(
        ['category', 'labels', ...tools.map((t) => `${t} R / P`)],
        arow,
        'lr' + 'r'.repeat(tools.length),
      ),
    );
  }
  if (notes.length) md.push(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  const markdown = md.join('\n');

  const result = {
    generatedAt: new Date().toISOString(),
    machine: { ...mach, availableParallelism: cores },
    corpus: {
      dir: relative(REPO_DIR, outDir),
      seed,
      bytes,
      diskBytes: manifest.diskBytes,
      files: manifest.files.length,
      textBytes,
      bytesByKind: manifest.bytesByKind,
      bytesByVariant: manifest.bytesByVariant,
      reused,
    },
    repeats,
    jobs,
    ripgrep: rg ?? null,
    ripgrepPattern: RG_PATTERN,
    peers: peerVersions,
    measures,
    shimingPerCoreMBps: perCore,
    accuracy: accuracy ?? null,
    notes,
    markdown,
  };
  writeFileSync(join(OUT_DIR, 'bench-scan.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (flags.json) console.log(JSON.stringify(result, null, 2));
  else console.log(markdown);
  log(`\nJSON: ${relative(REPO_DIR, join(OUT_DIR, 'bench-scan.json'))}`);
  return 0;
}

if (import.meta.main) runMain(main);
