/**
 * CN_HMT_PERMIT: travel permits between the mainland and Hong Kong, Macao and Taiwan.
 *
 * Formats (no public check digit: format only, scores low, context words needed):
 * | kind              | document                                              | format                           | score |
 * |-------------------|-------------------------------------------------------|----------------------------------|-------|
 * | `home-return-hk`  | 港澳居民来往内地通行证 (回乡证), Hong Kong residents  | `H` + 8 digits (+ 2-digit renewal count) | 0.4 |
 * | `home-return-mo`  | same, Macao residents                                 | `M` + 8 digits (+ 2 digits)      | 0.4   |
 * | `eep-hk-mo`       | 往来港澳通行证 (mainland residents, electronic, 2014) | `C` + 8 digits; `C` + letter (not I/O) + 7 digits (2018-12 on) | 0.4 |
 * | `eep-tw`          | 大陆居民往来台湾通行证                                | `L` + 8 digits (unverified)      | 0.35  |
 * | `mtp-tw`          | 台湾居民来往大陆通行证 (台胞证), card since 2015      | 8 digits                         | 0.15  |
 * | `mtp-tw-legacy`   | the same, old booklets                                | 10 digits                        | 0.1   |
 * Digits-only forms match countless other numbers; they only count next to context words.
 *
 * Reference: National Immigration Administration notice of 2018-12-10 on `C`+letter numbers;
 * research notes §5.5.
 *
 * @module
 */

import { type DocumentForm, formsValidator } from './results.ts';
import { DOCUMENT_CUES, DOCUMENT_FIELDS } from './shared-cues.ts';
import { compact, keepEnds } from './text.ts';
import type { MaskOptions, PiType } from './types.ts';

const FORMS: readonly DocumentForm[] = [
  { re: /^H\d{8}(?:\d{2})?$/, kind: 'home-return-hk', score: 0.4 },
  { re: /^M\d{8}(?:\d{2})?$/, kind: 'home-return-mo', score: 0.4 },
  { re: /^C(?:\d{8}|[A-HJ-NP-Z]\d{7})$/, kind: 'eep-hk-mo', score: 0.4 },
  { re: /^L\d{8}$/, kind: 'eep-tw', score: 0.35 },
  { re: /^\d{8}$/, kind: 'mtp-tw', score: 0.15 },
  { re: /^\d{10}$/, kind: 'mtp-tw-legacy', score: 0.1 },
];
const RE_PARENS = /[()]/g;

/** Compact, upper-case, without parentheses (old booklets sometimes bracket a suffix). */
function normalise(value: string): string {
  return compact(value).replace(RE_PARENS, '');
}

const validate = formsValidator(FORMS, 8, 11, normalise);

/** Display mask: keep the first 2 and last 2 characters: `H1234567800` → `H1*******00`. */
function mask(value: string, options?: MaskOptions): string {
  return keepEnds(normalise(value), options?.keepStart ?? 2, options?.keepEnd ?? 2, options?.char);
}

/** CN_HMT_PERMIT: mainland travel permits of Hong Kong, Macao and Taiwan residents, and mainland residents' permits to go there. */
export const cnHmtPermit: PiType = {
  id: 'CN_HMT_PERMIT',
  sensitive: true,
  description: {
    zh: '港澳台通行证号码（回乡证、台胞证、往来港澳通行证、往来台湾通行证）',
    en: 'Travel permit number between the mainland and Hong Kong, Macao or Taiwan (home return permit, Taiwan compatriot permit, exit-entry permits)',
  },
  context: {
    raise: [
      ...DOCUMENT_CUES,
      '通行证',
      '回乡证',
      '台胞证',
      '港澳通行证',
      '往来港澳',
      '往来台湾',
      '来往内地',
      '来往大陆',
      '通行證',
      '回鄉證',
      '台胞證',
      'permit',
      'home return',
      'mtp',
    ],
    lower: ['订单', '单号', '运单', '流水', '交易号', '编号', '批次', '金额', '快递', '电话', '手机'],
  },
  fieldNames: [
    ...DOCUMENT_FIELDS,
    '通行证',
    '通行证号',
    '通行证号码',
    '回乡证',
    '回乡证号',
    '台胞证',
    '台胞证号',
    '港澳通行证',
    '台湾通行证',
    'permitno',
    'permitnumber',
    'hkmopermit',
    'homereturnpermit',
    'mtp',
    'txz',
    'txzh',
    'hxz',
    'tbz',
  ],
  normalise,
  validate,
  mask,
};
