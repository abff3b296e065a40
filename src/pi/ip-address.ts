/**
 * `IP_ADDRESS`: IPv4 and IPv6 addresses. Under PIPL and GB/T 35273 an address in a log that ties it
 * to a user is personal information (network identity).
 *
 * Formats:
 * - IPv4 dotted quad `a.b.c.d`, each part 0–255 in decimal without leading zeros (`010` is
 *   rejected: some parsers read it as octal);
 * - IPv6 (RFC 4291 §2.2): eight groups of 1–4 hex digits, one `::` for a run of zero groups, an
 *   optional trailing dotted IPv4 (`::ffff:192.0.2.1`), optional brackets and zone (`%eth0`,
 *   dropped by `normalise`).
 * Canonical form: IPv4 as is; IPv6 in the RFC 5952 text form (lower case, no leading zeros, the
 * longest run of two or more zero groups as `::`, IPv4-mapped addresses in mixed notation).
 *
 * Score: publicly routable 0.7; private, loopback, link-local, shared (CGNAT), documentation,
 * multicast and reserved ranges (RFC 6890 special-purpose registries) 0.4 (still personal data in
 * a log, but weaker). Telling version numbers like `1.2.3.4` apart is the scanner's job.
 *
 * Mask: Hutool `DesensitizedUtil.ipv4` / `ipv6`: first octet or group kept, `192.*.*.*`,
 * `2001:*:*:*:*:*:*:*` (always eight groups, so the mask does not reveal `::` compression).
 *
 * References: RFC 791, RFC 4291, RFC 5952, RFC 6890, IANA IPv4/IPv6 special-purpose registries.
 *
 * @module
 */

import { foldWidth } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

const CONTEXT_RAISE = [
  'ip',
  'ip地址',
  'ip address',
  '登录ip',
  'x-forwarded-for',
  '客户端',
  '来源',
  '访问',
  'client',
  'remote',
  'addr',
  'src',
] as const;
const CONTEXT_LOWER = ['版本', '版本号', 'version', 'ver', 'build', '型号', 'oid', 'snmp'] as const;
const FIELD_NAMES = [
  'ip',
  'ip_addr',
  'ip_address',
  'ipaddress',
  'client_ip',
  'remote_ip',
  'remote_addr',
  'src_ip',
  'source_ip',
  'login_ip',
  'last_login_ip',
  'x_forwarded_for',
  'ipv4',
  'ipv6',
  'ipdz',
  'ip地址',
  '登录ip',
] as const;

/** Where an address sits, from the IANA special-purpose registries. */
export type IpScope =
  | 'public'
  | 'private'
  | 'shared'
  | 'loopback'
  | 'link-local'
  | 'multicast'
  | 'documentation'
  | 'unspecified'
  | 'reserved';

