/**
 * A GBK encoder for synthetic fixtures and the corpus (Chinese Windows exports are often GBK).
 *
 * Node ships only a GBK *decoder* (WHATWG `TextDecoder('gbk')`, with full ICU), so the encoder's
 * table is built once by decoding every two-byte GBK code and inverting the result. No data file
 * and no dependency.
 *
 * @module
 */

let table: Map<number, number> | undefined;

function buildTable(): Map<number, number> {
  const map = new Map<number, number>();
  const dec = new TextDecoder('gbk');
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const s = dec.decode(pair);
      if (s.length !== 1 || s === '\uFFFD') continue;
      const c = s.charCodeAt(0);
      if (!map.has(c)) map.set(c, (lead << 8) | trail);
    }
  }
  return map;
}

/** True when every character of `s` has a GBK encoding. */
export function gbkEncodable(s: string): boolean {
  table ??= buildTable();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 && !table.has(c)) return false;
  }
  return true;
}

const SUBSTITUTES: Readonly<Record<string, string>> = { '¥': '￥', '•': '·', '«': '《', '»': '》' };

/** `s` with characters GBK lacks replaced by their usual GBK stand-ins (`¥` → `￥`), else `?`. */
export function gbkSafe(s: string): string {
  if (gbkEncodable(s)) return s;
  let out = '';
  for (const ch of s) out += gbkEncodable(ch) ? ch : (SUBSTITUTES[ch] ?? '?');
  return out;
}

/** Encode `s` as GBK; characters GBK cannot hold become `?` (callers check with `gbkEncodable`). */
export function encodeGbk(s: string): Buffer {
  table ??= buildTable();
  const out = Buffer.allocUnsafe(s.length * 2);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    const code = table.get(c);
    if (code === undefined) {
      out[n++] = 0x3f;
      continue;
    }
    out[n++] = code >> 8;
    out[n++] = code & 0xff;
  }
  return out.subarray(0, n);
}
