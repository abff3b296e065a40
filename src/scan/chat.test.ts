import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chatHead,
  HEAD_NONE,
  HEAD_PATTERNS,
  headMayMatch,
  headName,
  headNameText,
  SENDER_AFTER,
  SENDER_BEFORE,
  SPEAKER,
} from './chat.ts';

/** What the detector did before the byte tests: decode, run the three patterns in order. */
function byPatterns(input: string | Uint8Array): { at: number; name: string } | undefined {
  // As the detector decodes a head (a leading byte order mark is dropped).
  const head = new TextDecoder().decode(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  const m = SPEAKER.exec(head) ?? SENDER_AFTER.exec(head) ?? SENDER_BEFORE.exec(head);
  if (m?.[1] === undefined) return undefined;
  return { at: m.index + m[0].indexOf(m[1]), name: m[1] };
}

/**
 * What the detector does now, answering in the same terms (`at` as a UTF-16 index of the head):
 * the byte tests, and for the heads they leave to the patterns, the byte filter then the patterns.
 */
function byBytes(input: string | Uint8Array): { at: number; name: string } | undefined {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  const at = chatHead(b, 0, b.length);
  if (at === HEAD_PATTERNS) return headMayMatch(b, 0, b.length) ? byPatterns(b) : undefined;
  if (at === HEAD_NONE) return undefined;
  const name = headNameText(b, at, headName.end);
  return { at: new TextDecoder().decode(b.subarray(0, at)).length, name };
}

// Pieces chat heads are made of, and the characters that could confuse a byte test.
const PIECES = [
  '2024-07-09',
  '2024/5/26',
  '2024.1.2',
  '2024-07-091',
  '202-07-09',
  '03:53:08',
  '9:12',
  '09:12',
  '12:345',
  '123:45',
  '07:38:1',
  '[09:12]',
  ' ',
  '  ',
  '\t',
  '\r',
  ':',
  '：',
  '张伟',
  '欧阳',
  '娜',
  '·',
  '买买提·艾力',
  '张伟张伟张伟张伟张伟',
  '一',
  '丁',
  '\u3000',
  '\u00a0',
  'a',
  'Tom',
  'x9',
  '2024-07-09 03:53:08 ',
  '09:12 ',
  '0',
  '7',
  '-',
  '/',
  '.',
  '（',
  '\ufeff',
  '\u2028',
  '\u1680',
  '😀',
  '，',
  '\ufffd',
];

describe('chatHead', () => {
  it('finds what the patterns find, or hands the head to them', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }), (parts) => {
        const head = parts.join('');
        expect(byBytes(head)).toEqual(byPatterns(head));
        return true;
      }),
      { numRuns: 20000 },
    );
  });

  it('agrees with the patterns on invalid UTF-8 too', () => {
    const bytes = PIECES.map((p) => [...Buffer.from(p, 'utf8')]);
    bytes.push([0xe4], [0xe4, 0xb8], [0xc2], [0xe3, 0x80], [0xf0, 0x9f], [0x80], [0xff], [0xef, 0xbb]);
    let decided = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...bytes), { maxLength: 10 }), (parts) => {
        const head = Uint8Array.from(parts.flat());
        if (chatHead(head, 0, head.length) !== HEAD_PATTERNS) decided++;
        expect(byBytes(head)).toEqual(byPatterns(head));
        return true;
      }),
      { numRuns: 20000 },
    );
    expect(decided).toBeGreaterThan(15000);
  });

  it('decides typical export headers on bytes', () => {
    for (const head of [
      '2024-07-09 03:53:08 张伟',
      '2024-07-09 03:53:08 张伟\r',
      '09:12 欧阳娜：在吗，好的。',
      '张伟 2024/05/26 07:38:15',
      '2024-07-09\u300003:53:08\u3000张伟\u00a0',
    ]) {
      const b = Buffer.from(head, 'utf8');
      expect(chatHead(b, 0, b.length)).toBeGreaterThanOrEqual(0);
      expect(byBytes(head)).toEqual(byPatterns(head));
    }
  });

  it('rules out message lines without decoding them', () => {
    for (const head of ['已经在路上了，大概十分钟到', '谢谢老板', '2024年的事', '12345678']) {
      const b = Buffer.from(head, 'utf8');
      expect(chatHead(b, 0, b.length)).toBe(HEAD_NONE);
      expect(byPatterns(head)).toBeUndefined();
    }
  });
});
