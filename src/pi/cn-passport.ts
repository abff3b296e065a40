/**
 * CN_PASSPORT: passport numbers issued by the PRC (and by the HK and Macao SARs).
 *
 * Formats (no public check digit, so format only and low scores; the scanner needs context words
 * such as 护照 / passport):
 * | kind                   | format                                        | score |
 * |------------------------|-----------------------------------------------|-------|
 * | `e-passport`           | `E` + 8 digits (2012–2017)                    | 0.45  |
 * | `e-passport`           | `E` + letter (not I/O) + 7 digits (2017-04 on) | 0.45  |
 * | `ordinary-legacy`      | `G` + 8 digits                                | 0.45  |
 * | `ordinary-legacy`      | `14`/`15` + 7 digits                          | 0.3   |
 * | `public-affairs`       | `PE` + 7 digits; `P.` + 7 digits              | 0.4 / 0.3 |
 * | `service`              | `SE` + 7 digits; `S.` + 7 or `S` + 8 digits    | 0.4 / 0.3 |
 * | `diplomatic`           | `DE` + 7 digits                               | 0.4   |
 * | `hksar`                | `K` + 8 digits (unverified)                   | 0.4   |
 * | `msar`                 | `MA` + 7 digits                               | 0.4   |
 * Normalising removes the dot of `P.`/`S.` forms.
 *
 * Reference: Exit-Entry Administration announcements on e-passport numbering (2012, 2017-04-05);
 * research notes §5.6.
 *
 * @module
 */

import { type DocumentForm, formsValidator } from './results.ts';
import { DOCUMENT_CUES, DOCUMENT_FIELDS } from './shared-cues.ts';
import { compact, keepEnds } from './text.ts';
import type { MaskOptions, PiType } from './types.ts';

/** Tried in order; the first match decides `kind` and score. */
const FORMS: readonly DocumentForm[] = [
  { re: /^E(?:\d{8}|[A-HJ-NP-Z]\d{7})$/, kind: 'e-passport', score: 0.45 },
  { re: /^G\d{8}$/, kind: 'ordinary-legacy', score: 0.45 },
  { re: /^1[45]\d{7}$/, kind: 'ordinary-legacy', score: 0.3 },
  { re: /^PE\d{7}$/, kind: 'public-affairs', score: 0.4 },
  { re: /^SE\d{7}$/, kind: 'service', score: 0.4 },
  { re: /^DE\d{7}$/, kind: 'diplomatic', score: 0.4 },
  { re: /^MA\d{7}$/, kind: 'msar', score: 0.4 },
  { re: /^K\d{8}$/, kind: 'hksar', score: 0.4 },
  { re: /^P\d{7}$/, kind: 'public-affairs', score: 0.3 },
  { re: /^S\d{7,8}$/, kind: 'service', score: 0.3 },
];

function normalise(value: string): string {
  return compact(value);
}

const validate = formsValidator(FORMS, 8, 9, compact);

/** Display mask: keep the first 2 and last 2 characters: `E12345678` → `E1*****78`. */
function mask(value: string, options?: MaskOptions): string {
  return keepEnds(compact(value), options?.keepStart ?? 2, options?.keepEnd ?? 2, options?.char);
}

/** CN_PASSPORT: PRC, HKSAR and MSAR passport numbers (format only). */
export const cnPassport: PiType = {
  id: 'CN_PASSPORT',
  sensitive: true,
  description: {
    zh: '中国护照号码（普通、公务、外交护照及港澳特区护照）',
    en: 'Chinese passport number (ordinary, public-affairs, service and diplomatic passports; HKSAR and MSAR passports)',
  },
  context: {
    raise: [
      ...DOCUMENT_CUES,
      '护照',
      '护照号',
      '护照号码',
      '護照',
      '证件号',
      'passport',
      'passport no',
      'passport number',
    ],
    lower: ['订单', '单号', '运单', '流水', '编号', '批次', '快递', '型号', '金额'],
  },
  fieldNames: [
    ...DOCUMENT_FIELDS,
    '护照',
    '护照号',
    '护照号码',
    'passport',
    'passportno',
    'passportnumber',
    'passportid',
    'hzhm',
    'hzh',
  ],
  normalise,
  validate,
  mask,
};
