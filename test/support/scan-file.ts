/**
 * Scans one file through `scanFileEvents` and collects what it yields: every finding and the
 * file's summary (for tests of the readers: Office files, archives, workbooks).
 *
 * @module
 */
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
