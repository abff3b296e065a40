/**
 * `CN_BANK_CARD`: payment card numbers as issued in China (银行卡号).
 *
 * Format: 16–19 digits (ISO/IEC 7812 PAN), usually written in groups of 4; the leading 3–6 digits
 * are the issuer identification number (BIN). UnionPay cards start with `62` (16 or 19 digits);
 * Chinese banks also keep pre-UnionPay domestic BINs (ICBC `9558`, ABC `95599`/`103`, …) and issue
 * co-branded Visa (4), Mastercard (51–55, 2221–2720), JCB (3528–3589) and American Express cards
 * (34/37, 15 digits: the one length below 16 accepted, and only with those prefixes).
 *
 * Checksum: Luhn (ISO/IEC 7812-1). Most cards pass, but not all domestic ones do, so Luhn is a
 * strong signal rather than a gate:
 *
 * | evidence | valid | score |
 * |---|---|---|
 * | Luhn + known BIN (bank table) or network prefix | yes | 0.9 |
 * | Luhn, unknown BIN | yes | 0.7 |
 * | Luhn fails, 19-digit `62…` or a bank-table BIN | yes | 0.3 |
 * | Luhn fails otherwise | no | 0.1 |
 *
 * Mask: Hutool `DesensitizedUtil.bankCard`: first 4 kept, the tail keeps `length % 4` digits (4
 * when that is 0), the middle becomes `*` in groups of 4: `6222 **** **** **** 128`.
 *
 * References: ISO/IEC 7812-1; research notes §5.7, §7.4; `data/bank-bins.ts`.
 *
 * @module
 */

import { BANK_BINS, BANKS, type BankCode } from './data/bank-bins.ts';
import { THING_ID_CUES } from './shared-cues.ts';
import { compact, hide, luhnValid } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

const CONTEXT_RAISE = [
  '银行卡',
  '银行卡号',
  '卡号',
  '账号',
  '帐号',
  '账户',
  '帐户',
  '开户行',
  '开户银行',
  '储蓄卡',
  '信用卡',
  '借记卡',
  '收款账号',
  '银联',
  'card',
  'card no',
  'account',
  'bank',
  'iban',
] as const;

const CONTEXT_LOWER = [
  '订单',
  '订单号',
  '运单',
  '运单号',
  '流水号',
  '单号',
  '交易号',
  '快递',
  'order',
  'tracking',
] as const;

const FIELD_NAMES = [
  'bank_card',
  'bank_card_no',
  'card_no',
  'card_number',
  'account_no',
  'bank_account',
  'acct_no',
  'pan',
  'yhk',
  'yhkh',
  '银行卡',
  '银行卡号',
  '卡号',
  '账号',
  '帐号',
  '银行账号',
] as const;

/** BIN prefix → bank; lengths tried longest first. */
const BIN_TO_BANK = new Map<string, BankCode>();
for (const [bank, prefixes] of Object.entries(BANK_BINS) as [BankCode, readonly string[]][]) {
  for (const p of prefixes) BIN_TO_BANK.set(p, bank);
}
const BIN_LENGTHS = [6, 5, 4, 3] as const;

/** Card kinds reported in `Validation.kind`. */
export type CardKind = 'unionpay' | 'visa' | 'mastercard' | 'jcb' | 'amex' | 'domestic';

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

/** BIN prefix as a number, keyed with its length (a prefix may start with 0) → bank. */
const BIN_NUMBERS = new Map<number, BankCode>();
for (const [prefix, bank] of BIN_TO_BANK) {
  if (/^\d{3,6}$/.test(prefix)) BIN_NUMBERS.set(prefix.length * 1e6 + Number(prefix), bank);
}
const BINS_ARE_NUMBERS = BIN_NUMBERS.size === BIN_TO_BANK.size;

function binBank(digits: string): BankCode | undefined {
  if (BINS_ARE_NUMBERS && digits.length >= 6) {
    // The same lookups on numbers: no substring per prefix length.
    let v = 0;
    for (let i = 0; i < 6; i++) {
      const c = digits.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return binBankBySlices(digits);
      v = v * 10 + c;
    }
    return (
      BIN_NUMBERS.get(6e6 + v) ??
      BIN_NUMBERS.get(5e6 + Math.floor(v / 10)) ??
      BIN_NUMBERS.get(4e6 + Math.floor(v / 100)) ??
      BIN_NUMBERS.get(3e6 + Math.floor(v / 1000))
    );
  }
  return binBankBySlices(digits);
}

