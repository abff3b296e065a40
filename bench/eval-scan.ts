/**
 * `npm run eval:scan`: accuracy of `shiming scan` on the labelled synthetic corpus.
 *
 * Generates (or reuses, keyed by seed, size and generator sources) an eval corpus under
 * `bench/out/eval-<seed>/`, runs `shiming scan <corpus>/files --format jsonl --show-values`, matches
 * findings to labels (see `lib/match.ts`) and reports precision, recall and F1 per type against the
 * targets, false positives by hard-negative kind, recall by file group, and masked examples.
 *
 * Options: --seed N (7), --size 8MB, --min-score 0.5, --jobs N (passed to the scanner; default its
 * own), --json (machine-readable), --check (exit 1 when a target is missed), --regen (regenerate the
 * corpus). Exits 0 unless the scanner crashes.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PI_TYPE_IDS } from '../src/pi/types.ts';
import {
  EVAL_MIX,
  ensureCorpus,
  generateCorpus,
  type Label,
  type Manifest,
  type Negative,
} from './corpus/index.ts';
import { PDF_LINES_PER_PAGE } from './corpus/writer.ts';
import {
  checkFlags,
  fmt,
  machine,
  maskValue,
  mdTable,
  num,
  OUT_DIR,
  parseBytes,
  parseFlags,
  REPO_DIR,
  runMain,
  str,
} from './lib/cli.ts';
import { type MatchResult, matchFindings, prf, targetFor } from './lib/match.ts';
import { run } from './lib/proc.ts';
import { type FindingRecord, relativePath, resolveScanner } from './lib/scanner.ts';

const HELP =
  'usage: npm run eval:scan -- [--seed 7] [--size 8MB] [--min-score 0.5] [--jobs N] [--json] [--check] [--regen]';

export function readJsonl<T>(path: string): T[] {
  const out: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) if (line) out.push(JSON.parse(line) as T);
  return out;
}

export function fileGroups(manifest: Manifest): (path: string) => readonly string[] {
  const groups = new Map<string, string[]>();
  for (const f of manifest.files) {
    const g = [`kind:${f.kind}`, `encoding:${f.encoding}`];
    if (f.gzip) g.push('gzip');
    if (f.eol === 'crlf') g.push('crlf');
    if (f.bom) g.push('bom');
    if (f.xlsx) g.push(f.legacy ? 'xls' : 'xlsx');
    if (f.pdf) g.push('pdf');
    groups.set(f.path, g);
  }
  return (p) => groups.get(p) ?? [];
}

/**
 * A finding on page P, line L of a PDF rendering at the printed line the corpus labelled:
 * (P − 1) × {@link PDF_LINES_PER_PAGE} + L.
 */
export function printedLine(f: FindingRecord): FindingRecord {
  const page = /^page(\d+)$/.exec(f.part ?? '');
  if (page === null || !f.path.endsWith('.pdf')) return f;
  return { ...f, line: (Number(page[1]) - 1) * PDF_LINES_PER_PAGE + f.line };
}

export interface ScanRun {
  readonly findings: FindingRecord[];
  readonly badLines: number;
  readonly code: number | null;
  readonly signal: string | null;
  readonly wallMs: number;
  readonly stderrTail: string;
  readonly how: string;
  readonly crashed: boolean;
}

/** Run the scanner on `root` and collect its JSONL findings (paths made relative to `root`). */
export async function scanForEval(root: string, minScore: number, jobs?: number): Promise<ScanRun> {
  const scanner = resolveScanner();
  const findings: FindingRecord[] = [];
  let badLines = 0;
  const res = await run({
    cmd: scanner.cmd,
    args: [
      ...scanner.prefix,
      'scan',
      root,
      '--format',
      'jsonl',
      '--show-values',
      '--min-score',
      String(minScore),
      '--no-progress',
      ...(jobs !== undefined ? ['--jobs', String(jobs)] : []),
    ],
    cwd: REPO_DIR,
    onLine: (line) => {
      if (!line.trim()) return;
      try {
        const f = JSON.parse(line) as FindingRecord;
        findings.push({ ...f, path: relativePath(root, REPO_DIR, f.path) });
      } catch {
        badLines++;
      }
    },
  });
  // 0 = done, 1 = findings (only with --fail-on-findings, not passed here), 2 = I/O problems on some
  // files (still a report). A non-zero exit with no output at all is a crash.
  const crashed =
    res.signal !== null || res.code === null || res.code > 2 || (res.code !== 0 && findings.length === 0);
  return {
    findings,
    badLines,
    code: res.code,
    signal: res.signal,
    wallMs: res.wallMs,
    stderrTail: res.stderrTail,
    how: scanner.how,
    crashed,
  };
}

