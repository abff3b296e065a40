/**
 * `npm run bench:office`: what reading a workbook costs. Writes one HR roster (`--rows`, default
 * 100,000; nine columns: name, resident ID, mobile stored as a number, birth date stored as a date
 * serial, address, department, hire date, note) four times, as `.xlsx`, as `.xls` (on two sheets:
 * an Excel 97-2003 sheet holds 65,536 rows), as the CSV Excel would save for it and printed to PDF,
 * scans each with `shiming scan --jobs 1 --format jsonl`, and reports rows/s, findings, wall time
 * and peak RSS side by side. The same values must be found in the workbooks and the CSV; the
 * PDF's are shown beside the CSV's.
 *
 * Flags: `--rows`, `--repeats` (best of, default 2), `--keep`.
 *
 * @module
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mobile } from '../test/synth/contacts.ts';
import { residentId } from '../test/synth/ids.ts';
import { address, name } from '../test/synth/names.ts';
import { type XlsxCell, xlsx } from '../test/synth/office.ts';
import { type PdfPage, pdf } from '../test/synth/pdf.ts';
import { mulberry32 } from '../test/synth/rng.ts';
import { type XlsCell, xls } from '../test/synth/xls.ts';
import { checkFlags, fmt, machine, mb, mdTable, num, OUT_DIR, parseFlags } from './lib/cli.ts';
import { run } from './lib/proc.ts';
import { resolveScanner } from './lib/scanner.ts';

const flags = parseFlags(process.argv.slice(2), ['keep']);
checkFlags(flags, ['rows', 'repeats', 'keep']);
const ROWS = num(flags, 'rows', 100_000);
const REPEATS = num(flags, 'repeats', 2);

const HEADER = ['序号', '姓名', '身份证号', '手机号', '出生日期', '家庭住址', '部门', '入职日期', '备注'];

/** Excel's own rendering of a date serial, for the CSV twin. */
function isoDate(serial: number): string {
  return new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10);
}

/** Where each column starts on a printed page, in points (A4 portrait, 6-point type). */
const PDF_COLUMNS = [15, 40, 75, 142, 190, 235, 440, 475, 520];
const PDF_ROWS_PER_PAGE = 60;

/**
 * The roster "printed to PDF" as Excel prints by default: the header on the first page only, each
 * row's cells on one baseline.
 */
function printed(lines: readonly (readonly string[])[]): Uint8Array {
  const pages: PdfPage[] = [];
  for (let at = 0; at < lines.length; at += PDF_ROWS_PER_PAGE) {
    const rows = [...(at === 0 ? [HEADER] : []), ...lines.slice(at, at + PDF_ROWS_PER_PAGE)];
    pages.push({
      texts: rows.flatMap((cells, r) =>
        cells.flatMap((text, c) =>
          text === '' ? [] : [{ x: PDF_COLUMNS[c]!, y: 800 - r * 12, text, size: 6 }],
        ),
      ),
    });
  }
  return pdf(pages);
}

function roster(): { book: Uint8Array; legacy: Uint8Array; csv: string; printed: Uint8Array } {
  const rng = mulberry32(2026);
  const rows: XlsxCell[][] = [HEADER];
  const lines = [HEADER.join(',')];
  const cellsOfLines: string[][] = [];
  for (let i = 0; i < ROWS; i++) {
    const m = mobile(rng, { format: 'plain' });
    const born = 25_000 + (i % 12_000);
    const hired = 40_000 + (i % 4_000);
    const cells = [
      i + 1,
      name(rng),
      residentId(rng),
      m,
      born,
      address(rng),
      ['财务部', '技术部', '市场部', '客服中心'][i % 4]!,
      hired,
      i % 7 === 0 ? '已离职' : '',
    ] as const;
    rows.push([
      cells[0],
      cells[1],
      cells[2],
      Number(m),
      { date: born },
      cells[5],
      cells[6],
      { date: hired },
      cells[8],
    ]);
    const text = [
      String(cells[0]),
      cells[1],
      cells[2],
      m,
      isoDate(born),
      cells[5],
      cells[6],
      isoDate(hired),
      cells[8],
    ];
    lines.push(text.join(','));
    cellsOfLines.push(text);
  }
  // An .xls sheet holds 65,536 rows: the legacy workbook continues on further sheets, each with the header.
  const sheets = [];
  for (let at = 1; at < rows.length; at += 65_000) {
    sheets.push({
      name: `花名册${sheets.length + 1}`,
      rows: [HEADER, ...(rows.slice(at, at + 65_000) as XlsCell[][])],
    });
  }
  return {
    book: xlsx([{ name: '花名册', rows }]),
    legacy: xls(sheets),
    csv: `${lines.join('\r\n')}\r\n`,
    printed: printed(cellsOfLines),
  };
}

