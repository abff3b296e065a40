/**
 * The labelled synthetic corpus: `generateCorpus({ outDir, seed, targetBytes, mix })` writes
 *
 * - `outDir/files/…`       the documents (txt, csv, jsonl, sql, log; UTF-8, GBK, CRLF, gzip),
 * - `outDir/labels.jsonl`  one PI value per line: `{path, line, column, type, value}`,
 * - `outDir/negatives.jsonl` hard negatives (must not be found): `{path, line, column, kind, value}`,
 * - `outDir/manifest.json` seed, mix, files, counts and the generator fingerprint.
 *
 * `path` is relative to `outDir/files` (the labels live outside the scanned tree, or the scanner
 * would find them). `line` is 1-based, lines end at `\n` (a CRLF file counts the same); `column`
 * is 1-based in code points, of the decoded text. `value` is exactly the text written. Everything
 * is deterministic from the seed.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PI_TYPE_IDS, type PiTypeId } from '../../src/pi/types.ts';
import { int, mulberry32 } from '../../test/synth/rng.ts';
import {
  type CorpusMix,
  chooseFormat,
  EVAL_MIX,
  KIND_IDS,
  type KindId,
  type KindSpec,
  type VariantTally,
} from './kind.ts';
import { applog } from './kinds/applog.ts';
import { chat } from './kinds/chat.ts';
import { hotel } from './kinds/hotel.ts';
import { hr } from './kinds/hr.ts';
import { netlog } from './kinds/netlog.ts';
import { orders } from './kinds/orders.ts';
import { prose } from './kinds/prose.ts';
import { registry } from './kinds/registry.ts';
import { sqldump } from './kinds/sqldump.ts';
import { Doc } from './writer.ts';

export type { CorpusMix, KindId } from './kind.ts';
export { EVAL_MIX, THROUGHPUT_MIX } from './kind.ts';
export type { Label, Negative } from './writer.ts';

export const KINDS: Readonly<Record<KindId, KindSpec>> = {
  chat,
  orders,
  applog,
  sqldump,
  hr,
  hotel,
  registry,
  prose,
  netlog,
};

export interface GenerateOptions {
  readonly outDir: string;
  readonly seed: number;
  /** Total uncompressed bytes to write (the corpus stops at the first file past it). */
  readonly targetBytes: number;
  readonly mix?: CorpusMix;
  /** Write labels.jsonl / negatives.jsonl (default true; the throughput corpus can skip them). */
  readonly labels?: boolean;
  /** Called after each file (for progress). */
  readonly onFile?: (done: number, target: number) => void;
}

export interface FileEntry {
  readonly path: string;
  readonly kind: KindId;
  readonly encoding: 'utf8' | 'gbk';
  readonly eol: 'lf' | 'crlf';
  readonly gzip: boolean;
  readonly bom: boolean;
  readonly xlsx?: boolean;
  readonly pdf?: boolean;
  readonly legacy?: boolean;
  /** Bytes of content (after gunzip, in the file's own encoding). */
  readonly bytes: number;
  /** Bytes on disk. */
  readonly diskBytes: number;
  readonly lines: number;
  readonly labels: number;
}

export interface Manifest {
  readonly key: string;
  readonly seed: number;
  readonly targetBytes: number;
  readonly mix: CorpusMix;
  readonly generator: string;
  readonly totalBytes: number;
  readonly diskBytes: number;
  readonly files: readonly FileEntry[];
  readonly labelsByType: Readonly<Record<string, number>>;
  readonly negativesByKind: Readonly<Record<string, number>>;
  /** Content bytes by encoding/compression, e.g. `utf8`, `gbk`, `utf8+gzip`. */
  readonly bytesByVariant: Readonly<Record<string, number>>;
  readonly bytesByKind: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** Hash of the generator's own sources and the shared synth generators: a change regenerates. */
export function generatorFingerprint(): string {
  const h = createHash('sha256');
  const dirs = [HERE, join(HERE, 'kinds'), join(HERE, '../../test/synth')];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
    } catch {
      continue;
    }
    for (const n of names.sort()) {
      h.update(n);
      h.update(readFileSync(join(dir, n)));
    }
  }
  return h.digest('hex').slice(0, 16);
}

export function corpusKey(seed: number, targetBytes: number, mix: CorpusMix): string {
  return `${mix.name}-${seed}-${targetBytes}-${generatorFingerprint()}`;
}

