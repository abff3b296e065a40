/**
 * What every corpus file kind provides, and the mixes (byte share per kind, encodings).
 *
 * @module
 */
import type { Rng } from '../../test/synth/rng.ts';
import type { Doc, FileFormat } from './writer.ts';

export const KIND_IDS = [
  'chat',
  'orders',
  'applog',
  'sqldump',
  'hr',
  'hotel',
  'registry',
  'prose',
  'netlog',
] as const;
export type KindId = (typeof KIND_IDS)[number];

/** Which on-disk variants a kind can take (a JSONL log is never GBK, a CSV export can be). */
export interface KindVariants {
  readonly gbk: boolean;
  readonly gzip: boolean;
  readonly crlf: boolean;
  readonly bom: boolean;
  /** Can be saved as an Excel workbook instead (a table, or text pasted into column A). */
  readonly xlsx?: boolean;
}

export interface KindSpec {
  readonly id: KindId;
  readonly description: string;
  readonly variants: KindVariants;
  /** Relative path of the `index`-th file of this kind (extension without `.gz`). */
  fileName(rng: Rng, index: number): string;
  /** Write lines into `doc` until it holds about `targetBytes`. */
  write(rng: Rng, doc: Doc, targetBytes: number): void;
}

export interface CorpusMix {
  readonly name: string;
  /** Share of bytes per kind (relative weights). */
  readonly weights: Readonly<Record<KindId, number>>;
  /** File size range in bytes (uncompressed). */
  readonly fileBytes: readonly [number, number];
  /** Probabilities, applied to kinds that allow the variant. */
  readonly gbk: number;
  readonly gzip: number;
  readonly crlf: number;
  readonly bom: number;
  /** Share of the files of kinds that allow it saved as `.xlsx` (never GBK or gzip then). */
  readonly xlsx: number;
}

/** Accuracy corpus: every kind well represented, many small files, plenty of messy variants. */
export const EVAL_MIX: CorpusMix = {
  name: 'eval',
  weights: {
    chat: 16,
    orders: 15,
    applog: 14,
    sqldump: 10,
    hr: 9,
    hotel: 13,
    registry: 8,
    prose: 7,
    netlog: 8,
  },
  fileBytes: [40_000, 160_000],
  gbk: 0.3,
  gzip: 0.2,
  crlf: 0.4,
  bom: 0.2,
  xlsx: 0.2,
};

/**
 * Throughput corpus: mostly UTF-8 logs and exports in multi-megabyte files; about a tenth GBK and a
 * tenth gzip (shares are of the bytes of the kinds that allow the variant).
 */
export const THROUGHPUT_MIX: CorpusMix = {
  name: 'throughput',
  weights: {
    chat: 12,
    orders: 16,
    applog: 24,
    sqldump: 12,
    hr: 5,
    hotel: 6,
    registry: 5,
    prose: 8,
    netlog: 12,
  },
  fileBytes: [1_000_000, 4_000_000],
  gbk: 0.2,
  gzip: 0.12,
  crlf: 0.25,
  bom: 0.1,
  // The throughput corpus stays text: its MB/s compare with ripgrep and the peers on the same bytes.
  xlsx: 0,
};

/** Bytes so far among files that could take a variant, and among those that did. */
export interface VariantTally {
  gbkEligible: number;
  gbk: number;
  gzipEligible: number;
  gzip: number;
}

/**
 * The on-disk form of the next file. GBK and gzip follow the mix's byte shares deterministically
 * (a file takes the variant while its share is below target), so even a corpus of a few dozen large
 * files holds them; CRLF and BOM are drawn at random.
 */
export function chooseFormat(rng: Rng, v: KindVariants, mix: CorpusMix, tally: VariantTally): FileFormat {
  const xlsx = v.xlsx === true && mix.xlsx > 0 && rng() < mix.xlsx;
  // Two workbooks in five in the Excel 97-2003 format, which many systems still export.
  const legacy = xlsx && rng() < 0.4;
  // One table in four that would be a workbook is printed to PDF instead.
  const printed = xlsx && rng() < 0.25;
  const gbk = !xlsx && v.gbk && tally.gbk < mix.gbk * (tally.gbkEligible + 1);
  const gzip = !xlsx && v.gzip && tally.gzip < mix.gzip * (tally.gzipEligible + 1);
  return {
    ...(printed ? { pdf: true } : xlsx ? { xlsx, ...(legacy ? { legacy } : {}) } : {}),
    encoding: gbk ? 'gbk' : 'utf8',
    // Windows exports (GBK) nearly always end lines with CRLF.
    eol: v.crlf && (gbk || rng() < mix.crlf) ? '\r\n' : '\n',
    gzip,
    bom: !gbk && v.bom && rng() < mix.bom,
  };
}