/** IPv4 special-purpose blocks: [network, prefix length, scope]. The rest is public. */
const V4_SPECIAL: readonly (readonly [string, number, IpScope])[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 special-purpose blocks inside 2000::/3 (everything else outside 2000::/3 is classified in code). */
const V6_SPECIAL: readonly (readonly [string, number, IpScope])[] = [
  ['2001:2::', 48, 'reserved'], // benchmarking
  ['2001:10::', 28, 'reserved'], // ORCHID
  ['2001:20::', 28, 'reserved'], // ORCHIDv2
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'], // RFC 9637
];

/** Parse `s[start, end)` as a dotted quad; -1 if it is not one. */
function parseV4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let parts = 0;
  let i = start;
  while (parts < 4) {
    const partStart = i;
    let octet = 0;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const len = i - partStart;
    if (len === 0 || len > 3 || octet > 255) return -1;
    if (len > 1 && s.charCodeAt(partStart) === 48) return -1; // leading zero
    value = value * 256 + octet;
    parts++;
    if (parts < 4) {
      if (i >= end || s.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === end ? value : -1;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parse groups of 1–4 hex digits separated by ':' (the last may be a dotted quad) into `out`. */
function parseGroups(s: string, out: number[]): boolean {
  if (s === '') return true;
  const parts = s.split(':');
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (k === parts.length - 1 && p.includes('.')) {
      const v4 = parseV4(p);
      if (v4 < 0) return false;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
      continue;
    }
    if (p.length < 1 || p.length > 4) return false;
    let v = 0;
    for (let i = 0; i < p.length; i++) {
      const h = hexValue(p.charCodeAt(i));
      if (h < 0) return false;
      v = v * 16 + h;
    }
    out.push(v);
  }
  return true;
}

/** Parse an IPv6 address (no brackets, no zone) into its eight 16-bit groups. */
function parseV6(s: string): number[] | undefined {
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const head: number[] = [];
  const tail: number[] = [];
  if (dbl < 0) {
    if (!parseGroups(s, head) || head.length !== 8) return undefined;
    return head;
  }
  if (!parseGroups(s.slice(0, dbl), head) || !parseGroups(s.slice(dbl + 2), tail)) return undefined;
  // A dotted quad is only allowed at the very end.
  if (s.slice(0, dbl).includes('.')) return undefined;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return undefined;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

/** Fold width, trim, drop brackets and zone index. */
function clean(value: string): string {
  let s = foldWidth(value).trim();
  // Each step trims again, so that cleaning a cleaned value changes nothing (`: %` → `:`).
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1).trim();
  const zone = s.indexOf('%');
  if (zone > 0 && s.includes(':')) s = s.slice(0, zone).trim();
  return s;
}

type Parsed =
  | { readonly version: 4; readonly v4: number }
  | { readonly version: 6; readonly groups: number[] };

/** Only ASCII digits and dots: nothing for `clean` to fold, trim or drop. */
function digitsAndDots(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 48 || c > 57) && c !== 46) return false;
  }
  return true;
}

function parse(value: string): Parsed | undefined {
  const s = digitsAndDots(value) ? value : clean(value);
  if (s.includes(':')) {
    const groups = parseV6(s);
    return groups === undefined ? undefined : { version: 6, groups };
  }
  const v4 = parseV4(s);
  return v4 < 0 ? undefined : { version: 4, v4 };
}

const V4_BLOCKS = V4_SPECIAL.map(([net, bits, scope]) => {
  const size = 2 ** (32 - bits);
  if (bits < 1 || bits > 32) throw new RangeError('IPv4 block prefix length out of range');
  return { base: Math.floor(parseV4(net) / size), size, shift: 32 - bits, scope };
});
const V6_BLOCKS = V6_SPECIAL.map(([net, bits, scope]) => ({ groups: parseV6(net)!, bits, scope }));

function scopeV4(v4: number): IpScope {
  // `Math.floor(v4 / size) === base` as a shift: the same test on a 32-bit address.
  for (const b of V4_BLOCKS) if (v4 >>> b.shift === b.base) return b.scope;
  return 'public';
}

function v6InBlock(groups: readonly number[], net: readonly number[], bits: number): boolean {
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const keep = Math.min(bits, 16);
    const shift = 2 ** (16 - keep);
    if (Math.floor(groups[i]! / shift) !== Math.floor(net[i]! / shift)) return false;
  }
  return true;
}

function scopeV6(g: readonly number[]): IpScope {
  const upperZero = g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0;
  if (upperZero && g[5] === 0 && g[6] === 0) {
    if (g[7] === 0) return 'unspecified';
    if (g[7] === 1) return 'loopback';
  }
  if (upperZero && g[5] === 0xffff) return scopeV4(g[6]! * 65536 + g[7]!); // IPv4-mapped
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0) {
    return scopeV4(g[6]! * 65536 + g[7]!); // NAT64 well-known prefix
  }
  const first = g[0]!;
  if (first >= 0xfc00 && first <= 0xfdff) return 'private'; // unique local fc00::/7
  if (first >= 0xfe80 && first <= 0xfebf) return 'link-local';
  if (first >= 0xff00) return 'multicast';
  if (first < 0x2000 || first > 0x3fff) return 'reserved'; // outside global unicast 2000::/3
  for (const b of V6_BLOCKS) if (v6InBlock(g, b.groups, b.bits)) return b.scope;
  return 'public';
}

