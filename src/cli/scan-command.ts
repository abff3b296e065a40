/**
 * `shiming scan PATH...`: argument checks, the report, the progress bar, the exit code.
 * No detection rules here (they live in src/scan and src/pi).
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { isPiTypeId } from '../pi/catalogue.ts';
import { PI_TYPE_IDS, type PiTypeId } from '../pi/types.ts';
import { csvReporter } from '../scan/report/csv.ts';
import { jsonlReporter } from '../scan/report/jsonl.ts';
import { Output, type Reporter } from '../scan/report/reporter.ts';
import { sarifReporter } from '../scan/report/sarif.ts';
import { summaryReporter } from '../scan/report/summary.ts';
import { scanPaths } from '../scan/scan-paths.ts';

export const FORMATS = ['summary', 'jsonl', 'sarif', 'csv'] as const;
type Format = (typeof FORMATS)[number];

/** Problems that mean "could not read what you asked for" (exit 2), as opposed to deliberate skips. */
const IO_ERRORS = new Set(['NOT_FOUND', 'PERMISSION', 'READ_ERROR', 'DECOMPRESS_ERROR', 'IS_DIRECTORY']);

export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
}

function parseTypes(value: string): PiTypeId[] {
  const ids = value
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
  for (const id of ids) {
    if (!isPiTypeId(id))
      throw new InvalidArgumentError(`unknown type "${id}"; known: ${PI_TYPE_IDS.join(', ')}`);
  }
  if (ids.length === 0) throw new InvalidArgumentError('no type given');
  return ids as PiTypeId[];
}

function parseScore(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError('expected a number between 0 and 1');
  }
  return n;
}

function parseJobs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new InvalidArgumentError('expected an integer from 1 to 256');
  return n;
}

/** `10M`, `2G`, `512k`, `1048576` → bytes. */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a size like 512k, 100M or 2G');
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k'];
  return Math.floor(Number(m[1]) * mult);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface ScanFlags {
  format: Format;
  types?: PiTypeId[];
  minScore: number;
  showValues: boolean;
  failOnFindings: boolean;
  exclude: string[];
  gitignore: boolean;
  jobs?: number;
  maxFileSize?: number;
  explain: boolean;
  output?: string;
  progress: boolean;
}

export function scanCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command('scan')
    .description(
      'find Chinese personal information in files and folders (text, CSV, JSON/JSONL, SQL dumps, gzip)',
    )
    .argument('<paths...>', 'files or folders to scan')
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('summary'))
    .option('-t, --types <ids>', `only these types, comma-separated (${PI_TYPE_IDS.join(', ')})`, parseTypes)
    .option('--min-score <score>', 'drop findings scoring below this (0..1)', parseScore, 0.5)
    .option('--show-values', 'include raw values in the report (off: masked only)', false)
    .option('--fail-on-findings', 'exit 1 when anything is found', false)
    .option('-e, --exclude <pattern>', 'gitignore-style pattern to skip (repeatable)', collect, [])
    .option(
      '--gitignore',
      'also skip files that .gitignore files in the tree ignore (off: PI hides in ignored .env files and dumps)',
      false,
    )
    .option('-j, --jobs <n>', 'worker threads (default: number of cores)', parseJobs)
    .option('--max-file-size <size>', 'skip files larger than this (e.g. 500M)', parseSize)
    .option('--explain', 'add to each finding why it scored what it did', false)
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--no-progress', 'never show the progress bar')
    .addHelpText(
      'after',
      `
Exit codes: 0 done, 1 findings with --fail-on-findings, 2 usage or I/O error.
Columns are 1-based and count Unicode code points.

Examples:
  shiming scan ./exports
  shiming scan dump.sql.gz --format jsonl --types CN_RESIDENT_ID,CN_MOBILE
  shiming scan . --exclude node_modules --format sarif -o pi.sarif --fail-on-findings`,
    )
    .action(async (paths: string[], flags: ScanFlags) => {
      setExit(await runScan(paths, flags, io));
    });
}

