/**
 * `EMAIL`: e-mail addresses.
 *
 * Format: the pragmatic subset of RFC 5321/5322 addresses seen in real data: a dot-atom local part
 * of ASCII `atext` (letters, digits and ``!#$%&'*+/=?^_`{|}~-``, single dots between atoms, at most
 * 64 characters), `@`, and a domain of at least two LDH labels (letters, digits, inner hyphens,
 * 1–63 characters each, 253 in all) ending in a top-level domain of 2–24 letters or an IDN
 * A-label (`xn--…`). Quoted local parts, address literals (`[192.0.2.1]`) and non-ASCII local
 * parts (RFC 6531) are not accepted. Internationalised domains written in Unicode
 * (`用户@例子.中国`) are converted to their punycode A-labels by `normalise` (kind `idn`).
 * No checksum: the shape alone is strong evidence (score 0.9).
 *
 * Canonical form: lower-cased (mail providers treat local parts case-insensitively in practice),
 * full-width folded, `mailto:` and angle brackets removed, domain in A-label form.
 *
 * Mask: Hutool `DesensitizedUtil.email`: first character of the local part kept, the rest up to
 * `@` hidden (`d*************@gmail.com.cn`); unchanged when the local part has one character.
 *
 * References: RFC 5321 §4.1.2, RFC 5322 §3.4.1, RFC 5890 (IDNA A-labels), RFC 3696 §3.
 *
 * @module
 */

import { foldWidth } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

const CONTEXT_RAISE = [
  '邮箱',
  '电子邮箱',
  '电子邮件',
  '邮件',
  '邮件地址',
  'email',
  'e-mail',
  'mail',
  'mailbox',
] as const;
const CONTEXT_LOWER = ['noreply', 'no-reply', 'example', '示例'] as const;
const FIELD_NAMES = [
  'email',
  'e_mail',
  'mail',
  'email_address',
  'mail_address',
  'yx',
  'dzyx',
  '邮箱',
  '电子邮箱',
  '邮件',
  '电子邮件',
] as const;

/** RFC 5322 `atext`, as a lookup over ASCII codes. */
const ATEXT = new Uint8Array(128);
for (const ch of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-") {
  ATEXT[ch.charCodeAt(0)] = 1;
}
const MAILTO = /^mailto:/i;
const NON_ASCII = /[^\x00-\x7F]/;
/** Characters that would make the URL parser read past the host: never convert such a domain. */
const URL_DELIMITERS = /[/?#:@\\%\s[\]]/;

/** Unicode domain → A-labels using the platform's IDNA (WHATWG URL), or `undefined` if it is not a host. */
function toAsciiDomain(domain: string): string | undefined {
  try {
    return new URL('http://' + domain + '/').hostname;
  } catch {
    return undefined;
  }
}

/** Canonical form: lower-case, `mailto:` and `<>` removed, Unicode domain converted to punycode. */
export function normaliseEmail(value: string): string {
  let s = foldWidth(value).trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  if (MAILTO.test(s)) s = s.slice(7);
  const at = s.lastIndexOf('@');
  if (at < 0) return s.toLowerCase();
  let domain = s.slice(at + 1).toLowerCase();
  if (NON_ASCII.test(domain) && !URL_DELIMITERS.test(domain)) domain = toAsciiDomain(domain) ?? domain;
  return s.slice(0, at).toLowerCase() + '@' + domain;
}

function validLocal(s: string, end: number): boolean {
  if (end < 1 || end > 64) return false;
  let prevDot = true; // no leading dot
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (prevDot) return false;
      prevDot = true;
    } else if (c < 128 && ATEXT[c] === 1) prevDot = false;
    else return false;
  }
  return !prevDot; // no trailing dot
}

function isLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isLdh(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 45;
}

/** Domain check on the lower-cased A-label form; returns whether any label is an IDN A-label, or undefined if invalid. */
function checkDomain(s: string, start: number): boolean | undefined {
  const n = s.length;
  if (n - start < 4 || n - start > 253) return undefined;
  let labelStart = start;
  let labels = 0;
  let idn = false;
  for (let i = start; i <= n; i++) {
    if (i < n && s.charCodeAt(i) !== 46) {
      if (!isLdh(s.charCodeAt(i))) return undefined;
      continue;
    }
    const len = i - labelStart;
    if (len < 1 || len > 63) return undefined;
    if (s.charCodeAt(labelStart) === 45 || s.charCodeAt(i - 1) === 45) return undefined;
    const aLabel = s.startsWith('xn--', labelStart);
    if (aLabel) idn = true;
    labels++;
    if (i === n) {
      // Top-level domain: 2–24 letters, or an IDN A-label.
      if (!aLabel) {
        if (len < 2 || len > 24) return undefined;
        for (let j = labelStart; j < i; j++) if (!isLetter(s.charCodeAt(j))) return undefined;
      }
    }
    labelStart = i + 1;
  }
  return labels >= 2 ? idn : undefined;
}

function failure(check: string): Validation {
  return { valid: false, score: 0, checks: [{ name: check, passed: false }], reason: 'BAD_FORMAT' };
}
const FAIL_FORMAT = failure('format');
const FAIL_LOCAL = failure('local');
const FAIL_DOMAIN = failure('domain');

function validateEmail(value: string): Validation {
  const s = normaliseEmail(value);
  const at = s.indexOf('@');
  if (at < 0 || at !== s.lastIndexOf('@') || s.length > 254) return FAIL_FORMAT;
  if (!validLocal(s, at)) return FAIL_LOCAL;
  const idn = checkDomain(s, at + 1);
  if (idn === undefined) return FAIL_DOMAIN;
  return {
    valid: true,
    score: 0.9,
    checks: [
      { name: 'local', passed: true },
      { name: 'domain', passed: true },
    ],
    ...(idn ? { kind: 'idn' } : {}),
  };
}

function maskEmail(value: string, options?: MaskOptions): string {
  const char = options?.char ?? '*';
  const cps = Array.from(value);
  let at = -1;
  for (let i = cps.length - 1; i >= 0; i--) {
    if (cps[i] === '@' || cps[i] === '＠') {
      at = i;
      break;
    }
  }
  // Hutool: a local part of 0 or 1 characters (or no @ at all) is returned as it is.
  if (at <= 1) return value;
  const from = Math.min(options?.keepStart ?? 1, at);
  const to = Math.max(from, at - (options?.keepEnd ?? 0));
  for (let i = from; i < to; i++) cps[i] = char;
  return cps.join('');
}

/** `EMAIL`: e-mail addresses (RFC 5321 shape, IDN domains). */
export const email: PiType = {
  id: 'EMAIL',
  sensitive: false,
  description: {
    zh: '电子邮件地址',
    en: 'E-mail address',
  },
  context: { raise: CONTEXT_RAISE, lower: CONTEXT_LOWER },
  fieldNames: FIELD_NAMES,
  normalise: normaliseEmail,
  validate: validateEmail,
  mask: maskEmail,
};
