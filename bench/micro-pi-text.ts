/**
 * `npx node bench/micro-pi-text.ts`: throughput (chars/s) of the free-text matchers `findAddresses`
 * and `findNames` on five kinds of scanner window, for the working tree and a baseline.
 *
 * The baseline is the same modules at a git revision (`--baseline HEAD` by default; `1a05686` is
 * the last one before the matchers were made fast; `--baseline none` to skip), extracted to a
 * temporary directory with `git show`. Both versions run on the same deterministic inputs
 * (mulberry32, `--seed 7`). Each measurement runs in its own process (the versions share neither
 * heap nor JIT feedback) and keeps the best of 7 rounds of CPU time after a warm-up; `--repeat`
 * processes per measurement, taken in turn, keep the best again. The results are compared span for
 * span: a speed-up that changes a finding is a bug, and the table says so.
 *
 * Options: --seed 7, --lines 2000 (per kind), --ms 1000 (time per measurement), --repeat 3,
 * --baseline HEAD|<rev>|none, --only findAddresses|findNames.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bankCard, mobile } from '../test/synth/contacts.ts';
import { address, name, nonAddressPhrase, nonNameLine } from '../test/synth/names.ts';
import { digits, int, mulberry32, pick, type Rng } from '../test/synth/rng.ts';

const utf8 = new TextDecoder();
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Matchers {
  readonly findAddresses: (text: string) => readonly { start: number; end: number; score: number }[];
  readonly findNames: (text: string) => readonly { start: number; end: number; score: number }[];
}

// --- inputs ------------------------------------------------------------------------------------

/** Prose without any address or name trigger character (no 省市区县…路号, no cue words, no titles). */
const PLAIN = [
  '今天下午的会议讨论了新版本的发布计划',
  '大家一致认为需要进一步优化性能',
  '这个功能上线以后用户反馈非常积极',
  '请在本周五之前提交测试报告',
  '数据显示第三季度的增长超出预期',
  '我们将继续关注相关进展并及时通报',
  '项目组对接口文档做了若干修改',
  '经过讨论决定推迟到下个月再议',
];

/** Prose with structure characters in ordinary words, and no address. */
const STRUCTURE = [
  '这个型号的路由器在区域市场很好卖，号称第一',
  '道路施工期间请市民绕行，县里已经发了通知',
  '他在市场部工作，负责区域销售和渠道管理',
  '这条街道两旁种满了树，村里的老人常在这里散步',
  '账号信号都没问题，就是路由器的指示灯一直在闪',
  '上市公司的年报显示，城市更新项目贡献了三成收入',
];

function csvLine(rng: Rng, k: number): string {
  const date = `20${int(rng, 10, 24)}-0${int(rng, 1, 9)}-${int(rng, 10, 28)}`;
  return `${k},${name(rng)},${mobile(rng, { format: 'plain' })},${address(rng)},${bankCard(rng, { grouped: false })},${date}`;
}

function chatLine(rng: Rng): string {
  const templates = [
    () => `收件人：${name(rng)}，电话${mobile(rng, { format: 'plain' })}，地址：${address(rng)}`,
    () => `[${int(rng, 10, 23)}:${int(rng, 10, 59)}] ${name(rng)}: 麻烦寄到${address(rng)}，谢谢`,
    () => `${name(rng)}女士您好，您的快递已送至${address(rng)}，请查收`,
    () => `联系人${name(rng)}，手机${mobile(rng, { format: 'plain' })}，住在${address(rng)}`,
  ];
  return pick(rng, templates)();
}

function structureLine(rng: Rng): string {
  const r = rng();
  if (r < 0.4) return pick(rng, STRUCTURE);
  if (r < 0.7) return nonAddressPhrase(rng) + '，' + pick(rng, STRUCTURE);
  return nonNameLine(rng) + '，' + nonAddressPhrase(rng);
}

/** About 160 characters of prose with one address somewhere inside. */
function proseLine(rng: Rng): string {
  const a = address(rng);
  let before = '';
  let after = '';
  while (before.length + after.length + a.length < 150) {
    if (rng() < 0.5) before += pick(rng, [...PLAIN, ...STRUCTURE]) + '，';
    else after += '，' + pick(rng, [...PLAIN, ...STRUCTURE]);
  }
  const glue = pick(rng, ['公司新办公室位于', '快递发往', '本次活动地点：', '他老家在']);
  return (before + glue + a + after + '。').slice(0, 160);
}

function plainLine(rng: Rng): string {
  let s = '';
  while (s.length < 60) s += pick(rng, PLAIN) + (rng() < 0.3 ? `，编号${digits(rng, 6)}，` : '，');
  return s;
}

export const KINDS: readonly { readonly label: string; readonly make: (rng: Rng, k: number) => string }[] = [
  { label: 'dense CSV', make: csvLine },
  { label: 'chat', make: chatLine },
  { label: 'structure, no address', make: structureLine },
  { label: 'prose 160, one address', make: proseLine },
  { label: 'no trigger', make: plainLine },
];

/** `count` lines of input kind `k`, deterministic from `seed`. */
export function makeInputs(k: number, seed: number, count: number): string[] {
  const rng = mulberry32(seed * 1000 + k);
  // Decoded from bytes like the scanner's windows: flat strings, not concatenation trees.
  return Array.from({ length: count }, (_, i) => utf8.decode(Buffer.from(KINDS[k]!.make(rng, i + 1))));
}

// --- measuring ---------------------------------------------------------------------------------

/** CPU seconds used by this process so far (user + system, all threads). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Chars/s of `fn` over `lines`: the best of several rounds of about `ms / rounds` milliseconds. Time
 * is CPU time, not wall time: on a shared machine the process is not always running.
 */
