import { describe, expect, it } from 'vitest';
import { type Checkpoint, formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
import { CheckpointVerifier, type LogPolicy } from './checkpoint-verifier.ts';
import { cosignatureTime, cosignatureVerifier, cosigner } from './cosignature.ts';
import { FormatError, VerificationError } from './errors.ts';
import { hashSuite } from './hash-suite.ts';
import { ED25519_COSIGNATURE, generateNoteKey, noteSigner, noteVerifier } from './note-keys.ts';
import { consistencyProof, inclusionProof } from './proof-builder.ts';
import { appendSignatures, openNote, parseNote, signatureLine, signNote } from './signed-note.ts';
import { tileHashReader } from './tile-hash-reader.ts';
import { TreeAppender } from './tree-appender.ts';

const suite = hashSuite('sha256');
const ORIGIN = 'example.cn/pi-audit/t42';
const seeded = (byte: number) => (n: number) => new Uint8Array(n).fill(byte);
const logKey = generateNoteKey(ORIGIN, undefined, seeded(1));
const otherKey = generateNoteKey(ORIGIN, undefined, seeded(2));
const w1 = generateNoteKey('regulator.example/w1', ED25519_COSIGNATURE, seeded(3));
const w2 = generateNoteKey('auditor.example/w2', ED25519_COSIGNATURE, seeded(4));
const NOW = 1_800_000_000n;

/** An honest log of `size` entries, and a forked one sharing its first `forkAt` entries. */
function makeLog(size: number, forkAt = size) {
  const tree = TreeAppender.empty(suite);
  const roots: Uint8Array[] = [tree.root()];
  for (let i = 0; i < size; i++) {
    tree.appendEntry(Buffer.from(i < forkAt ? `access ${i}` : `forged ${i}`));
    roots.push(tree.root());
  }
  const tiles = new Map(tree.flush().map((t) => [`${t.level}/${t.index}`, t.hashes]));
  const reader = (n: bigint) =>
    tileHashReader(suite, n, async (ids) => ids.map((id) => tiles.get(`${id.level}/${id.index}`)));
  return {
    roots,
    proof: (from: number, to: number) =>
      consistencyProof(suite, BigInt(from), BigInt(to), reader(BigInt(to))),
    inclusion: (index: number, to: number) =>
      inclusionProof(suite, BigInt(index), BigInt(to), reader(BigInt(to))),
    body: (n: number, origin = ORIGIN) =>
      formatCheckpoint({ origin, size: BigInt(n), root: roots[n]!, extensions: [] } satisfies Checkpoint),
  };
}

const log = makeLog(50);
const sign = (body: string, skey = logKey.skey) => signNote(body, [noteSigner(skey)]);
async function cosign(note: string, witnessSkey: string, time = NOW) {
  const text = parseNote(note).text;
  return appendSignatures(note, [
    await signatureLine(
      text,
      cosigner(witnessSkey, () => time),
    ),
  ]);
}

const policy = (extra: Partial<LogPolicy> = {}): LogPolicy => ({
  origin: ORIGIN,
  suite,
  logKeys: [noteVerifier(logKey.vkey)],
  ...extra,
});
const witnessed = (quorum: number, more: object = {}) =>
  new CheckpointVerifier(
    policy({
      witnesses: { verifiers: [cosignatureVerifier(w1.vkey), cosignatureVerifier(w2.vkey)], quorum, ...more },
    }),
  );

const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof VerificationError) return e.code;
    throw e;
  }
};

