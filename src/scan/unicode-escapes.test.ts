import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanText } from './stream.ts';
import { unescapeUnicode } from './unicode-escapes.ts';

/** `s` with every non-ASCII UTF-16 unit written as `\uXXXX`, as Python's json.dumps does. */
function escapeNonAscii(s: string, upper = false): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const hex = c.toString(16).padStart(4, '0');
    out += c < 0x80 ? s[i] : `\\u${upper ? hex.toUpperCase() : hex}`;
  }
  return out;
}

describe('unescapeUnicode', () => {
  it('leaves a region without escapes alone', () => {
    expect(unescapeUnicode(Buffer.from('{"name":"张伟"}'), 17)).toBeUndefined();
    // ASCII escapes keep the JSON as written.
    expect(unescapeUnicode(Buffer.from('{"q":"\\u0022x\\u005c"}'), 21)).toBeUndefined();
  });

  it('decodes non-ASCII escapes and maps every character boundary back (fast-check)', () => {
    const chars = fc.oneof(
      fc.constantFrom('a', '1', ' ', '"', ':', '\\'),
      fc.integer({ min: 0x80, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0xe000, max: 0xffff }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), fc.boolean(), (parts, upper) => {
        // A lone backslash followed by u would make an escape of its own: keep them apart.
        const text = parts.join('').replace(/\\(?=u)/g, '/');
        const escaped = escapeNonAscii(text, upper);
        const buf = Buffer.from(escaped, 'latin1');
        const un = unescapeUnicode(buf, buf.length);
        if (!/[^\x00-\x7f]/.test(text)) {
          expect(un).toBeUndefined();
          return;
        }
        expect(un!.bytes.toString('utf8')).toBe(text);
        // Walk the characters: decoded offset d ↔ original offset o.
        let d = 0;
        let o = 0;
        for (const ch of text) {
          expect(un!.toOriginal(d)).toBe(o);
          d += Buffer.byteLength(ch);
          o += ch.charCodeAt(0) < 0x80 ? 1 : 6 * ch.length;
        }
        expect(un!.toOriginal(d)).toBe(o);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves lone surrogates and malformed escapes as written', () => {
    const text = 'a\\ud800b\\udc00c\\u4e2x\\u4e2d';
    const un = unescapeUnicode(Buffer.from(text), text.length)!;
    expect(un.bytes.toString('utf8')).toBe('a\\ud800b\\udc00c\\u4e2x中');
  });
});

/** `s` with every non-ASCII character percent-encoded (UTF-8), as URLs carry it. */
function percentNonAscii(s: string, upper = true): string {
  let out = '';
  for (const ch of s) {
    if (ch.charCodeAt(0) < 0x80) out += ch;
    else
      for (const b of Buffer.from(ch))
        out += `%${b.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`;
  }
  return out;
}

describe('percent-encoding', () => {
  it('decodes whole non-ASCII UTF-8 characters and maps every boundary back (fast-check)', () => {
    const chars = fc.oneof(
      fc.constantFrom('a', '1', ' ', '&', '=', '%', '%26', '%20', '%zz'),
      fc.integer({ min: 0x80, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), fc.boolean(), (parts, upper) => {
        const text = parts.join('');
        const encoded = percentNonAscii(text, upper);
        const buf = Buffer.from(encoded, 'latin1');
        const un = unescapeUnicode(buf, buf.length);
        if (!/[^\x00-\x7f]/.test(text)) {
          expect(un).toBeUndefined();
          return;
        }
        expect(un!.bytes.toString('utf8')).toBe(text);
        let d = 0;
        let o = 0;
        for (const ch of text) {
          expect(un!.toOriginal(d)).toBe(o);
          d += Buffer.byteLength(ch);
          o += ch.charCodeAt(0) < 0x80 ? 1 : 3 * Buffer.byteLength(ch);
        }
        expect(un!.toOriginal(d)).toBe(o);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves ASCII, cut, overlong and surrogate encodings as written', () => {
    const text = 'a%26b%20c%E5%BCd%C0%AFe%ED%A0%80f%E5%BC%A0';
    expect(unescapeUnicode(Buffer.from(text), text.length)!.bytes.toString('utf8')).toBe(
      'a%26b%20c%E5%BCd%C0%AFe%ED%A0%80f张',
    );
  });

  it('finds a name in a query string, placed at its encoding in the log', () => {
    const line = 'GET /api/user?mobile=13912345678&name=%E5%BC%A0%E4%BC%9F&city=%E5%8C%97%E4%BA%AC HTTP/1.1';
    const found = scanText(line, { showValues: true }).map((f) => [f.type, f.value, f.column]);
    expect(found).toEqual([
      ['CN_MOBILE', '13912345678', 22],
      ['CN_NAME', '张伟', 39],
    ]);
  });
});

describe('scanning JSON written with \\u escapes', () => {
  it('finds names, addresses and numbers glued to escapes, with columns in the file', () => {
    const record = {
      name: '张伟',
      phone: '13912345678',
      address: '北京市朝阳区建国路88号',
      note: '客户张伟，手机13812345678',
    };
    const line = escapeNonAscii(JSON.stringify(record));
    const found = scanText(line, { format: 'json', showValues: true });
    expect(found.map((f) => [f.type, f.value, f.field])).toEqual([
      ['CN_NAME', '张伟', 'name'],
      ['CN_MOBILE', '13912345678', 'phone'],
      ['CN_ADDRESS', '北京市朝阳区建国路88号', 'address'],
      ['CN_NAME', '张伟', 'note'],
      ['CN_MOBILE', '13812345678', 'note'],
    ]);
    // Columns and offsets point at the escaped text as written.
    const [name, , address, , glued] = found;
    expect(line.slice(name!.start, name!.end)).toBe('\\u5f20\\u4f1f');
    expect(name!.column).toBe(line.indexOf('\\u5f20') + 1);
    expect(line.slice(address!.start, address!.end)).toMatch(/^\\u5317.*88\\u53f7$/);
    expect(line.slice(glued!.start, glued!.end)).toBe('13812345678');
  });
});
