// The Tessera end-to-end fixture: a complete C2SP tlog-tiles log of 15 entries
// (github.com/transparency-dev/tessera @ 1811ae1a, testdata/log/, built by testdata/build_log.sh),
// read from ../shared/testdata/tlog/tessera-testdata-log (or $SHIMING_TLOG_TESTDATA), never copied.
// The keys below are the public test keys from build_log.sh.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCheckpoint } from './checkpoint.ts';
import { CheckpointVerifier } from './checkpoint-verifier.ts';
import { parseEntryBundle } from './entry-bundle.ts';
import { hashSuite } from './hash-suite.ts';
import { noteSigner, noteVerifier } from './note-keys.ts';
import { consistencyProof, inclusionProof } from './proof-builder.ts';
import { openNote, signNote } from './signed-note.ts';
import { tileHashReader } from './tile-hash-reader.ts';
import { entryBundlePath, tilePath } from './tile-path.ts';
import { TreeAppender } from './tree-appender.ts';
import { merkleTreeHash } from './tree-hash.ts';
import { verifyConsistency, verifyInclusion } from './verify-proof.ts';

const VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
const SKEY = 'PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg';
const ORIGIN = 'example.com/log/testdata';
const WORDS = 'one two three four five six seven eit nain ten ileven twelf threeten fourten fivten'.split(
  ' ',
);

function logDir(): string | undefined {
  const base =
    process.env.SHIMING_TLOG_TESTDATA ??
    fileURLToPath(new URL('../../../shared/testdata/tlog/', import.meta.url));
  const dir = join(base, 'tessera-testdata-log');
  if (existsSync(dir)) return dir;
  console.warn(`[audit] Tessera test log not found at ${dir}: its tests are skipped`);
  return undefined;
}

const dir = logDir();
const suite = hashSuite('sha256');
const read = (path: string) => readFileSync(join(dir!, path));
const sizes = Array.from({ length: 16 }, (_, i) => i);

describe.skipIf(!dir)('Tessera 15-entry log', () => {
  it('entry bundles hold the 15 entries, each bundle a prefix of the next', () => {
    for (let w = 1; w <= 15; w++) {
      const entries = parseEntryBundle(read(entryBundlePath({ index: 0n, width: w })), w);
      expect(entries.map((e) => Buffer.from(e).toString())).toEqual(WORDS.slice(0, w));
    }
  });

  it('every level-0 tile is the leaf hashes of its bundle', () => {
    for (let w = 1; w <= 15; w++) {
      const entries = parseEntryBundle(read(entryBundlePath({ index: 0n, width: w })));
      const tile = Buffer.concat(entries.map((e) => suite.leafHash(e)));
      expect(tile.equals(read(tilePath({ level: 0, index: 0n, width: w })))).toBe(true);
    }
  });

  it('the appender writes the same tiles, one append at a time', () => {
    const tree = TreeAppender.empty(suite);
    for (let w = 1; w <= 15; w++) {
      tree.appendEntry(Buffer.from(WORDS[w - 1]!));
      const [tile, ...rest] = tree.flush();
      expect(rest).toEqual([]);
      expect(tilePath(tile!)).toBe(`tile/0/000.p/${w}`);
      expect(Buffer.from(tile!.hashes).equals(read(tilePath(tile!)))).toBe(true);
    }
  });

  it.each(sizes)('checkpoint.%i verifies with the vkey and commits to the first entries', (size) => {
    const note = read(`checkpoint.${size}`);
    const opened = openNote(note, [noteVerifier(VKEY)]);
    const cp = parseCheckpoint(opened.text);
    expect(cp.origin).toBe(ORIGIN);
    expect(cp.size).toBe(BigInt(size));
    const leaves = WORDS.slice(0, size).map((w) => suite.leafHash(Buffer.from(w)));
    expect(Buffer.from(cp.root).equals(Buffer.from(merkleTreeHash(suite, leaves)))).toBe(true);
  });

  it.each(sizes)('re-signing checkpoint.%i with the skey reproduces the file byte for byte', async (size) => {
    const file = read(`checkpoint.${size}`).toString('utf8');
    const text = openNote(file, [noteVerifier(VKEY)]).text;
    expect(await signNote(text, [noteSigner(SKEY)])).toBe(file);
  });

  it('checkpoint is checkpoint.15', () => {
    expect(read('checkpoint').equals(read('checkpoint.15'))).toBe(true);
  });

  it('proofs generated from the stored tile verify between every pair of checkpoints', async () => {
    const tile15 = read('tile/0/000.p/15');
    const roots = sizes.map(
      (s) => parseCheckpoint(openNote(read(`checkpoint.${s}`), [noteVerifier(VKEY)]).text).root,
    );
    const verifier = new CheckpointVerifier({ origin: ORIGIN, suite, logKeys: [noteVerifier(VKEY)] });
    let checked = 0;
    for (let n = 1; n <= 15; n++) {
      const reader = tileHashReader(suite, BigInt(n), async (ids) => ids.map(() => tile15));
      for (let i = 0; i < n; i++) {
        const proof = await inclusionProof(suite, BigInt(i), BigInt(n), reader);
        verifyInclusion(
          suite,
          BigInt(i),
          BigInt(n),
          suite.leafHash(Buffer.from(WORDS[i]!)),
          proof,
          roots[n]!,
        );
        checked++;
      }
      for (let m = 0; m <= n; m++) {
        const proof = await consistencyProof(suite, BigInt(m), BigInt(n), reader);
        if (m > 0) verifyConsistency(suite, BigInt(m), BigInt(n), proof, roots[m]!, roots[n]!);
        const verdict = verifier.verifyUpdate(
          read(`checkpoint.${m}`).toString(),
          read(`checkpoint.${n}`).toString(),
          proof,
        );
        expect(verdict.grew).toBe(m < n);
        checked++;
      }
    }
    expect(checked).toBe(120 + 135);
  });
});
