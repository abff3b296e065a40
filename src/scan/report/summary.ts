/**
 * The human summary: totals, findings per type, the files with the most findings, problems.
 * Masked values only; colours only when the output is a terminal.
 *
 * @module
 */
import pc from 'picocolors';
import { CATALOGUE } from '../../pi/catalogue.ts';
import type { PiTypeId } from '../../pi/types.ts';
import type { FileSummary } from '../scan-file.ts';
import type { Output, ProblemReport, Reporter } from './reporter.ts';
import { unreadableText } from './unreadable.ts';

export interface SummaryOptions {
  readonly colour: boolean;
  /** How many files to list (default 10). */
  readonly topFiles?: number;
  /** Example findings shown per file (default 3). */
  readonly examples?: number;
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

function pad(s: string, n: number): string {
  // CJK characters take two columns in a terminal.
  let w = 0;
  for (const ch of s) w += /[\u1100-\uffff]/.test(ch) && !/[\uff61-\uff9f]/.test(ch) ? 2 : 1;
  return s + ' '.repeat(Math.max(0, n - w));
}

export function summaryReporter(out: Output, options: SummaryOptions): Reporter {
  const c = pc.createColors(options.colour);
  const byType = new Map<PiTypeId, number>();
  const byFile = new Map<string, { total: number; types: Map<PiTypeId, number>; examples: string[] }>();
  const problems: ProblemReport[] = [];
  const maxExamples = options.examples ?? 3;
  let binary = 0;
  let unreadable = 0;
  const partlyRead: FileSummary[] = [];
  return {
    async findings(batch) {
      for (const f of batch) {
        byType.set(f.type, (byType.get(f.type) ?? 0) + 1);
        let file = byFile.get(f.path);
        if (!file) {
          file = { total: 0, types: new Map(), examples: [] };
          byFile.set(f.path, file);
        }
        file.total++;
        file.types.set(f.type, (file.types.get(f.type) ?? 0) + 1);
        if (file.examples.length < maxExamples) {
          file.examples.push(
            `${f.part === undefined ? '' : `${f.part} `}${f.line}:${f.column} ${f.type} ${f.masked}${f.field ? ` [${f.field}]` : ''}`,
          );
        }
      }
    },
    async file(s) {
      if (s.skipped) binary++;
      unreadable += s.unreadableEntries ?? 0;
      if ((s.unreadableEntries ?? 0) > 0) partlyRead.push(s);
    },
    async problem(p) {
      problems.push(p);
    },
    async end(t) {
      const lines: string[] = [];
      const mbs = t.seconds > 0 ? t.bytes / (1 << 20) / t.seconds : 0;
      lines.push(
        c.bold(`Shiming scan: ${t.findings.toLocaleString('en')} findings`) +
          ` in ${t.files} file${t.files === 1 ? '' : 's'} (${fmtBytes(t.bytes)}, ${t.seconds.toFixed(2)} s, ${mbs.toFixed(1)} MiB/s)` +
          (binary > 0 ? `; ${binary} binary skipped` : '') +
          (unreadable > 0
            ? `; ${c.yellow(`${unreadable} part${unreadable === 1 ? '' : 's'} of ${partlyRead.length} file${partlyRead.length === 1 ? '' : 's'} not read`)}`
            : '') +
          (problems.length > 0
            ? `; ${c.yellow(`${problems.length} problem${problems.length === 1 ? '' : 's'}`)}`
            : ''),
      );
      if (byType.size > 0) {
        lines.push('', c.bold('By type'));
        for (const [type, n] of [...byType].sort((a, b) => b[1] - a[1])) {
          const t2 = CATALOGUE.get(type)!;
          const label = t2.sensitive ? c.red('sensitive') : c.dim('personal ');
          lines.push(`  ${pad(type, 20)} ${String(n).padStart(8)}  ${label}  ${t2.description.zh}`);
        }
        const files = [...byFile].sort((a, b) => b[1].total - a[1].total);
        const top = options.topFiles ?? 10;
        lines.push('', c.bold(`Top files${files.length > top ? ` (${top} of ${files.length})` : ''}`));
        for (const [path, f] of files.slice(0, top)) {
          const kinds = [...f.types]
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => `${k} ${n}`)
            .join(', ');
          lines.push(`  ${c.cyan(path)}  ${f.total}  (${kinds})`);
          for (const e of f.examples) lines.push(c.dim(`      ${e}`));
        }
      } else {
        lines.push('', c.green('No personal information found.'));
      }
      if (partlyRead.length > 0) {
        // Files the scan could not see into may hold PI all the same: name them.
        lines.push('', c.bold(c.yellow('Not fully read (may hold PI)')));
        for (const s of partlyRead.slice(0, 50)) lines.push(`  ${c.cyan(s.path)}  ${unreadableText(s)}`);
        if (partlyRead.length > 50) lines.push(`  … and ${partlyRead.length - 50} more`);
      }
      if (problems.length > 0) {
        lines.push('', c.bold(c.yellow('Problems')));
        for (const p of problems.slice(0, 50)) lines.push(`  ${p.code.padEnd(16)} ${p.message}`);
        if (problems.length > 50) lines.push(`  … and ${problems.length - 50} more`);
      }
      await out.write(`${lines.join('\n')}\n`);
    },
  };
}