function binBankBySlices(digits: string): BankCode | undefined {
  for (const n of BIN_LENGTHS) {
    const bank = BIN_TO_BANK.get(digits.slice(0, n));
    if (bank !== undefined) return bank;
  }
  return undefined;
}

/** The card network from the IIN ranges; `undefined` when none of the ones we track. */
function network(digits: string): Exclude<CardKind, 'domestic'> | undefined {
  const d1 = digits.charCodeAt(0) - 48;
  const d2 = d1 * 10 + digits.charCodeAt(1) - 48;
  if (d2 === 62) return 'unionpay';
  if (d1 === 4) return 'visa';
  if (d2 >= 51 && d2 <= 55) return 'mastercard';
  if (d2 === 34 || d2 === 37) return 'amex';
  const d4 = d2 * 100 + (digits.charCodeAt(2) - 48) * 10 + digits.charCodeAt(3) - 48;
  if (d4 >= 2221 && d4 <= 2720) return 'mastercard';
  if (d4 >= 3528 && d4 <= 3589) return 'jcb';
  return undefined;
}

/** Canonical form: digits only (full-width folded, spaces and hyphens removed). */
export function normaliseBankCard(value: string): string {
  return allDigits(value) ? value : compact(value);
}

/** The issuing bank's Chinese name from the BIN table, or `undefined` when the BIN is not in it. */
export function bankOf(card: string): string | undefined {
  const bank = binBank(normaliseBankCard(card));
  return bank === undefined ? undefined : BANKS[bank].zh;
}

function validateBankCard(value: string): Validation {
  const d = normaliseBankCard(value);
  const net = allDigits(d) ? network(d) : undefined;
  const lengthOk = d.length >= 16 ? d.length <= 19 : d.length === 15 && net === 'amex';
  // A card number never starts with 0 (ISO/IEC 7812: major industry identifier 0 is reserved).
  // Shiming's own resident-ID tokens do (crypto/format-token.ts), and must not read as cards.
  if (!lengthOk || !allDigits(d) || d.charCodeAt(0) === 48) {
    return { valid: false, score: 0, checks: [{ name: 'format', passed: false }], reason: 'BAD_FORMAT' };
  }
  const bank = binBank(d);
  const kind: CardKind | undefined = net ?? (bank !== undefined ? 'domestic' : undefined);
  const known = kind !== undefined;
  const luhn = luhnValid(d);
  const checks = [
    { name: 'format', passed: true },
    { name: 'luhn', passed: luhn },
    { name: 'prefix', passed: known },
  ];
  // (`kind` is added last, and only when known, as a spread of `{ kind }` would.)
  let r: { valid: boolean; score: number; checks: typeof checks; reason?: string; kind?: CardKind };
  if (luhn) r = { valid: true, score: known ? 0.9 : 0.7, checks };
  // Some domestic cards are issued without a Luhn check digit.
  else if (bank !== undefined || (net === 'unionpay' && d.length === 19))
    r = { valid: true, score: 0.3, checks };
  else r = { valid: false, score: 0.1, checks, reason: 'BAD_CHECKSUM' };
  if (kind !== undefined) r.kind = kind;
  return r;
}

function maskBankCard(value: string, options?: MaskOptions): string {
  const char = options?.char ?? '*';
  const d = normaliseBankCard(value);
  const n = d.length;
  // Hutool returns short input unchanged; we hide it rather than show something unexpected.
  if (n < 9) return hide(d, 0, n, char);
  const keepStart = Math.min(options?.keepStart ?? 4, n);
  const keepEnd = Math.min(options?.keepEnd ?? (n % 4 === 0 ? 4 : n % 4), n - keepStart);
  const middle = n - keepStart - keepEnd;
  let out = d.slice(0, keepStart);
  for (let i = 0; i < middle; i++) {
    if (i % 4 === 0 && out.length > 0) out += ' ';
    out += char;
  }
  return keepEnd > 0 ? out + ' ' + d.slice(n - keepEnd) : out;
}

/** `CN_BANK_CARD`: bank and payment card numbers, Luhn plus BIN evidence. */
export const cnBankCard: PiType = {
  id: 'CN_BANK_CARD',
  sensitive: true,
  description: {
    zh: '银行卡号（16–19 位，银联及境内外卡组织，Luhn 校验与发卡行识别码）',
    en: 'Bank card number (16–19 digits, UnionPay and international schemes; Luhn check and BIN)',
  },
  context: { raise: CONTEXT_RAISE, lower: [...THING_ID_CUES, ...CONTEXT_LOWER] },
  fieldNames: FIELD_NAMES,
  normalise: normaliseBankCard,
  validate: validateBankCard,
  mask: maskBankCard,
};
