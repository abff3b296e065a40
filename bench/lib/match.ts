/**
 * Matching findings to labels.
 *
 * A finding is a true positive when it has the label's path, line and type and its value equals the
 * label's value after normalising both (`normaliseFor`). For CN_NAME and CN_ADDRESS the finding's
 * span must instead cover at least 80% of the label's characters (by column, or, failing that, by
 * the longest common substring of the two values). Matching is one-to-one: each label is matched
 * at most once, each finding at most once.
 *
 * A finding that matches no label is a false positive, classified by what it hit: a recorded hard
 * negative (`neg:<kind>`), a label of another type (`type:<LABEL_TYPE>`), a label of the same type
 * already matched (`duplicate`), or nothing known (`unlabelled`).
 *
 * @module
 */
import { PI_TYPE_IDS, type PiTypeId } from '../../src/pi/types.ts';
import type { Label, Negative } from '../corpus/writer.ts';
import type { FindingRecord } from './scanner.ts';

export const CHECKSUMMED: readonly PiTypeId[] = [
  'CN_RESIDENT_ID',
  'CN_BANK_CARD',
  'CN_USCC',
  'HK_ID',
  'TW_ID',
  'IMEI',
  'CN_FOREIGNER_PR_ID',
];

/** F1 target per type (the acceptance bar). */
export function targetFor(type: PiTypeId): number {
  if (CHECKSUMMED.includes(type)) return 0.99;
  if (type === 'CN_MOBILE' || type === 'CN_LANDLINE') return 0.95;
  return 0.9;
}

const SPAN_TYPES: readonly string[] = ['CN_NAME', 'CN_ADDRESS'];
export const OVERLAP = 0.8;