async function runScan(paths: string[], flags: ScanFlags, io: CliIo): Promise<number> {
  const started = performance.now();
  let stream: Writable & { isTTY?: boolean } = io.stdout;
  if (flags.output !== undefined) {
    const file = createWriteStream(flags.output);
    const ok = await new Promise<boolean>((resolve) => {
      file.once('open', () => resolve(true));
      file.once('error', () => resolve(false));
    });
    if (!ok) {
      io.stderr.write(`shiming: cannot write the report to ${flags.output}\n`);
      return 2;
    }
    stream = file;
  }
  const out = new Output(stream);
  const types = flags.types ?? [...PI_TYPE_IDS];
  const reporter: Reporter =
    flags.format === 'jsonl'
      ? jsonlReporter(out)
      : flags.format === 'csv'
        ? csvReporter(out, flags.showValues)
        : flags.format === 'sarif'
          ? sarifReporter(out, types)
          : summaryReporter(out, { colour: stream.isTTY === true && !process.env.NO_COLOR });

  const showBar = flags.progress && io.stderr.isTTY === true;
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          stream: io.stderr,
          format:
            'scanning {bar} {percentage}% | {mib}/{totalMib} MiB | {files}/{totalFiles} files | {speed} MiB/s',
          hideCursor: true,
          clearOnComplete: true,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;

  let files = 0;
  let skipped = 0;
  let bytes = 0;
  let findings = 0;
  let problems = 0;
  let ioErrors = 0;
  let totalFiles = 0;
  const payload = (done: number) => {
    const secs = (performance.now() - started) / 1000;
    return {
      mib: (done / (1 << 20)).toFixed(1),
      files,
      totalFiles,
      speed: secs > 0 ? (done / (1 << 20) / secs).toFixed(1) : '0',
    };
  };

  for await (const ev of scanPaths(paths, {
    types,
    minScore: flags.minScore,
    showValues: flags.showValues,
    explain: flags.explain,
    exclude: flags.exclude,
    respectGitignore: flags.gitignore,
    ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
    ...(flags.maxFileSize !== undefined ? { maxFileSize: flags.maxFileSize } : {}),
    ...(reporter.render && reporter.rendered ? { render: reporter.render } : {}),
  })) {
    switch (ev.kind) {
      case 'plan':
        totalFiles = ev.files;
        bar?.start(Math.max(1, ev.bytes), 0, { ...payload(0), totalMib: (ev.bytes / (1 << 20)).toFixed(1) });
        break;
      case 'findings':
        findings += ev.findings.length;
        await reporter.findings(ev.findings);
        break;
      case 'rendered':
        findings += ev.count;
        await reporter.rendered!(ev.bytes);
        break;
      case 'file':
        files++;
        bytes += ev.summary.bytes;
        if (ev.summary.skipped) skipped++;
        await reporter.file(ev.summary);
        bar?.update(bytes, payload(bytes));
        break;
      case 'progress':
        bar?.update(ev.bytes, payload(ev.bytes));
        break;
      case 'problem':
        problems++;
        if (IO_ERRORS.has(ev.code)) ioErrors++;
        if (flags.format !== 'summary' || stream !== io.stdout) {
          bar?.stop();
          io.stderr.write(`shiming: ${ev.message}\n`);
        }
        await reporter.problem(ev);
        break;
    }
    // The reader went away or the report cannot be written: stop scanning (workers are closed).
    if (out.closed) break;
  }
  bar?.stop();
  await reporter.end({
    files,
    skipped,
    problems,
    bytes,
    findings,
    seconds: (performance.now() - started) / 1000,
  });
  if (stream !== io.stdout) {
    if (out.closed) stream.destroy();
    else await new Promise<void>((resolve) => stream.end(resolve));
  }
  if (out.failure !== undefined) {
    io.stderr.write(`shiming: cannot write the report (${out.failure.code ?? 'write error'})\n`);
    return 2;
  }
  if (ioErrors > 0) return 2;
  return flags.failOnFindings && findings > 0 ? 1 : 0;
}
