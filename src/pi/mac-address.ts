/**
 * `MAC_ADDRESS`: IEEE 802 48-bit MAC addresses (EUI-48), a device identifier (设备标识).
 *
 * Formats: six hex octets separated by `:` or `-` (`00:1A:2B:3C:4D:5E`, `00-1a-2b-3c-4d-5e`, the
 * same separator throughout), Cisco's three dotted groups of four (`001a.2b3c.4d5e`), or twelve
 * bare hex digits (accepted with a low score: any 12-digit number is also 12 hex digits). All
 * zeros and the broadcast address `FF:FF:FF:FF:FF:FF` identify nobody and are rejected.
 *
 * Kind, from the first octet: bit 0 set = `multicast` (group address); otherwise bit 1 set =
 * `local` (locally administered, e.g. the randomised addresses phones use on Wi-Fi); otherwise
 * `universal` (vendor-assigned, first three octets are the vendor's OUI).
 *
 * Canonical form: upper case, colon-separated (`00:1A:2B:3C:4D:5E`).
 *
 * Mask: the OUI (first 3 octets, which name the vendor, not the device) kept, the rest hidden:
 * `00:1A:2B:**:**:**`; separators stay as written.
 *
 * References: IEEE Std 802-2014 §8.2 (MAC address structure, U/L and I/G bits); IEEE RA
 * "Guidelines for Use of EUI, OUI, and CID".
 *
 * @module
 */

import { countSelected, foldWidth, maskSelected } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

const CONTEXT_RAISE = [
  'mac',
  'mac地址',
  '物理地址',
  '网卡',
  '硬件地址',
  'bssid',
  'wifi',
  'hwaddr',
  'ether',
  'device',
  // RADIUS accounting carries the client MAC in Calling-Station-Id.
  'calling station id',
  'calling-station-id',
  'station',
] as const;
const CONTEXT_LOWER = ['哈希', 'hash', 'sha', 'md5', 'uuid', '颜色', 'color'] as const;
const FIELD_NAMES = [
  'mac',
  'mac_addr',
  'mac_address',
  'macaddress',
  'hw_addr',
  'hwaddr',
  'bssid',
  'wifi_mac',
  'device_mac',
  'mac地址',
  '物理地址',
] as const;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** True for ASCII and full-width hex digits, the characters the mask counts. */
function isHexCode(c: number): boolean {
  const f = c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c;
  return hexValue(f) >= 0;
}

type Form = 'separated' | 'cisco' | 'bare';

/** The 12 hex digits of a MAC address in one of the accepted forms, upper-cased, or undefined. */
function parse(value: string): { hex: string; form: Form } | undefined {
  const s = foldWidth(value).trim();
  let hex = '';
  let form: Form;
  if (s.length === 17) {
    const sep = s.charCodeAt(2);
    if (sep !== 58 && sep !== 45) return undefined; // ':' or '-'
    for (let i = 0; i < 17; i++) {
      if (i % 3 === 2) {
        if (s.charCodeAt(i) !== sep) return undefined;
      } else hex += s[i];
    }
    form = 'separated';
  } else if (s.length === 14) {
    if (s.charCodeAt(4) !== 46 || s.charCodeAt(9) !== 46) return undefined;
    hex = s.slice(0, 4) + s.slice(5, 9) + s.slice(10);
    form = 'cisco';
  } else if (s.length === 12) {
    hex = s;
    form = 'bare';
  } else return undefined;
  for (let i = 0; i < 12; i++) if (hexValue(hex.charCodeAt(i)) < 0) return undefined;
  return { hex: hex.toUpperCase(), form };
}

/** Canonical form `00:1A:2B:3C:4D:5E`; input that does not parse comes back trimmed. */
export function normaliseMac(value: string): string {
  const p = parse(value);
  if (p === undefined) return foldWidth(value).trim();
  const h = p.hex;
  return `${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}:${h.slice(10, 12)}`;
}

const FORMAT_FAIL: Validation = {
  valid: false,
  score: 0,
  checks: [{ name: 'format', passed: false }],
  reason: 'BAD_FORMAT',
};
const NOBODY: Validation = {
  valid: false,
  score: 0,
  checks: [
    { name: 'format', passed: true },
    { name: 'assigned', passed: false },
  ],
  reason: 'NOT_A_DEVICE',
};

function validateMac(value: string): Validation {
  const p = parse(value);
  if (p === undefined) return FORMAT_FAIL;
  if (p.hex === '000000000000' || p.hex === 'FFFFFFFFFFFF') return NOBODY;
  const first = hexValue(p.hex.charCodeAt(0)) * 16 + hexValue(p.hex.charCodeAt(1));
  const kind = first % 2 === 1 ? 0 : Math.floor(first / 2) % 2 === 1 ? 1 : 2;
  return VALID[p.form === 'bare' ? 0 : 1]![kind]!;
}

/** The valid results by form (bare, grouped) and kind, frozen and reused: `validate` runs per candidate. */
const VALID = [0.3, 0.6].map((score) =>
  ['multicast', 'local', 'universal'].map((kind) =>
    Object.freeze({
      valid: true,
      score,
      checks: Object.freeze([
        { name: 'format', passed: true },
        { name: 'assigned', passed: true },
      ]),
      kind,
    }),
  ),
);

function maskMac(value: string, options?: MaskOptions): string {
  const char = options?.char ?? '*';
  const total = countSelected(value, isHexCode);
  const from = options?.keepStart ?? 6;
  const to = total - (options?.keepEnd ?? 0);
  if (from >= to) return maskSelected(value, isHexCode, 0, total, char);
  return maskSelected(value, isHexCode, from, to, char);
}

/** `MAC_ADDRESS`: EUI-48 MAC addresses in colon, hyphen, Cisco-dotted or bare form. */
export const macAddress: PiType = {
  id: 'MAC_ADDRESS',
  sensitive: false,
  description: {
    zh: 'MAC 地址（网卡物理地址）',
    en: 'MAC address (EUI-48 hardware address)',
  },
  context: { raise: CONTEXT_RAISE, lower: CONTEXT_LOWER },
  fieldNames: FIELD_NAMES,
  normalise: normaliseMac,
  validate: validateMac,
  mask: maskMac,
};