function charsPerSecond(fn: (text: string) => unknown, lines: readonly string[], ms: number): number {
  const chars = lines.reduce((n, l) => n + l.length, 0);
  for (let w = 0; w < 5; w++) for (const l of lines) fn(l); // warm-up: let the JIT settle
  const rounds = 7;
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    let passes = 0;
    const t0 = cpuSeconds();
    let elapsed = 0;
    do {
      for (const l of lines) fn(l);
      passes++;
      elapsed = cpuSeconds() - t0;
    } while (elapsed * 1000 < ms / rounds);
    best = Math.max(best, (chars * passes) / elapsed);
  }
  return best;
}

/** The matchers of the PI modules under `root` (the repository, or a baseline extracted from git). */
async function loadMatchers(root: string): Promise<Matchers> {
  const address = (await import(pathToFileURL(join(root, 'src/pi/cn-address.ts')).href)) as Matchers;
  const names = (await import(pathToFileURL(join(root, 'src/pi/cn-name.ts')).href)) as Matchers;
  return { findAddresses: address.findAddresses, findNames: names.findNames };
}

/** Extract the PI modules at `rev` to a temporary directory; returns the directory. */
function extractBaseline(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'shiming-micro-'));
  try {
    const files = execFileSync('git', ['ls-tree', '-r', '--name-only', rev, 'src/pi'], {
      cwd: REPO,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const f of files) {
      const text = execFileSync('git', ['show', `${rev}:${f}`], { cwd: REPO, encoding: 'utf8' });
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    return dir;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

function fmtRate(cps: number): string {
  return cps >= 1e6 ? `${(cps / 1e6).toFixed(2)} M` : `${(cps / 1e3).toFixed(0)} k`;
}

/** Number of lines on which the two versions report different spans. */
function differences(fn: keyof Matchers, a: Matchers, b: Matchers, lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) if (JSON.stringify(a[fn](l)) !== JSON.stringify(b[fn](l))) n++;
  return n;
}

interface Options {
  readonly seed: number;
  readonly count: number;
  readonly ms: number;
  readonly repeat: number;
}

/**
 * Measure one function of one version on one kind of input in a fresh process: the versions do not
 * share a heap (the old one's garbage would slow the new one down) nor the JIT's type feedback.
 */
function measureApart(root: string, fn: keyof Matchers, kind: number, o: Options): number {
  const out = execFileSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--child',
      root,
      '--fn',
      fn,
      '--kind',
      String(kind),
      '--seed',
      String(o.seed),
      '--lines',
      String(o.count),
      '--ms',
      String(o.ms),
    ],
    { encoding: 'utf8' },
  );
  return Number(out.trim());
}

async function child(root: string, fn: keyof Matchers, kind: number, o: Options): Promise<void> {
  const m = await loadMatchers(root);
  console.log(charsPerSecond(m[fn], makeInputs(kind, o.seed, o.count), o.ms));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '7' },
      lines: { type: 'string', default: '2000' },
      ms: { type: 'string', default: '1000' },
      baseline: { type: 'string', default: 'HEAD' },
      only: { type: 'string' },
      child: { type: 'string' },
      fn: { type: 'string', default: 'findAddresses' },
      kind: { type: 'string', default: '0' },
      repeat: { type: 'string', default: '3' },
    },
  });
  const o: Options = {
    seed: Number(values.seed),
    count: Number(values.lines),
    ms: Number(values.ms),
    repeat: Number(values.repeat),
  };
  if (values.child !== undefined) {
    await child(values.child, values.fn as keyof Matchers, Number(values.kind), o);
    return;
  }
  let baseDir: string | undefined;
  if (values.baseline !== 'none') {
    try {
      baseDir = extractBaseline(values.baseline);
    } catch (e) {
      console.error(`no baseline (${(e as Error).message.split('\n')[0]}); measuring the working tree only`);
    }
  }
  try {
    const now = await loadMatchers(REPO);
    const before = baseDir === undefined ? undefined : await loadMatchers(baseDir);
    const rows: string[][] = [];
    for (const [k, kind] of KINDS.entries()) {
      const lines = makeInputs(k, o.seed, o.count);
      const avg = Math.round(lines.reduce((n, l) => n + l.length, 0) / lines.length);
      for (const fn of ['findAddresses', 'findNames'] as const) {
        if (values.only !== undefined && values.only !== fn) continue;
        const row = [fn, `${kind.label} (${avg} ch)`];
        // Best of a few processes, the versions in turn: a shared machine has slow moments.
        let after = 0;
        let old = 0;
        for (let r = 0; r < o.repeat; r++) {
          after = Math.max(after, measureApart(REPO, fn, k, o));
          if (baseDir !== undefined) old = Math.max(old, measureApart(baseDir, fn, k, o));
        }
        if (baseDir !== undefined && before !== undefined) {
          const diff = differences(fn, now, before, lines);
          row.push(fmtRate(old), fmtRate(after), `${(after / old).toFixed(1)}×`, String(diff));
        } else {
          row.push(fmtRate(after));
        }
        rows.push(row);
        console.error(row.join('  ')); // progress
      }
    }
    const head = baseDir
      ? [
          'function',
          'input',
          `before (${values.baseline}) chars/s`,
          'after chars/s',
          'speed-up',
          'lines differing',
        ]
      : ['function', 'input', 'chars/s'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (cells: readonly string[]) => `| ${cells.map((s, c) => s.padEnd(widths[c]!)).join(' | ')} |`;
    console.log(
      `seed ${o.seed}, ${o.count} lines per input, node ${process.version}, one process per measurement\n`,
    );
    console.log(line(head));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const r of rows) console.log(line(r));
  } finally {
    if (baseDir !== undefined) rmSync(baseDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