/** The manifest of an existing corpus if it matches `key`, else undefined. */
export function readManifest(outDir: string, key?: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as Manifest;
    return key === undefined || m.key === key ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The kind furthest below its byte share once the next file is written (keeps the mix exact). */
function nextKind(mix: CorpusMix, bytesByKind: Readonly<Record<string, number>>, total: number): KindId {
  const weightSum = KIND_IDS.reduce((s, k) => s + mix.weights[k], 0);
  const horizon = total + (mix.fileBytes[0] + mix.fileBytes[1]) / 2;
  let best: KindId = KIND_IDS[0];
  let bestDeficit = -Infinity;
  for (const k of KIND_IDS) {
    if (mix.weights[k] <= 0) continue;
    const deficit = (horizon * mix.weights[k]) / weightSum - (bytesByKind[k] ?? 0);
    if (deficit > bestDeficit) {
      bestDeficit = deficit;
      best = k;
    }
  }
  return best;
}

/** Generate a corpus; replaces whatever is in `outDir`. */
export function generateCorpus(opts: GenerateOptions): Manifest {
  const start = performance.now();
  const mix = opts.mix ?? EVAL_MIX;
  const withLabels = opts.labels ?? true;
  rmSync(opts.outDir, { recursive: true, force: true });
  mkdirSync(join(opts.outDir, 'files'), { recursive: true });
  const labelsFd = withLabels ? openSync(join(opts.outDir, 'labels.jsonl'), 'w') : -1;
  const negFd = withLabels ? openSync(join(opts.outDir, 'negatives.jsonl'), 'w') : -1;

  const master = mulberry32(opts.seed);
  const files: FileEntry[] = [];
  const labelsByType: Record<string, number> = Object.fromEntries(PI_TYPE_IDS.map((t) => [t, 0]));
  const negativesByKind: Record<string, number> = {};
  const bytesByVariant: Record<string, number> = {};
  const bytesByKind: Record<string, number> = {};
  const counters: Partial<Record<KindId, number>> = {};
  let total = 0;
  let disk = 0;
  const tally: VariantTally = { gbkEligible: 0, gbk: 0, gzipEligible: 0, gzip: 0 };

  while (total < opts.targetBytes) {
    const kindId = nextKind(mix, bytesByKind, total);
    const spec = KINDS[kindId];
    const fileSeed = Math.floor(master() * 2 ** 32);
    const rng = mulberry32(fileSeed);
    const index = (counters[kindId] ?? 0) + 1;
    counters[kindId] = index;
    const format = chooseFormat(rng, spec.variants, mix, tally);
    let path = spec.fileName(rng, index);
    if (format.xlsx) path = path.replace(/\.[a-z]+$/, format.legacy ? '.xls' : '.xlsx');
    if (format.pdf) path = path.replace(/\.[a-z]+$/, '.pdf');
    if (format.gzip) path += '.gz';
    const size = Math.min(
      int(rng, mix.fileBytes[0], mix.fileBytes[1]),
      Math.max(4096, opts.targetBytes - total),
    );
    const doc = new Doc(path, format);
    spec.write(rng, doc, size);
    const { data, rawBytes } = doc.render();
    const abs = join(opts.outDir, 'files', path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, data);

    if (withLabels) {
      let buf = '';
      for (const l of doc.labels) buf += `${JSON.stringify(l)}\n`;
      writeSync(labelsFd, buf);
      buf = '';
      for (const n of doc.negatives) buf += `${JSON.stringify(n)}\n`;
      writeSync(negFd, buf);
    }
    for (const l of doc.labels) labelsByType[l.type] = (labelsByType[l.type] ?? 0) + 1;
    for (const n of doc.negatives) negativesByKind[n.kind] = (negativesByKind[n.kind] ?? 0) + 1;
    const variant = format.pdf
      ? 'pdf'
      : format.xlsx
        ? format.legacy
          ? 'xls'
          : 'xlsx'
        : `${format.encoding}${format.gzip ? '+gzip' : ''}`;
    bytesByVariant[variant] = (bytesByVariant[variant] ?? 0) + rawBytes;
    bytesByKind[kindId] = (bytesByKind[kindId] ?? 0) + rawBytes;
    files.push({
      path,
      kind: kindId,
      encoding: format.encoding,
      eol: format.eol === '\r\n' ? 'crlf' : 'lf',
      gzip: format.gzip,
      bom: format.bom,
      ...(format.xlsx ? { xlsx: true, ...(format.legacy ? { legacy: true } : {}) } : {}),
      ...(format.pdf ? { pdf: true } : {}),
      bytes: rawBytes,
      diskBytes: data.length,
      lines: doc.lines.length,
      labels: doc.labels.length,
    });
    total += rawBytes;
    disk += data.length;
    if (spec.variants.gbk) tally.gbkEligible += rawBytes;
    if (format.encoding === 'gbk') tally.gbk += rawBytes;
    if (spec.variants.gzip) tally.gzipEligible += rawBytes;
    if (format.gzip) tally.gzip += rawBytes;
    opts.onFile?.(total, opts.targetBytes);
  }
  if (withLabels) {
    closeSync(labelsFd);
    closeSync(negFd);
  }
  const manifest: Manifest = {
    key: corpusKey(opts.seed, opts.targetBytes, mix),
    seed: opts.seed,
    targetBytes: opts.targetBytes,
    mix,
    generator: generatorFingerprint(),
    totalBytes: total,
    diskBytes: disk,
    files,
    labelsByType: labelsByType as Record<PiTypeId, number>,
    negativesByKind,
    bytesByVariant,
    bytesByKind,
    elapsedMs: Math.round(performance.now() - start),
  };
  // Written last: a manifest means the corpus is complete.
  writeFileSync(join(opts.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Reuse the corpus in `outDir` when its key matches, else generate it. */
export function ensureCorpus(opts: GenerateOptions): {
  readonly manifest: Manifest;
  readonly reused: boolean;
} {
  const key = corpusKey(opts.seed, opts.targetBytes, opts.mix ?? EVAL_MIX);
  const existing = readManifest(opts.outDir, key);
  if (existing && (opts.labels === false || existsSync(join(opts.outDir, 'labels.jsonl')))) {
    return { manifest: existing, reused: true };
  }
  return { manifest: generateCorpus(opts), reused: false };
}
