/**
 * Small helpers shared by the bench scripts: argument parsing, sizes, formatting, masking.
 *
 * @module
 */
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(BENCH_DIR, '..');
export const OUT_DIR = join(BENCH_DIR, 'out');

export type Flags = Record<string, string | boolean>;

/** `--name value`, `--name=value`, `--flag`. Unknown flags are reported by the caller. */
export function parseFlags(argv: readonly string[], booleans: readonly string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (eq > 0) flags[name] = a.slice(eq + 1);
    else if (booleans.includes(name)) flags[name] = true;
    else {
      const v = argv[i + 1];
      if (v === undefined) throw new Error(`--${name} needs a value`);
      flags[name] = v;
      i++;
    }
  }
  return flags;
}

export function checkFlags(flags: Flags, known: readonly string[]): void {
  for (const k of Object.keys(flags)) if (!known.includes(k)) throw new Error(`unknown option --${k}`);
}

/** `8MB`, `128M`, `5e6`, `512k`: decimal units (MB = 10^6 bytes, as in MB/s). */
export function parseBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmg]?)b?$/i.exec(value.trim());
  if (!m) throw new Error(`bad size "${value}" (try 8MB, 128M, 500k)`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

export function str(flags: Flags, name: string, dflt: string): string {
  const v = flags[name];
  return typeof v === 'string' ? v : dflt;
}

export function num(flags: Flags, name: string, dflt: number): number {
  const v = flags[name];
  if (typeof v !== 'string') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name}: not a number`);
  return n;
}

export const mb = (bytes: number): number => bytes / 1e6;
export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** Mask all but the first and last two characters (never print a raw synthetic value). */
export function maskValue(v: string): string {
  const cps = Array.from(v);
  if (cps.length <= 4) return '*'.repeat(cps.length);
  return cps[0]! + cps[1]! + '*'.repeat(cps.length - 4) + cps[cps.length - 2]! + cps[cps.length - 1]!;
}

/** A markdown table; `align` per column: 'l' or 'r'. */
export function mdTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: string,
): string {
  const a = align ?? header.map((_, i) => (i === 0 ? 'l' : 'r')).join('');
  const sep = header.map((_, i) => (a[i] === 'r' ? '---:' : ':---'));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n');
}

export function machine(): { cpu: string; cores: number; node: string; platform: string; memGB: number } {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    memGB: Math.round(totalmem() / 1e9),
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Run a script's `main`: its result is the exit code; a thrown error prints its message, exit 2. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 2;
    },
  );
}
