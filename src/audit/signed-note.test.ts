import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditError, FormatError, VerificationError } from './errors.ts';
import {
  ED25519_COSIGNATURE,
  encodeVerifierKey,
  generateNoteKey,
  noteKeyHash,
  noteSigner,
  noteVerifier,
  parseSignerKey,
  parseVerifierKey,
} from './note-keys.ts';
import { appendSignatures, openNote, parseNote, signatureLine, signNote } from './signed-note.ts';

// C2SP signed-note v1 example (signed-note.md, "Verifier keys" example).
const C2SP_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const C2SP_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
// Tessera testdata/build_log.sh test keys (public, test only); the base64 contains '+'.
const TESSERA_VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
const TESSERA_SKEY =
  'PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg';

const seeded = (byte: number) => (n: number) => new Uint8Array(n).fill(byte);
const alice = generateNoteKey('alice.example/log', undefined, seeded(1));
const bob = generateNoteKey('bob.example/log', undefined, seeded(2));

describe('note keys', () => {
  it('parses vkeys and skeys, splitting on the first separators only', () => {
    const v = parseVerifierKey(TESSERA_VKEY);
    expect(v.name).toBe('example.com/log/testdata');
    expect(v.keyHash).toBe(0x33d7b496);
    const s = parseSignerKey(TESSERA_SKEY);
    expect(Buffer.from(s.publicKey).equals(Buffer.from(v.publicKey))).toBe(true);
    expect(encodeVerifierKey(v.name, v.type, v.publicKey)).toBe(TESSERA_VKEY);
    expect(noteKeyHash(v.name, 0x01, v.publicKey)).toBe(0x33d7b496);
  });

  it('generates key pairs that sign and verify', async () => {
    const note = await signNote('hello\n', [noteSigner(alice.skey)]);
    expect(openNote(note, [noteVerifier(alice.vkey)]).verified).toHaveLength(1);
    expect(generateNoteKey('alice.example/log', undefined, seeded(1))).toEqual(alice);
  });

  it.each([
    ['no separators', 'example.com'],
    ['bad name', 'exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['empty name', '+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['wrong key ID', 'example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['short key ID', 'example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['lenient base64', 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k='],
    ['short key', 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2'],
    ['unknown type', 'example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
  ])('rejects a vkey with %s', (_why, vkey) => {
    expect(() => parseVerifierKey(vkey)).toThrow(FormatError);
  });

  it('keeps note keys and cosignature keys apart', () => {
    const witness = generateNoteKey('w.example', ED25519_COSIGNATURE, seeded(3));
    expect(() => noteVerifier(witness.vkey)).toThrow(FormatError);
    expect(() => noteSigner(witness.skey)).toThrow(FormatError);
    expect(() => parseSignerKey(TESSERA_VKEY)).toThrow(FormatError);
  });

  it('never throws anything but FormatError on arbitrary key strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (s) => {
        for (const text of [s, `example.com+530d903a+${s}`, `PRIVATE+KEY+${s}`]) {
          try {
            parseVerifierKey(text);
            parseSignerKey(text);
          } catch (e) {
            expect(e).toBeInstanceOf(FormatError);
          }
        }
      }),
    );
  });
});

describe('signed notes', () => {
  it('verifies the C2SP example', () => {
    const note = openNote(C2SP_NOTE, [noteVerifier(C2SP_VKEY)]);
    expect(note.text).toBe('This is an example message.\n');
    expect(note.verified.map((s) => s.name)).toEqual(['example.com/foo']);
  });

  it('splits text from signatures at the last blank line', async () => {
    const text = 'line one\n\nline three\n\n';
    const note = await signNote(text, [noteSigner(alice.skey)]);
    expect(openNote(note, [noteVerifier(alice.vkey)]).text).toBe(text);
  });

  it('ignores unknown keys, and keeps their lines', async () => {
    const note = await signNote('hello\n', [noteSigner(bob.skey), noteSigner(alice.skey)]);
    const opened = openNote(note, [noteVerifier(alice.vkey)]);
    expect(opened.verified.map((s) => s.name)).toEqual(['alice.example/log']);
    expect(opened.unverified.map((s) => s.name)).toEqual(['bob.example/log']);
  });

  it('needs a signature by a known key', async () => {
    const note = await signNote('hello\n', [noteSigner(bob.skey)]);
    expect(() => openNote(note, [noteVerifier(alice.vkey)])).toThrow(
      expect.objectContaining({ code: 'NO_TRUSTED_SIGNATURE' }),
    );
  });

  it('rejects the whole note if a known key signature fails, even next to a good one', async () => {
    const good = await signatureLine('hello\n', noteSigner(alice.skey));
    const forged = await signatureLine('hellO\n', noteSigner(alice.skey));
    const note = `hello\n\n${good}\n${forged}\n`;
    expect(() => openNote(note, [noteVerifier(alice.vkey)])).toThrow(
      expect.objectContaining({ code: 'BAD_SIGNATURE' }),
    );
    // Same name and key ID but another key: the signature is checked with the known key and fails.
    const impostor = generateNoteKey('alice.example/log', undefined, seeded(9));
    const fake = await signNote('hello\n', [noteSigner(impostor.skey)]);
    const sameId = fake.replace(
      /— alice\.example\/log (\S+)/,
      (_m, b64: string) =>
        `— alice.example/log ${Buffer.concat([
          Buffer.from(alice.vkey.split('+')[1]!, 'hex'),
          Buffer.from(b64, 'base64').subarray(4),
        ]).toString('base64')}`,
    );
    expect(() => openNote(sameId, [noteVerifier(alice.vkey)])).toThrow(VerificationError);
  });

  it('adds signature lines without duplicates', async () => {
    const note = await signNote('hello\n', [noteSigner(alice.skey)]);
    const line = await signatureLine('hello\n', noteSigner(bob.skey));
    const both = appendSignatures(note, [line, line]);
    expect(appendSignatures(both, [line])).toBe(both);
    expect(openNote(both, [noteVerifier(alice.vkey), noteVerifier(bob.vkey)]).verified).toHaveLength(2);
  });

  const sig = C2SP_NOTE.slice(C2SP_NOTE.indexOf('—'));
  it.each([
    ['no blank line', `text\n${sig}`],
    ['no final newline', C2SP_NOTE.slice(0, -1)],
    ['no signatures', 'text\n\n'],
    ['a carriage return', C2SP_NOTE.replace('message.', 'message.\r')],
    ['a tab', C2SP_NOTE.replace(' is', '\tis')],
    ['a NUL', C2SP_NOTE.replace(' is', '\u0000is')],
    ['a lone surrogate', C2SP_NOTE.replace(' is', '\ud800is')],
    ['a hyphen instead of an em dash', C2SP_NOTE.replace('—', '-')],
    ['no space after the dash', C2SP_NOTE.replace('— ', '—')],
    ['a name with a plus', C2SP_NOTE.replace('example.com/foo', 'example.com+foo')],
    ['an empty name', C2SP_NOTE.replace('example.com/foo ', ' ')],
    ['non-canonical base64', C2SP_NOTE.replace('aQM=', 'aQN=')],
    ['base64 without padding', C2SP_NOTE.replace('aQM=', 'aQM')],
    [
      'URL-safe base64',
      C2SP_NOTE.replace(
        'Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONnc',
        'Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONn_',
      ),
    ],
    ['a 4-byte signature', 'text\n\n— a AAAAAA==\n'],
    ['a blank signature line', `${C2SP_NOTE}\n`.replace('\n\n—', '\n\n\n—')],
  ])('rejects a note with %s as MALFORMED_NOTE', (_why, note) => {
    expect(() => parseNote(note)).toThrow(expect.objectContaining({ code: 'MALFORMED_NOTE' }));
  });

  it('treats lines above the last blank line as text, so a smuggled signature block fails to verify', () => {
    const note = `${C2SP_NOTE}\n${sig}`;
    expect(parseNote(note).text).toBe(`This is an example message.\n\n${sig}`);
    expect(() => openNote(note, [noteVerifier(C2SP_VKEY)])).toThrow(
      expect.objectContaining({ code: 'BAD_SIGNATURE' }),
    );
  });

  it('rejects invalid UTF-8 bytes and enforces its limits', () => {
    const bytes = Buffer.from(C2SP_NOTE);
    bytes[2] = 0xff;
    expect(() => parseNote(bytes)).toThrow(expect.objectContaining({ code: 'MALFORMED_NOTE' }));
    expect(() => parseNote(C2SP_NOTE, { maxBytes: 50 })).toThrow(
      expect.objectContaining({ code: 'NOTE_TOO_LARGE' }),
    );
    expect(() => parseNote(Buffer.alloc(200_000, 0x41))).toThrow(
      expect.objectContaining({ code: 'NOTE_TOO_LARGE' }),
    );
    const many = `text\n\n${sig.repeat(65)}`;
    expect(() => parseNote(many)).toThrow(expect.objectContaining({ code: 'TOO_MANY_SIGNATURES' }));
    expect(parseNote(`text\n\n${sig.repeat(16)}`).signatures).toHaveLength(16);
  });

  it('never throws anything but its typed errors on hostile input', () => {
    const verifiers = [noteVerifier(C2SP_VKEY), noteVerifier(alice.vkey)];
    const check = (input: string | Uint8Array) => {
      try {
        openNote(input, verifiers);
      } catch (e) {
        if (!(e instanceof FormatError || e instanceof VerificationError)) throw e;
      }
    };
    // Arbitrary Unicode, arbitrary UTF-16 (lone surrogates), arbitrary bytes, and mutations of a
    // real note (so the parser gets deep, not only to the first check).
    const utf16 = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 })
      .map((units) => String.fromCharCode(...units));
    const mutated = fc
      .tuple(
        fc.nat({ max: C2SP_NOTE.length }),
        fc.nat({ max: C2SP_NOTE.length }),
        fc.string({ unit: 'binary', maxLength: 8 }),
      )
      .map(([a, b, insert]) => C2SP_NOTE.slice(0, Math.min(a, b)) + insert + C2SP_NOTE.slice(Math.max(a, b)));
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 500 });
    fc.assert(fc.property(utf16, check), { numRuns: 500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 500 });
    fc.assert(fc.property(mutated, check), { numRuns: 2000 });
    expect(() => openNote(undefined as unknown as string, verifiers)).toThrow(AuditError);
  });

  it('refuses to sign text a note cannot carry', async () => {
    await expect(signNote('no newline', [noteSigner(alice.skey)])).rejects.toBeInstanceOf(FormatError);
    await expect(signNote('tab\there\n', [noteSigner(alice.skey)])).rejects.toBeInstanceOf(FormatError);
    await expect(signNote('hello\n', [])).rejects.toBeInstanceOf(FormatError);
  });
});
