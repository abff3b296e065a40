/**
 * Scans one file through `scanFileEvents` and collects what it yields: every finding and the
 * file's summary (for tests of the readers: Office files, archives, workbooks).
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type FileSummary, scanFileEvents } from '../../src/scan/scan-file.ts';
import type { Finding, ScanOptions } from '../../src/scan/types.ts';

export async function scanFileFindings(
  path: string,
  options: ScanOptions = { showValues: true },
): Promise<{ findings: Finding[]; summary: FileSummary }> {
  const findings: Finding[] = [];
  const events = scanFileEvents(path, options);
  for (;;) {
    const r = await events.next();
    if (r.done) return { findings, summary: r.value };
    if (r.value.kind === 'findings') findings.push(...r.value.findings);
  }
}

/**
 * For a test file: a temporary folder (made before its tests, removed after them) and a function
 * that writes bytes there under a new name with extension `ext` (default `defaultExt`) and scans
 * them. Call at the top level of the test file.
 */
export function scratchScanner(
  prefix: string,
  defaultExt: string,
): (
  content: string | Uint8Array,
  ext?: string,
  options?: ScanOptions,
) => Promise<{ findings: Finding[]; summary: FileSummary }> {
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `shiming-${prefix}-`));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return async (content, ext = defaultExt, options) => {
    const path = join(dir, `f${n++}.${ext}`);
    await writeFile(path, content);
    return scanFileFindings(path, options);
  };
}
