/**
 * Scans one file through `scanFileEvents` and collects what it yields: every finding and the
 * file's summary (for tests of the readers: Office files, archives, workbooks).
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect } from 'vitest';
import { ScanIoError } from '../../src/scan/io/errors.ts';
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

/**
 * Fuzzes a reader: `good` with up to 12 bytes overwritten, scanned by `scan`, must either scan or
 * fail with a ScanIoError, never crash or hang (`FUZZ_RUNS` runs, default 150).
 */
export async function assertSurvivesCorruption(
  good: Uint8Array,
  scan: (bytes: Uint8Array) => Promise<unknown>,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { minLength: 1, maxLength: 12 }),
      async (flips) => {
        const bad = Uint8Array.from(good);
        for (const [at, v] of flips) bad[at] = v;
        try {
          await scan(bad);
        } catch (error) {
          expect(error).toBeInstanceOf(ScanIoError);
        }
      },
    ),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
  );
}
