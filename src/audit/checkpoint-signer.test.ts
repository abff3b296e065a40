import { describe, expect, it } from 'vitest';
import { parseCheckpoint } from './checkpoint.ts';
import { CheckpointSigner, type SignerState, type SignerStateStore } from './checkpoint-signer.ts';
import { SignerError } from './errors.ts';
import { hashSuite } from './hash-suite.ts';
import { generateNoteKey, noteSigner, noteVerifier } from './note-keys.ts';
import { consistencyProof } from './proof-builder.ts';
import { openNote } from './signed-note.ts';
import { tileHashReader } from './tile-hash-reader.ts';
import { TreeAppender } from './tree-appender.ts';

const suite = hashSuite('sha256');
const ORIGIN = 'example.cn/pi-audit/t42';
const key = generateNoteKey(ORIGIN, undefined, (n) => new Uint8Array(n).fill(4));

/** A log whose tiles live in memory, and the root of every size it went through. */
async function makeLog(size: number) {
  const tree = TreeAppender.empty(suite);
  const roots: Uint8Array[] = [tree.root()];
  for (let i = 0; i < size; i++) {
    tree.appendEntry(Buffer.from(`access ${i}`));
    roots.push(tree.root());
  }
  const tiles = new Map(tree.flush().map((t) => [`${t.level}/${t.index}`, t.hashes]));
  const reader = (n: bigint) =>
    tileHashReader(suite, n, async (ids) => ids.map((id) => tiles.get(`${id.level}/${id.index}`)));
  const proof = (from: bigint, to: bigint) => consistencyProof(suite, from, to, reader(to));
  return { roots, proof };
}

class MemoryStore implements SignerStateStore {
  state: SignerState | undefined;
  saves = 0;
  failNext = false;
  async load() {
    return this.state;
  }
  async save(next: SignerState, previous: SignerState | undefined) {
    if (this.failNext) throw new Error('disk full');
    if (this.state?.size !== previous?.size) return false;
    this.state = next;
    this.saves++;
    return true;
  }
}

function setup() {
  const store = new MemoryStore();
  const signer = new CheckpointSigner({ origin: ORIGIN, suite, signers: [noteSigner(key.skey)], store });
  return { store, signer };
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'signed',
    (e: unknown) => (e instanceof SignerError ? e.code : e),
  );

describe('CheckpointSigner', () => {
  it('signs a growing log and remembers the last checkpoint', async () => {
    const log = await makeLog(40);
    const { store, signer } = setup();
    const n0 = await signer.sign({ size: 0n, root: log.roots[0]! }, []);
    expect(parseCheckpoint(openNote(n0, [noteVerifier(key.vkey)]).text).size).toBe(0n);
    await signer.sign({ size: 5n, root: log.roots[5]! }, await log.proof(0n, 5n));
    const note = await signer.sign({ size: 40n, root: log.roots[40]! }, await log.proof(5n, 40n));
    const cp = parseCheckpoint(openNote(note, [noteVerifier(key.vkey)]).text);
    expect(cp).toMatchObject({ origin: ORIGIN, size: 40n });
    expect(store.state?.size).toBe(40n);
    // Re-signing the same tree is allowed and, Ed25519 being deterministic, gives the same note.
    expect(await signer.sign({ size: 40n, root: log.roots[40]! }, [])).toBe(note);
  });

  it('refuses a smaller tree (ROLLBACK)', async () => {
    const log = await makeLog(10);
    const { store, signer } = setup();
    await signer.sign({ size: 10n, root: log.roots[10]! }, []);
    expect(await code(signer.sign({ size: 9n, root: log.roots[9]! }, []))).toBe('ROLLBACK');
    expect(store.state?.size).toBe(10n);
  });

  it('refuses another root for the signed size (FORK)', async () => {
    const log = await makeLog(10);
    const { signer } = setup();
    await signer.sign({ size: 10n, root: log.roots[10]! }, []);
    expect(await code(signer.sign({ size: 10n, root: log.roots[9]! }, []))).toBe('FORK');
  });

  it('refuses a larger tree it cannot prove consistent (INCONSISTENT)', async () => {
    const log = await makeLog(30);
    const { store, signer } = setup();
    await signer.sign({ size: 10n, root: log.roots[10]! }, []);
    const proof = await log.proof(10n, 30n);
    // A proof for another pair of sizes, a tampered proof, no proof, a root that is not the tree's.
    expect(await code(signer.sign({ size: 30n, root: log.roots[30]! }, await log.proof(11n, 30n)))).toBe(
      'INCONSISTENT',
    );
    const tampered = proof.map((h, i) => (i === 0 ? Uint8Array.from(h, (b, j) => (j === 0 ? b ^ 1 : b)) : h));
    expect(await code(signer.sign({ size: 30n, root: log.roots[30]! }, tampered))).toBe('INCONSISTENT');
    expect(await code(signer.sign({ size: 30n, root: log.roots[30]! }, []))).toBe('INCONSISTENT');
    expect(await code(signer.sign({ size: 30n, root: log.roots[29]! }, proof))).toBe('INCONSISTENT');
    expect(store.state?.size).toBe(10n);
    expect(await code(signer.sign({ size: 30n, root: log.roots[30]! }, proof))).toBe('signed');
  });

  it('refuses malformed checkpoints and non-empty proofs from the empty tree', async () => {
    const log = await makeLog(3);
    const { signer } = setup();
    expect(await code(signer.sign({ size: 0n, root: log.roots[1]! }, []))).toBe('INVALID_CHECKPOINT');
    expect(await code(signer.sign({ size: 3n, root: new Uint8Array(31) }, []))).toBe('INVALID_CHECKPOINT');
    expect(await code(signer.sign({ size: 3n, root: log.roots[3]!, extensions: [''] }, []))).toBe(
      'INVALID_CHECKPOINT',
    );
    expect(await code(signer.sign({ size: 3n, root: log.roots[3]! }, [log.roots[1]!]))).toBe('INCONSISTENT');
  });

  it('withholds the note when the state store says someone else moved on (STATE_CONFLICT)', async () => {
    const log = await makeLog(8);
    const { store, signer } = setup();
    await signer.sign({ size: 4n, root: log.roots[4]! }, []);
    const proof = await log.proof(4n, 8n);
    // Another signer process advanced the stored state between our load and our save.
    const realLoad = store.load.bind(store);
    store.load = async () => {
      const s = await realLoad();
      store.state = { size: 6n, root: log.roots[6]! };
      return s;
    };
    expect(await code(signer.sign({ size: 8n, root: log.roots[8]! }, proof))).toBe('STATE_CONFLICT');
  });

  it('releases no note if the state cannot be saved', async () => {
    const log = await makeLog(8);
    const { store, signer } = setup();
    store.failNext = true;
    await expect(signer.sign({ size: 8n, root: log.roots[8]! }, [])).rejects.toThrow('disk full');
    expect(store.state).toBeUndefined();
  });

  it('serialises concurrent calls, so only provably consistent checkpoints get through', async () => {
    const log = await makeLog(20);
    const { store, signer } = setup();
    const results = await Promise.all([
      code(signer.sign({ size: 10n, root: log.roots[10]! }, [])),
      code(signer.sign({ size: 20n, root: log.roots[20]! }, await log.proof(10n, 20n))),
      code(signer.sign({ size: 15n, root: log.roots[15]! }, await log.proof(10n, 15n))),
    ]);
    expect(results).toEqual(['signed', 'signed', 'ROLLBACK']);
    expect(store.saves).toBe(2);
  });
});