/** RFC 5952 text form. */
function formatV6(g: readonly number[]): string {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return '::ffff:' + formatV4(g[6]! * 65536 + g[7]!);
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return hex(0, bestStart) + '::' + hex(bestStart + bestLen, 8);
}

function formatV4(v4: number): string {
  return `${Math.floor(v4 / 16777216)}.${Math.floor(v4 / 65536) % 256}.${Math.floor(v4 / 256) % 256}.${v4 % 256}`;
}

/** Canonical text form (IPv4 dotted quad, IPv6 RFC 5952); unparseable input comes back trimmed. */
export function normaliseIp(value: string): string {
  const p = parse(value);
  if (p === undefined) return clean(value);
  return p.version === 4 ? formatV4(p.v4) : formatV6(p.groups);
}

/** The special-purpose range an address falls in (`public` if none), or `undefined` if it is not an address. */
export function ipScope(value: string): IpScope | undefined {
  const p = parse(value);
  if (p === undefined) return undefined;
  return p.version === 4 ? scopeV4(p.v4) : scopeV6(p.groups);
}

/**
 * True when the value is an IP address that is not publicly routable: private (RFC 1918, IPv6
 * ULA), shared CGNAT, loopback, link-local, documentation, multicast, unspecified or reserved.
 */
export function isPrivateIp(value: string): boolean {
  const scope = ipScope(value);
  return scope !== undefined && scope !== 'public';
}

const FAIL: Validation = {
  valid: false,
  score: 0,
  checks: [{ name: 'format', passed: false }],
  reason: 'BAD_FORMAT',
};

/** The four valid results (v4/v6, public or not), frozen and reused: `validate` runs per candidate. */
const VALID = [4, 6].map((version) =>
  [false, true].map((isPublic) =>
    Object.freeze({
      valid: true,
      score: isPublic ? 0.7 : 0.4,
      checks: Object.freeze([
        { name: 'format', passed: true },
        { name: 'public', passed: isPublic },
      ]),
      kind: version === 4 ? 'ipv4' : 'ipv6',
    }),
  ),
);

function validateIp(value: string): Validation {
  const p = parse(value);
  if (p === undefined) return FAIL;
  const scope = p.version === 4 ? scopeV4(p.v4) : scopeV6(p.groups);
  return VALID[p.version === 4 ? 0 : 1]![scope === 'public' ? 1 : 0]!;
}

function maskIp(value: string, options?: MaskOptions): string {
  const char = options?.char ?? '*';
  const keepStart = options?.keepStart ?? 1;
  const keepEnd = options?.keepEnd ?? 0;
  const p = parse(value);
  if (p === undefined) {
    const cps = Array.from(value);
    return cps.map((c, i) => (i < keepStart ? c : char)).join('');
  }
  // The default on an IPv4 address, what a scan asks for every time: the first octet, then masks.
  if (options === undefined && p.version === 4) return `${Math.floor(p.v4 / 16777216)}.*.*.*`;
  const parts = p.version === 4 ? formatV4(p.v4).split('.') : p.groups.map((x) => x.toString(16));
  const n = parts.length;
  const masked = parts.map((x, i) => (i < keepStart || i >= n - keepEnd ? x : char));
  return masked.join(p.version === 4 ? '.' : ':');
}

/** `IP_ADDRESS`: IPv4 and IPv6 addresses, scored by whether they are publicly routable. */
export const ipAddress: PiType = {
  id: 'IP_ADDRESS',
  sensitive: false,
  description: {
    zh: 'IP 地址（IPv4 / IPv6）',
    en: 'IP address (IPv4 / IPv6)',
  },
  context: { raise: CONTEXT_RAISE, lower: CONTEXT_LOWER },
  fieldNames: FIELD_NAMES,
  normalise: normaliseIp,
  validate: validateIp,
  mask: maskIp,
};