const scanner = resolveScanner();
const dir = join(OUT_DIR, 'office');
mkdirSync(dir, { recursive: true });
process.stderr.write(`writing a ${ROWS}-row roster as xlsx, xls, csv and pdf… `);
const { book, legacy, csv, printed: asPdf } = roster();
const files = [
  ['xlsx', join(dir, 'roster.xlsx')],
  ['xls', join(dir, 'roster.xls')],
  ['csv', join(dir, 'roster.csv')],
  ['pdf', join(dir, 'roster.pdf')],
] as const;
writeFileSync(files[0][1], book);
writeFileSync(files[1][1], legacy);
writeFileSync(files[2][1], csv);
writeFileSync(files[3][1], asPdf);
process.stderr.write('done\n');

const table: string[][] = [];
const results: Record<string, unknown>[] = [];
const found: Record<string, Map<string, number>> = {};
for (const [label, file] of files) {
  let best:
    | { secs: number; rss: number | undefined; findings: number; byType: Map<string, number> }
    | undefined;
  for (let r = 0; r < REPEATS; r++) {
    let findings = 0;
    const byType = new Map<string, number>();
    const out = await run({
      cmd: scanner.cmd,
      args: [...scanner.prefix, 'scan', file, '--format', 'jsonl', '--jobs', '1', '--no-progress'],
      rss: true,
      onLine: (line) => {
        if (line === '') return;
        findings++;
        const type = (JSON.parse(line) as { type: string }).type;
        byType.set(type, (byType.get(type) ?? 0) + 1);
      },
    });
    if (out.code !== 0) throw new Error(`scan of ${file} exited ${out.code}`);
    const secs = out.wallMs / 1000;
    if (best === undefined || secs < best.secs) best = { secs, rss: out.peakRssKB, findings, byType };
  }
  found[label] = best!.byType;
  const bytes = statSync(file).size;
  table.push([
    label,
    fmt(mb(bytes), 1),
    fmt(best!.secs, 2),
    fmt(ROWS / best!.secs, 0),
    fmt(mb(bytes) / best!.secs, 1),
    String(best!.findings),
    best!.rss === undefined ? '–' : fmt(best!.rss / 1024, 0),
  ]);
  results.push({ label, bytes, seconds: best!.secs, findings: best!.findings, peakRssKB: best!.rss });
}
const types = [
  ...new Set([...found.xlsx!.keys(), ...found.xls!.keys(), ...found.csv!.keys(), ...found.pdf!.keys()]),
].sort();
const same = types.every(
  (t) => found.xlsx!.get(t) === found.csv!.get(t) && found.xls!.get(t) === found.csv!.get(t),
);

const m = machine();
console.log(
  `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}. Scanner: ${scanner.how}. Best of ${REPEATS}.\n`,
);
console.log(mdTable(['file', 'MB on disk', 's', 'rows/s', 'MB/s', 'findings', 'peak RSS MB'], table));
console.log(
  `\nFindings by type (xlsx / xls / csv): ${types.map((t) => `${t} ${found.xlsx!.get(t) ?? 0}/${found.xls!.get(t) ?? 0}/${found.csv!.get(t) ?? 0}`).join(', ')}${same ? ' — identical' : ' — DIFFERENT'}`,
);
// A printed page has no columns to read a field from: what PDF finds is reported beside the CSV.
console.log(
  `Findings by type (pdf / csv): ${types.map((t) => `${t} ${found.pdf!.get(t) ?? 0}/${found.csv!.get(t) ?? 0}`).join(', ')}`,
);
writeFileSync(
  join(OUT_DIR, 'bench-office.json'),
  `${JSON.stringify({ machine: m, rows: ROWS, results, identical: same }, null, 2)}\n`,
);
if (!flags.keep) rmSync(dir, { recursive: true, force: true });
