/**
 * `--format csv`: RFC 4180, a header row, the same columns as the JSONL shape.
 *
 * @module
 */
import type { Output, Reporter } from './reporter.ts';

/** Quote a CSV cell when needed; also defuse spreadsheet formulas (=, +, -, @ at the start). */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvReporter(out: Output, showValues: boolean): Reporter {
  let started = false;
  const header = [
    'path',
    'line',
    'column',
    'field',
    'type',
    'score',
    'masked',
    ...(showValues ? ['value'] : []),
  ];
  const start = async () => {
    if (started) return;
    started = true;
    await out.write(`${header.join(',')}\r\n`);
  };
  return {
    async findings(batch) {
      await start();
      let s = '';
      for (const f of batch) {
        const cells = [f.path, f.line, f.column, f.field, f.type, f.score, f.masked];
        if (showValues) cells.push(f.value);
        s += `${cells.map(csvCell).join(',')}\r\n`;
      }
      await out.write(s);
    },
    async file() {},
    async problem() {},
    async end() {
      await start();
    },
  };
}
