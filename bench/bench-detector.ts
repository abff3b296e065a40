/**
 * `npx node bench/bench-detector.ts`: throughput (MB/s, one core) of the byte detector on a fixed
 * list of files from the generated throughput corpus, best of N, to track detector speed-ups.
 *
 * Columns: `none` = no types enabled (pure lexing and cue tracking), `all` = every type with the
 * buffer treated as plain text (`scanBuffer(bytes, {})`), `all+fmt` = every type with the format
 * the CLI would use for the file's extension (CSV header, JSON keys, SQL columns).
 *
 * The corpus is built by `npm run bench:scan -- --skip-peers --skip-accuracy --repeats 1`.
 * Options: --repeats 3, --dir bench/out/bench-11-128mb/files, --file <relative paths, comma-separated>,
 * --cpu (time the main thread's CPU instead of the wall clock: steadier on a busy machine), --json.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFromName } from '../src/scan/io/sniff.ts';
import { scanBuffer } from '../src/scan/stream.ts';
import type { ScanOptions } from '../src/scan/types.ts';
import { checkFlags, num, OUT_DIR, parseFlags, str } from './lib/cli.ts';

const FILES = [
  'chat/QQ消息记录_6.txt',
  'chat/wechat_export_3.txt',
  'logs/gateway-10.jsonl',
  'db/crm_dump_7.sql',
  'netlog/access-1.log',
  'prose/公告_1.txt',
  'hr/员工信息表_2.csv',
  'orders/订单导出_3.csv',
];

interface Row {
  file: string;
  bytes: number;
  none: number;
  all: number;
  allFormat: number;
  findings: number;
}

/** Best MB/s over `repeats` runs (decimal MB, as the corpus sizes are). */
function measure(
  bytes: Buffer,
  options: ScanOptions,
  repeats: number,
  cpu: boolean,
): { mbs: number; findings: number } {
  let best = Number.POSITIVE_INFINITY;
  let findings = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = cpu ? process.threadCpuUsage() : undefined;
    findings = scanBuffer(bytes, options).length;
    let ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (c0) {
      const c = process.threadCpuUsage(c0);
      ms = (c.user + c.system) / 1000;
    }
    if (ms < best) best = ms;
  }
  return { mbs: bytes.length / 1e6 / (best / 1000), findings };
}

function main(): void {
  const flags = parseFlags(process.argv.slice(2), ['json', 'cpu']);
  checkFlags(flags, ['repeats', 'dir', 'file', 'json', 'cpu']);
  const cpu = flags.cpu === true;
  const repeats = num(flags, 'repeats', 3);
  const dir = str(flags, 'dir', join(OUT_DIR, 'bench-11-128mb', 'files'));
  const files = typeof flags.file === 'string' ? flags.file.split(',') : FILES;
  if (!existsSync(dir)) {
    console.error(`${dir} is missing: npm run bench:scan -- --skip-peers --skip-accuracy --repeats 1`);
    process.exit(2);
  }
  const rows: Row[] = [];
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    const format = formatFromName(file) ?? 'text';
    // Warm-up on a prefix so the first measured run is not the one that compiles everything.
    scanBuffer(bytes.subarray(0, Math.min(bytes.length, 1 << 18)), {});
    const none = measure(bytes, { types: [] }, repeats, cpu);
    const all = measure(bytes, {}, repeats, cpu);
    const allFormat = format === 'text' ? all : measure(bytes, { format }, repeats, cpu);
    rows.push({
      file,
      bytes: bytes.length,
      none: none.mbs,
      all: all.mbs,
      allFormat: allFormat.mbs,
      findings: allFormat.findings,
    });
  }
  if (flags.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  // Pad to a display width: CJK characters take two columns.
  const width = (s: string) => [...s].reduce((w, ch) => w + (ch.codePointAt(0)! >= 0x1100 ? 2 : 1), 0);
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
  console.log(
    `${pad('file', 30)} ${'MB'.padStart(6)} ${'none'.padStart(8)} ${'all'.padStart(8)} ${'all+fmt'.padStart(8)}`,
  );
  for (const r of rows) {
    console.log(
      `${pad(r.file, 30)} ${(r.bytes / 1e6).toFixed(2).padStart(6)} ${r.none.toFixed(1).padStart(8)} ${r.all.toFixed(1).padStart(8)} ${r.allFormat.toFixed(1).padStart(8)}`,
    );
  }
  console.log(
    `MB/s, best of ${repeats}, one core, ${cpu ? 'main-thread CPU time' : 'wall clock'} (${process.version})`,
  );
}

main();
