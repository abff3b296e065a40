/**
 * Public shapes of the scanner. `Finding`'s JSON form (path, line, column, field, type, score,
 * masked, value) is stable API: the JSONL and SARIF reports are built from it.
 *
 * @module
 */
import type { PiTypeId } from '../pi/types.ts';

/** How the bytes are laid out; decides how a finding's `field` is resolved. */
export type SourceFormat = 'text' | 'csv' | 'tsv' | 'jsonl' | 'json' | 'sql';

export interface ScanOptions {
  /** Only these types (default: all). */
  readonly types?: readonly PiTypeId[];
  /** Drop findings scoring below this (0..1, default 0.5). */
  readonly minScore?: number;
  /** Put the raw value on each finding. Off by default: reports carry masked values only. */
  readonly showValues?: boolean;
  /** Reference time for date checks (birth dates not in the future). */
  readonly now?: Date;
  /** Layout of the input (default `text`); CSV/TSV/JSON/SQL enable field resolution. */
  readonly format?: SourceFormat;
  /** Path to put on findings (default `''`). */
  readonly path?: string;
  /** Add the explanation (checks, context word, field) to each finding. */
  readonly explain?: boolean;
}

/** Why a finding scored what it did, without the value (after Presidio's AnalysisExplanation). */
export interface Explanation {
  /** Intrinsic score from the type's validator. */
  readonly base: number;
  readonly checks: readonly { readonly name: string; readonly passed: boolean | undefined }[];
  /** The context word that moved the score, and in which direction. */
  readonly context?: { readonly word: string; readonly effect: 'raise' | 'lower' };
  /** Set when the field (column / key) name matched the type. */
  readonly fieldMatched?: boolean;
  readonly kind?: string;
}

export interface Finding {
  readonly path: string;
  /** 1-based line (lines end at `\n`; CRLF counts once). */
  readonly line: number;
  /** 1-based column in Unicode code points, as editors show it. */
  readonly column: number;
  /** CSV column header, JSON key or SQL column the value sits in, when known. */
  readonly field?: string;
  /**
   * Office files: the sheet (xlsx), or the part (`document`, `header1`, `footnotes`, `slide3`…).
   * For a sheet, `line` and `column` are the cell's row and column numbers (C5: line 5, column 3).
   */
  readonly part?: string;
  readonly type: PiTypeId;
  /** 0..1, two decimals. */
  readonly score: number;
  readonly masked: string;
  /** Only with `showValues`. */
  readonly value?: string;
  /** Offsets of the value in the input: UTF-16 units for `scanText`, UTF-8 bytes for streams. */
  readonly start: number;
  readonly end: number;
  readonly explanation?: Explanation;
}