interface TypeRow {
  readonly type: string;
  readonly labels: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly target: number;
  readonly pass: boolean;
  readonly fpBy: Record<string, number>;
  readonly fnExamples: { path: string; line: number; value: string }[];
  readonly fpExamples: { path: string; line: number; value: string; note?: string }[];
}

function typeRows(m: MatchResult): TypeRow[] {
  return PI_TYPE_IDS.map((t) => {
    const s = m.byType[t];
    const { p, r, f1 } = prf(s);
    const target = targetFor(t);
    return {
      type: t,
      labels: s.tp + s.fn,
      tp: s.tp,
      fp: s.fp,
      fn: s.fn,
      precision: p,
      recall: r,
      f1,
      target,
      pass: f1 >= target,
      fpBy: s.fpBy,
      fnExamples: s.fnExamples.map((e) => ({ ...e, value: maskValue(e.value) })),
      fpExamples: s.fpExamples.map((e) => ({ ...e, value: maskValue(e.value) })),
    };
  });
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), ['json', 'check', 'regen', 'help']);
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  checkFlags(flags, ['seed', 'size', 'min-score', 'jobs', 'json', 'check', 'regen', 'help']);
  const seed = num(flags, 'seed', 7);
  const size = parseBytes(str(flags, 'size', '8MB'));
  const minScore = num(flags, 'min-score', 0.5);
  const asJson = flags.json === true;
  const log = (s: string): void => {
    if (!asJson) console.log(s);
  };
  const outDir = join(OUT_DIR, `eval-${seed}`);
  mkdirSync(OUT_DIR, { recursive: true });

  process.stderr.write(`eval corpus: ${relative(REPO_DIR, outDir)} (seed ${seed}, ${fmt(size / 1e6)} MB)… `);
  const { manifest, reused } = flags.regen
    ? { manifest: generateCorpus({ outDir, seed, targetBytes: size, mix: EVAL_MIX }), reused: false }
    : ensureCorpus({ outDir, seed, targetBytes: size, mix: EVAL_MIX });
  process.stderr.write(reused ? 'reused\n' : `generated in ${fmt(manifest.elapsedMs / 1000)} s\n`);
  const labels = readJsonl<Label>(join(outDir, 'labels.jsonl'));
  const negatives = readJsonl<Negative>(join(outDir, 'negatives.jsonl'));
  const root = join(outDir, 'files');

  process.stderr.write('scanning… ');
  const jobs = flags.jobs === undefined ? undefined : num(flags, 'jobs', 1);
  const scan = await scanForEval(root, minScore, jobs);
  process.stderr.write(`${fmt(scan.wallMs / 1000)} s, ${scan.findings.length} findings\n`);
  if (scan.crashed) {
    console.error(
      `scanner failed (${scan.how}): exit ${scan.code} signal ${scan.signal}\n${scan.stderrTail}`,
    );
    return 2;
  }
  if (scan.code === 2)
    console.error(`warning: the scanner reported I/O problems:\n${scan.stderrTail.slice(-2000)}`);

  const m = matchFindings(labels, negatives, scan.findings.map(printedLine), fileGroups(manifest));
  const rows = typeRows(m);
  const micro = rows.reduce((a, r) => ({ tp: a.tp + r.tp, fp: a.fp + r.fp, fn: a.fn + r.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });
  const microPrf = prf(micro);
  const failed = rows.filter((r) => !r.pass).map((r) => r.type);

  const report = {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    corpus: {
      dir: relative(REPO_DIR, outDir),
      seed,
      bytes: manifest.totalBytes,
      files: manifest.files.length,
      labels: labels.length,
      negatives: negatives.length,
      reused,
      bytesByKind: manifest.bytesByKind,
      bytesByVariant: manifest.bytesByVariant,
    },
    scanner: {
      how: scan.how,
      minScore,
      exitCode: scan.code,
      wallSeconds: scan.wallMs / 1000,
      mbPerSecond: manifest.totalBytes / 1e6 / (scan.wallMs / 1000),
      findings: scan.findings.length,
      unparsableLines: scan.badLines,
      unknownTypes: m.unknownTypes,
    },
    overall: { ...micro, precision: microPrf.p, recall: microPrf.r, f1: microPrf.f1 },
    types: rows,
    falsePositivesByNegativeKind: Object.fromEntries(
      Object.keys(manifest.negativesByKind)
        .sort()
        .map((k) => [
          k,
          {
            inCorpus: manifest.negativesByKind[k] ?? 0,
            fp: m.fpByNegKind[k] ?? 0,
            asTypes: m.fpByNegKindType[k] ?? {},
          },
        ]),
    ),
    recallByGroup: Object.fromEntries(
      Object.entries(m.recallByGroup)
        .sort()
        .map(([g, [tp, n]]) => [g, { recall: n ? tp / n : 1, labels: n }]),
    ),
    failedTargets: failed,
  };
  writeFileSync(join(OUT_DIR, 'eval-scan.json'), `${JSON.stringify(report, null, 2)}\n`);

  if (asJson) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const mc = report.machine;
    log(`# Shiming scan accuracy\n`);
    log(
      `Corpus: \`${report.corpus.dir}\` — ${fmt(manifest.totalBytes / 1e6)} MB, ${manifest.files.length} files, ` +
        `seed ${seed}, ${labels.length} labelled values, ${negatives.length} hard negatives${reused ? ' (reused)' : ''}.`,
    );
    log(
      `Scanner: ${scan.how}, \`--min-score ${minScore}${jobs ? ` --jobs ${jobs}` : ''}\`: ${fmt(scan.wallMs / 1000)} s ` +
        `(${fmt(report.scanner.mbPerSecond)} MB/s incl. start-up), ${scan.findings.length} findings, exit ${scan.code}.`,
    );
    log(`Machine: ${mc.cpu}, ${mc.cores} cores, Node ${mc.node}.\n`);
    log(
      mdTable(
        ['type', 'labels', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1', 'target', ''],
        [
          ...rows.map((r) => [
            r.type,
            String(r.labels),
            String(r.tp),
            String(r.fp),
            String(r.fn),
            fmt(r.precision, 4),
            fmt(r.recall, 4),
            fmt(r.f1, 4),
            `≥ ${r.target}`,
            r.pass ? 'pass' : '**FAIL**',
          ]),
          [
            '**all (micro)**',
            String(micro.tp + micro.fn),
            String(micro.tp),
            String(micro.fp),
            String(micro.fn),
            fmt(microPrf.p, 4),
            fmt(microPrf.r, 4),
            fmt(microPrf.f1, 4),
            '',
            '',
          ],
        ],
        'lrrrrrrrrl',
      ),
    );
    log(`\n## False positives by hard-negative kind\n`);
    log(
      mdTable(
        ['negative kind', 'in corpus', 'FP', 'reported as'],
        Object.entries(report.falsePositivesByNegativeKind).map(([k, v]) => [
          k,
          String(v.inCorpus),
          String(v.fp),
          Object.entries(v.asTypes)
            .map(([t, n]) => `${t} ${n}`)
            .join(', ') || '–',
        ]),
        'lrrl',
      ),
    );
    const fpOther = rows.flatMap((r) =>
      Object.entries(r.fpBy)
        .filter(([k]) => !k.startsWith('neg:'))
        .map(([k, n]) => `${r.type} ${k} ${n}`),
    );
    log(
      `\nOther false positives (not on a recorded negative): ${fpOther.length ? fpOther.join('; ') : 'none'}.`,
    );
    log(`\n## Recall by file group\n`);
    log(
      mdTable(
        ['group', 'labels', 'recall'],
        Object.entries(report.recallByGroup).map(([g, v]) => [g, String(v.labels), fmt(v.recall, 4)]),
      ),
    );
    log(`\n## Examples (values masked)\n`);
    for (const r of rows) {
      if (r.fnExamples.length === 0 && r.fpExamples.length === 0) continue;
      log(`- **${r.type}**`);
      for (const e of r.fnExamples) log(`  - FN \`${e.path}:${e.line}\` ${e.value}`);
      for (const e of r.fpExamples) log(`  - FP \`${e.path}:${e.line}\` ${e.value} (${e.note ?? ''})`);
    }
    log(
      `\n${failed.length === 0 ? 'All targets met.' : `Targets missed: ${failed.join(', ')}.`} ` +
        `JSON: bench/out/eval-scan.json`,
    );
  }
  if (scan.badLines > 0) console.error(`warning: ${scan.badLines} scanner output lines were not JSON`);
  if (!existsSync(root)) return 2;
  return flags.check && failed.length > 0 ? 1 : 0;
}

if (import.meta.main) runMain(main);