describe('CheckpointVerifier', () => {
  describe('when the new checkpoint extends the trusted one', () => {
    it('accepts it, from a trusted note or a parsed checkpoint', async () => {
      const verifier = new CheckpointVerifier(policy());
      const trusted = await sign(log.body(20));
      const next = await sign(log.body(50));
      const verdict = verifier.verifyUpdate(trusted, next, await log.proof(20, 50));
      expect(verdict.grew).toBe(true);
      expect(verdict.verified.checkpoint.size).toBe(50n);
      expect(verifier.verifyUpdate(verdict.verified.checkpoint, next, []).grew).toBe(false);
    });

    it('accepts any checkpoint after the empty tree, with an empty proof', async () => {
      const verifier = new CheckpointVerifier(policy());
      const verdict = verifier.verifyUpdate(await sign(log.body(0)), await sign(log.body(7)), []);
      expect(verdict.grew).toBe(true);
    });
  });

  describe('when the log misbehaves', () => {
    it('throws ROLLBACK for a smaller tree', async () => {
      const verifier = new CheckpointVerifier(policy());
      const trusted = await sign(log.body(30));
      expect(codeOf(() => verifier.verifyUpdate(trusted, '', []))).toBe('MALFORMED');
      const smaller = await sign(log.body(29));
      expect(codeOf(() => verifier.verifyUpdate(trusted, smaller, []))).toBe('ROLLBACK');
    });

    it('throws FORK for a rewritten history, even with a proof from the forged tree', async () => {
      const forked = makeLog(50, 25);
      const verifier = new CheckpointVerifier(policy());
      const trusted = await sign(log.body(30));
      const next = await sign(forked.body(50));
      expect(codeOf(() => verifier.verifyUpdate(trusted, next, []))).toBe('FORK');
      const forgedProof = await forked.proof(30, 50);
      expect(codeOf(() => verifier.verifyUpdate(trusted, next, forgedProof))).toBe('FORK');
      // Same size, different root: a split view.
      const split = await sign(forked.body(30));
      expect(codeOf(() => verifier.verifyUpdate(trusted, split, []))).toBe('FORK');
    });

    it('throws FORK for a proof between other sizes', async () => {
      const verifier = new CheckpointVerifier(policy());
      const trusted = await sign(log.body(30));
      expect(codeOf(() => verifier.verifyUpdate(trusted, log.body(50), []))).toBe('MALFORMED');
      const next = await sign(log.body(50));
      expect(codeOf(() => verifier.verifyUpdate(trusted, next, []))).toBe('FORK');
      const wrong = await log.proof(31, 50);
      expect(codeOf(() => verifier.verifyUpdate(trusted, next, wrong))).toBe('FORK');
    });

    it('throws NO_TRUSTED_SIGNATURE / BAD_SIGNATURE / WRONG_ORIGIN', async () => {
      const verifier = new CheckpointVerifier(policy());
      const trusted = await sign(log.body(10));
      const proof = await log.proof(10, 20);
      const byOther = await sign(log.body(20), otherKey.skey);
      expect(codeOf(() => verifier.verifyUpdate(trusted, byOther, proof))).toBe('NO_TRUSTED_SIGNATURE');
      const good = await sign(log.body(20));
      // Flip a signature bit (past the 4-byte key ID): the key is known, the signature fails.
      const line = parseNote(good).signatures[0]!;
      const bytes = Buffer.from(line.line.split(' ')[2]!, 'base64');
      bytes[20]! ^= 1;
      const tampered = `${parseNote(good).text}\n— ${line.name} ${bytes.toString('base64')}\n`;
      expect(codeOf(() => verifier.verifyUpdate(trusted, tampered, proof))).toBe('BAD_SIGNATURE');
      // Flip a key-ID bit: now it is an unknown key, ignored, and nothing trusted signed.
      bytes[20]! ^= 1;
      bytes[0]! ^= 1;
      const unknown = `${parseNote(good).text}\n— ${line.name} ${bytes.toString('base64')}\n`;
      expect(codeOf(() => verifier.verifyUpdate(trusted, unknown, proof))).toBe('NO_TRUSTED_SIGNATURE');
      const altered = good.replace('\n20\n', '\n21\n');
      expect(codeOf(() => verifier.verifyUpdate(trusted, altered, proof))).toBe('BAD_SIGNATURE');
      const otherLog = await sign(log.body(20, 'example.cn/pi-audit/t43'));
      expect(codeOf(() => verifier.verifyUpdate(trusted, otherLog, proof))).toBe('WRONG_ORIGIN');
      const emptyWithRoot = await sign(
        formatCheckpoint({ origin: ORIGIN, size: 0n, root: log.roots[3]!, extensions: [] }),
      );
      expect(codeOf(() => verifier.verifyNote(emptyWithRoot))).toBe('ROOT_MISMATCH');
    });

    it('throws MALFORMED (with the parse error as cause) for hostile checkpoint bodies', async () => {
      const verifier = new CheckpointVerifier(policy());
      for (const body of [`${ORIGIN}\n0x10\n${Buffer.alloc(32).toString('base64')}\n`, `${ORIGIN}\n5\n`]) {
        try {
          verifier.verifyNote(await sign(body));
          expect.unreachable();
        } catch (e) {
          expect(e).toBeInstanceOf(VerificationError);
          expect((e as VerificationError).code).toBe('MALFORMED');
          expect((e as VerificationError).cause).toBeInstanceOf(FormatError);
        }
      }
    });
  });

  describe('witness cosignatures', () => {
    it('round-trip: a cosigned checkpoint meets the quorum and reports the cosignature times', async () => {
      const note = await cosign(await cosign(await sign(log.body(50)), w1.skey, NOW - 5n), w2.skey);
      const verified = witnessed(2, { now: () => NOW, maxAgeSeconds: 60n }).verifyNote(note);
      expect(verified.cosignatures.map((c) => [c.name, c.time])).toEqual([
        ['regulator.example/w1', NOW - 5n],
        ['auditor.example/w2', NOW],
      ]);
      const line = parseNote(note).signatures[1]!;
      expect(cosignatureTime(line.signature)).toBe(NOW - 5n);
    });

    it('throws WITNESS_QUORUM when too few trusted witnesses cosigned', async () => {
      const note = await cosign(await sign(log.body(50)), w1.skey);
      expect(codeOf(() => witnessed(1).verifyNote(note))).toBe('ok');
      expect(codeOf(() => witnessed(2).verifyNote(note))).toBe('WITNESS_QUORUM');
      // A second cosignature by the same witness does not count twice.
      const twice = await cosign(note, w1.skey, NOW + 1n);
      expect(codeOf(() => witnessed(2).verifyNote(twice))).toBe('WITNESS_QUORUM');
      // An unknown witness is ignored.
      const stranger = generateNoteKey('stranger.example', ED25519_COSIGNATURE, seeded(8));
      const withStranger = await cosign(note, stranger.skey);
      expect(codeOf(() => witnessed(2).verifyNote(withStranger))).toBe('WITNESS_QUORUM');
    });

    it('throws COSIGNATURE_TIME for stale or future cosignatures', async () => {
      const signed = await sign(log.body(50));
      const stale = await cosign(signed, w1.skey, NOW - 3600n);
      expect(codeOf(() => witnessed(1, { now: () => NOW, maxAgeSeconds: 600n }).verifyNote(stale))).toBe(
        'COSIGNATURE_TIME',
      );
      const future = await cosign(signed, w1.skey, NOW + 3600n);
      expect(codeOf(() => witnessed(1, { now: () => NOW }).verifyNote(future))).toBe('COSIGNATURE_TIME');
    });

    it('rejects a tampered cosignature or one over another checkpoint', async () => {
      const signed = await sign(log.body(50));
      const note = await cosign(signed, w1.skey);
      const line = parseNote(note).signatures[1]!;
      // Change the timestamp: the Ed25519 signature covers it.
      const sig = Buffer.from([...Buffer.from(line.line.split(' ')[2]!, 'base64')]);
      sig[11]! ^= 1;
      const retimed = `${parseNote(note).text}\n${parseNote(note).signatures[0]!.line}\n— ${line.name} ${sig.toString('base64')}\n`;
      expect(codeOf(() => witnessed(1).verifyNote(retimed))).toBe('BAD_SIGNATURE');
      const elsewhere = await signatureLine(
        log.body(49),
        cosigner(w1.skey, () => NOW),
      );
      expect(codeOf(() => witnessed(1).verifyNote(appendSignatures(signed, [elsewhere])))).toBe(
        'BAD_SIGNATURE',
      );
    });

    it('keeps cosignature keys and log keys apart', async () => {
      const byWitness = await signNote(log.body(50), [cosigner(w1.skey, () => NOW)]);
      expect(codeOf(() => witnessed(1).verifyNote(byWitness))).toBe('NO_TRUSTED_SIGNATURE');
      expect(() => cosigner(logKey.skey)).toThrow(FormatError);
      expect(() => cosignatureVerifier(logKey.vkey)).toThrow(FormatError);
      await expect(signNote('not a checkpoint\n', [cosigner(w1.skey, () => NOW)])).rejects.toBeInstanceOf(
        FormatError,
      );
    });

    it('reads the timestamp of the C2SP tlog-cosignature example', () => {
      const example =
        'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
        '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
        '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';
      const note = parseNote(example);
      expect(parseCheckpoint(note.text).size).toBe(20852163n);
      expect(cosignatureTime(note.signatures[1]!.signature)).toBe(1679315147n);
    });
  });

  describe('inclusion and full replay', () => {
    it('checks an entry against a verified checkpoint', async () => {
      const verifier = new CheckpointVerifier(policy());
      const cp = verifier.verifyNote(await sign(log.body(50))).checkpoint;
      verifier.verifyEntry(cp, 17n, Buffer.from('access 17'), await log.inclusion(17, 50));
      expect(codeOf(() => verifier.verifyEntry(cp, 17n, Buffer.from('access 18'), []))).toBe(
        'WRONG_PROOF_LENGTH',
      );
    });

    it('replays entries from an async source and detects any difference', async () => {
      const verifier = new CheckpointVerifier(policy());
      const cp = verifier.verifyNote(await sign(log.body(50))).checkpoint;
      async function* entries(n: number, change?: number) {
        for (let i = 0; i < n; i++) yield Buffer.from(i === change ? `forged ${i}` : `access ${i}`);
      }
      const leaves: bigint[] = [];
      const result = await verifier.verifyReplay(cp, entries(50), (i) => leaves.push(i));
      expect(result.size).toBe(50n);
      expect(leaves).toHaveLength(50);
      for (const source of [entries(49), entries(51), entries(50, 0), entries(50, 49)]) {
        await expect(verifier.verifyReplay(cp, source)).rejects.toMatchObject({ code: 'REPLAY_MISMATCH' });
      }
    });
  });

  it('refuses unusable policies', () => {
    expect(() => new CheckpointVerifier(policy({ logKeys: [] }))).toThrow(FormatError);
    expect(() => witnessed(3)).toThrow(FormatError);
    expect(
      () =>
        new CheckpointVerifier(policy({ witnesses: { verifiers: [noteVerifier(logKey.vkey)], quorum: 1 } })),
    ).toThrow(FormatError);
    expect(() =>
      openNote('x\n\n— a AAAAAAA=\n', [noteVerifier(logKey.vkey), noteVerifier(logKey.vkey)]),
    ).toThrow(FormatError);
  });
});
