/**
 * How the bench runs the scanner: `node bin/shiming.js scan …` with the same Node as the bench
 * (`process.execPath`). `SHIMING_BIN=<script>` substitutes another script (a harness self-test);
 * when `dist/` has not been built, the CLI runs from its TypeScript sources (Node strips types).
 *
 * @module
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { REPO_DIR } from './cli.ts';

export interface ScannerCommand {
  readonly cmd: string;
  /** Arguments before `scan …`. */
  readonly prefix: readonly string[];
  /** What is being run, for the report. */
  readonly how: string;
}

export function resolveScanner(): ScannerCommand {
  const override = process.env.SHIMING_BIN;
  if (override) {
    const script = resolve(override);
    return { cmd: process.execPath, prefix: [script], how: `SHIMING_BIN=${relative(REPO_DIR, script)}` };
  }
  const bin = join(REPO_DIR, 'bin/shiming.js');
  const dist = join(REPO_DIR, 'dist/cli/main.js');
  if (existsSync(dist) && existsSync(bin)) {
    const stale = newestMtime(join(REPO_DIR, 'src')) > statSync(dist).mtimeMs;
    return {
      cmd: process.execPath,
      prefix: [bin],
      how: `bin/shiming.js (dist/${stale ? ', OLDER than src/: run `npm run build`' : ''})`,
    };
  }
  const src = join(REPO_DIR, 'bench/lib/run-cli-from-src.ts');
  if (existsSync(join(REPO_DIR, 'src/cli/main.ts'))) {
    return {
      cmd: process.execPath,
      prefix: [src],
      how: 'src/cli/main.ts (dist/ not built: run `npm run build`)',
    };
  }
  throw new Error('no scanner: bin/shiming.js with dist/ missing and no src/cli/main.ts; set SHIMING_BIN');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
    }
  }
  return newest;
}

/** One line of `shiming scan --format jsonl` (stable API). */
export interface FindingRecord {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly field?: string;
  /** Where inside a container (`page3` of a PDF, a workbook's sheet…). */
  readonly part?: string;
  readonly type: string;
  readonly score: number;
  readonly masked: string;
  readonly value?: string;
}

/** A finding's path relative to the scanned root, whatever form the scanner printed. */
export function relativePath(root: string, cwd: string, p: string): string {
  const abs = isAbsolute(p) ? p : resolve(cwd, p);
  const rel = relative(root, abs);
  if (!rel.startsWith('..') && !isAbsolute(rel)) return rel;
  return p;
}