function foldWidth(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

/**
 * The comparison form: full-width folded, separators removed (whitespace, `-`, parentheses, `·`),
 * upper-cased. Per type: a mobile or landline loses a leading `+86` / `0086` / `86` country code; a
 * MAC address loses `:` and `.`.
 */
export function normaliseFor(type: string, value: string): string {
  let s = foldWidth(value)
    .replace(/[\s\-()·•\u200B-\u200D\uFEFF]/g, '')
    .toUpperCase();
  if (type === 'CN_MOBILE' || type === 'CN_LANDLINE') {
    const m = /^(?:\+86|0086|86)(\d{10,12})$/.exec(s.replace(/^\+?\(\+?86\)/, '+86'));
    if (m && (type === 'CN_LANDLINE' || m[1]!.length === 11)) s = m[1]!;
    if (type === 'CN_LANDLINE' && /^\d{9,11}$/.test(s) && !s.startsWith('0')) s = `0${s}`;
  }
  if (type === 'MAC_ADDRESS') s = s.replace(/[:.]/g, '');
  return s;
}

function longestCommonSubstring(a: string, b: string): number {
  const A = Array.from(a);
  const B = Array.from(b);
  let best = 0;
  let prev = new Array<number>(B.length + 1).fill(0);
  for (let i = 1; i <= A.length; i++) {
    const cur = new Array<number>(B.length + 1).fill(0);
    for (let j = 1; j <= B.length; j++) {
      if (A[i - 1] === B[j - 1]) {
        cur[j] = prev[j - 1]! + 1;
        if (cur[j]! > best) best = cur[j]!;
      }
    }
    prev = cur;
  }
  return best;
}

const cpLen = (s: string): number => Array.from(s).length;

/** Does finding `f` cover label `l` (same path, line, type assumed)? */
export function valueMatches(l: { type: string; value: string; column?: number }, f: FindingRecord): boolean {
  if (SPAN_TYPES.includes(l.type)) {
    const need = OVERLAP * cpLen(l.value);
    if (f.value !== undefined && typeof f.column === 'number' && typeof l.column === 'number') {
      const ls = l.column;
      const le = l.column + cpLen(l.value);
      const fs = f.column;
      const fe = f.column + cpLen(f.value);
      if (Math.min(le, fe) - Math.max(ls, fs) >= need) return true;
    }
    if (f.value !== undefined) {
      return longestCommonSubstring(normaliseFor(l.type, l.value), normaliseFor(l.type, f.value)) >= need;
    }
    return typeof l.column === 'number' && f.column === l.column;
  }
  if (f.value === undefined) return typeof l.column === 'number' && f.column === l.column;
  return normaliseFor(l.type, l.value) === normaliseFor(l.type, f.value);
}

/** Loose overlap used only to classify false positives (a finding touching a negative's text). */
function touches(
  valueA: string,
  colA: number | undefined,
  valueB: string,
  colB: number | undefined,
): boolean {
  if (typeof colA === 'number' && typeof colB === 'number') {
    return Math.min(colA + cpLen(valueA), colB + cpLen(valueB)) - Math.max(colA, colB) > 0;
  }
  const a = normaliseFor('', valueA);
  const b = normaliseFor('', valueB);
  return a.length > 0 && b.length > 0 && (a.includes(b) || b.includes(a));
}

export interface Example {
  readonly path: string;
  readonly line: number;
  readonly value: string;
  readonly note?: string;
}

export interface TypeStats {
  readonly type: PiTypeId;
  tp: number;
  fp: number;
  fn: number;
  readonly fnExamples: Example[];
  readonly fpExamples: Example[];
  /** FP classification counts for this type. */
  readonly fpBy: Record<string, number>;
}

export interface MatchResult {
  readonly byType: Record<PiTypeId, TypeStats>;
  /** False positives by negative kind (all types together), and by kind+type. */
  readonly fpByNegKind: Record<string, number>;
  readonly fpByNegKindType: Record<string, Record<string, number>>;
  /** Recall by file variant / kind: [tp, labels]. */
  readonly recallByGroup: Record<string, [number, number]>;
  readonly findings: number;
  readonly unknownTypes: Record<string, number>;
}

const EXAMPLES = 5;

/**
 * Match `findings` to `labels`. `groupsOf(path)` names the groups a file belongs to (its kind,
 * encoding, …) for the recall-by-group table.
 */
export function matchFindings(
  labels: readonly Label[],
  negatives: readonly Negative[],
  findings: readonly FindingRecord[],
  groupsOf: (path: string) => readonly string[],
): MatchResult {
  const key = (path: string, line: number): string => `${path}\u0000${line}`;
  const labelsAt = new Map<string, { label: Label; matched: boolean }[]>();
  for (const l of labels) {
    const k = key(l.path, l.line);
    const arr = labelsAt.get(k) ?? [];
    if (arr.length === 0) labelsAt.set(k, arr);
    arr.push({ label: l, matched: false });
  }
  const negsAt = new Map<string, Negative[]>();
  for (const n of negatives) {
    const k = key(n.path, n.line);
    const arr = negsAt.get(k) ?? [];
    if (arr.length === 0) negsAt.set(k, arr);
    arr.push(n);
  }
  const byType = Object.fromEntries(
    PI_TYPE_IDS.map((t) => [t, { type: t, tp: 0, fp: 0, fn: 0, fnExamples: [], fpExamples: [], fpBy: {} }]),
  ) as unknown as Record<PiTypeId, TypeStats>;
  const fpByNegKind: Record<string, number> = {};
  const fpByNegKindType: Record<string, Record<string, number>> = {};
  const unknownTypes: Record<string, number> = {};

  // Exact (non-span) types first so a name finding cannot steal an overlapping label's slot.
  const ordered = [...findings].sort(
    (a, b) => Number(SPAN_TYPES.includes(a.type)) - Number(SPAN_TYPES.includes(b.type)),
  );
  for (const f of ordered) {
    const stats = byType[f.type as PiTypeId];
    if (!stats) {
      unknownTypes[f.type] = (unknownTypes[f.type] ?? 0) + 1;
      continue;
    }
    const k = key(f.path, f.line);
    const here = labelsAt.get(k) ?? [];
    const hit = here.find((e) => !e.matched && e.label.type === f.type && valueMatches(e.label, f));
    if (hit) {
      hit.matched = true;
      stats.tp++;
      continue;
    }
    stats.fp++;
    const fv = f.value ?? f.masked;
    let why = 'unlabelled';
    const neg = (negsAt.get(k) ?? []).find((n) => touches(fv, f.column, n.value, n.column));
    if (neg) {
      why = `neg:${neg.kind}`;
      fpByNegKind[neg.kind] = (fpByNegKind[neg.kind] ?? 0) + 1;
      const t = fpByNegKindType[neg.kind] ?? {};
      fpByNegKindType[neg.kind] = t;
      t[f.type] = (t[f.type] ?? 0) + 1;
    } else {
      const other = here.find(
        (e) => e.label.type !== f.type && touches(fv, f.column, e.label.value, e.label.column),
      );
      if (other) why = `type:${other.label.type}`;
      else if (here.some((e) => e.label.type === f.type && e.matched && valueMatches(e.label, f)))
        why = 'duplicate';
    }
    stats.fpBy[why] = (stats.fpBy[why] ?? 0) + 1;
    if (stats.fpExamples.length < EXAMPLES)
      stats.fpExamples.push({ path: f.path, line: f.line, value: fv, note: why });
  }

  const recallByGroup: Record<string, [number, number]> = {};
  for (const arr of labelsAt.values()) {
    for (const e of arr) {
      const stats = byType[e.label.type];
      for (const g of groupsOf(e.label.path)) {
        const r = recallByGroup[g] ?? [0, 0];
        recallByGroup[g] = r;
        r[1]++;
        if (e.matched) r[0]++;
      }
      if (e.matched) continue;
      stats.fn++;
      if (stats.fnExamples.length < EXAMPLES) {
        stats.fnExamples.push({ path: e.label.path, line: e.label.line, value: e.label.value });
      }
    }
  }
  return { byType, fpByNegKind, fpByNegKindType, recallByGroup, findings: findings.length, unknownTypes };
}

export function prf(s: { tp: number; fp: number; fn: number }): { p: number; r: number; f1: number } {
  const p = s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp);
  const r = s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn);
  const f1 = p + r === 0 ? 0 : (2 * p * r) / (p + r);
  return { p, r, f1 };
}
