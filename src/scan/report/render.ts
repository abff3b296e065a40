/**
 * The line formats (JSONL, CSV) as pure functions of a batch of findings, so that worker threads
 * can render their own findings and hand the main thread bytes to write. Sending finding objects
 * instead cost a structured clone on both sides plus the rendering on the main thread, which
 * then became the bottleneck of a two-worker scan.
 *
 * @module
 */
import type { Finding } from '../types.ts';
import { findingRecord } from './reporter.ts';

/** A line format a worker can render (structured-clone safe). */
export type RenderFormat =
  | { readonly format: 'jsonl' }
  | { readonly format: 'csv'; readonly showValues: boolean };

/** Quote a CSV cell when needed; also defuse spreadsheet formulas (=, +, -, @ at the start). */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV header row (CRLF-terminated). */
export function csvHeader(showValues: boolean): string {
  const header = [
    'path',
    'line',
    'column',
    'field',
    'part',
    'type',
    'score',
    'masked',
    ...(showValues ? ['value'] : []),
  ];
  return `${header.join(',')}\r\n`;
}

/** `batch` as lines of `spec`'s format: JSONL lines end in LF, CSV rows in CRLF (RFC 4180). */
export function renderFindings(spec: RenderFormat, batch: readonly Finding[]): string {
  let s = '';
  if (spec.format === 'jsonl') {
    for (const f of batch) s += `${JSON.stringify(findingRecord(f))}\n`;
    return s;
  }
  for (const f of batch) {
    const cells = [f.path, f.line, f.column, f.field, f.part, f.type, f.score, f.masked];
    if (spec.showValues) cells.push(f.value);
    s += `${cells.map(csvCell).join(',')}\r\n`;
  }
  return s;
}
