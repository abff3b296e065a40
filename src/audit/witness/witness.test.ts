import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suite, TestLog, testKey } from '../../../test/support/witness-fixtures.ts';
import { formatCheckpoint } from '../checkpoint.ts';
import { CheckpointVerifier } from '../checkpoint-verifier.ts';
import { cosignatureVerifier } from '../cosignature.ts';
import { noteSigner, noteVerifier } from '../note-keys.ts';
import { appendSignatures, openNote, signNote } from '../signed-note.ts';
import { formatAddCheckpointBody } from './add-checkpoint-body.ts';
import { Witness, type WitnessRefusal } from './witness.ts';
import { MemoryWitnessStateStore, type WitnessRecord } from './witness-state-store.ts';

const ORIGIN = 'example.cn/pi-audit/t42';
const logKey = testKey(ORIGIN, 0x01, 1);
const witnessKey = testKey('regulator.example.cn/w1', 0x04, 2);
const NOW = 1_760_000_000n;

function setup(options: { store?: MemoryWitnessStateStore } = {}) {
  const log = TestLog.create(ORIGIN, logKey, 300);
  const store = options.store ?? new MemoryWitnessStateStore();
  const refusals: WitnessRefusal[] = [];
  const witness = new Witness({
    key: witnessKey.skey,
    logs: [log.witnessLog],
    store,
    clock: () => NOW,
    onRefusal: (r) => refusals.push(r),
  });
  const submit = async (old: bigint, size: bigint, proof?: Uint8Array[], note?: string) => {
    const body = formatAddCheckpointBody(
      old,
      proof ?? (await log.proof(old, size)),
      note ?? (await log.note(size)),
    );
    return witness.addCheckpoint(Buffer.from(body));
  };
  return { log, store, witness, submit, refusals };
}

const recordedSize = async (store: MemoryWitnessStateStore) => (await store.load(ORIGIN))?.checkpoint.size;

describe('Witness.addCheckpoint', () => {
  it('cosigns the first checkpoint and then growth with a valid proof', async () => {
    const { log, witness, store, submit } = setup();
    const first = await submit(0n, 7n);
    expect(first.status).toBe(200);
    expect(first.body).toMatch(/^— regulator\.example\.cn\/w1 [A-Za-z0-9+/=]+\n$/);
    const next = await submit(7n, 260n);
    expect(next.status).toBe(200);
    // The cosigned note verifies with the regulator's verifier and a quorum of one witness.
    const note = appendSignatures(await log.note(260n), [next.body.trimEnd()]);
    const verifier = new CheckpointVerifier({
      origin: ORIGIN,
      suite,
      logKeys: [noteVerifier(logKey.vkey)],
      witnesses: { verifiers: [cosignatureVerifier(witness.verifierKey)], quorum: 1 },
    });
    const verified = verifier.verifyNote(note);
    expect(verified.cosignatures).toEqual([expect.objectContaining({ name: witness.name, time: NOW })]);
    // The record is the checkpoint with the log signature and our cosignature, nothing else.
    const record = await store.load(ORIGIN);
    expect(record?.checkpoint.size).toBe(260n);
    expect(openNote(record!.note, [cosignatureVerifier(witness.verifierKey)]).verified).toHaveLength(1);
    expect(await witness.latest(ORIGIN)).toBe(record!.note);
  });

  it('re-cosigns the same tree and accepts an empty tree', async () => {
    const { submit, store } = setup();
    expect((await submit(0n, 0n)).status).toBe(200);
    expect((await submit(0n, 0n)).status).toBe(200);
    expect((await submit(0n, 5n)).status).toBe(200);
    expect((await submit(5n, 5n)).status).toBe(200);
    expect(await recordedSize(store)).toBe(5n);
  });

  it('answers 409 with its size when old is not the recorded size', async () => {
    const { submit, store } = setup();
    await submit(0n, 10n);
    for (const old of [0n, 9n, 11n]) {
      const res = await submit(old, 20n);
      expect(res).toEqual({ status: 409, headers: { 'content-type': 'text/x.tlog.size' }, body: '10\n' });
    }
    expect(await recordedSize(store)).toBe(10n);
  });

  it('refuses a forged proof, a forked tree and a rollback, keeping its record', async () => {
    const { log, submit, store, refusals } = setup();
    await submit(0n, 100n);
    const before = await store.load(ORIGIN);
    const proof = await log.proof(100n, 200n);
    const forged = proof.map((h, i) => (i === 1 ? Uint8Array.from(h, (b) => b ^ 1) : h));
    expect((await submit(100n, 200n, forged)).status).toBe(422);
    expect((await submit(100n, 200n, proof.slice(1))).status).toBe(422);
    // A forked log (same origin and key, other entries) signs trees the record contradicts.
    const fork = TestLog.create(ORIGIN, logKey, 300, 'rewritten');
    expect((await submit(100n, 200n, await fork.proof(100n, 200n), await fork.note(200n))).status).toBe(422);
    const same = await submit(100n, 100n, [], await fork.note(100n));
    expect(same.status).toBe(409);
    expect(same.headers['content-type']).toBe('text/plain; charset=utf-8');
    // Rollback: a smaller tree is either a 400 (old above size) or a 409 (old not the record).
    expect((await submit(100n, 50n, [])).status).toBe(400);
    expect((await submit(50n, 50n, [])).status).toBe(409);
    expect((await submit(100n, 100n, [new Uint8Array(32)])).status).toBe(422);
    expect(await store.load(ORIGIN)).toBe(before);
    expect(refusals.map((r) => r.code)).toEqual([
      'INCONSISTENT_PROOF',
      'INCONSISTENT_PROOF',
      'INCONSISTENT_PROOF',
      'FORK',
      'MALFORMED_REQUEST',
      'OLD_SIZE_MISMATCH',
      'INCONSISTENT_PROOF',
    ]);
    expect(refusals[3]?.evidence).toBe(await fork.note(100n));
  });

  it('enforces the size-0 rules', async () => {
    const { log, witness, submit, refusals } = setup();
    expect((await submit(0n, 5n, [new Uint8Array(32)])).status).toBe(422);
    // Signed by the log, but a size-0 tree whose root is not H(): consistent with nothing.
    const text = formatCheckpoint({ origin: ORIGIN, size: 0n, root: log.roots[1]!, extensions: [] });
    const badEmpty = await signNote(text, [noteSigner(logKey.skey)]);
    const res = await witness.addCheckpoint(Buffer.from(formatAddCheckpointBody(0n, [], badEmpty)));
    expect(res.status).toBe(422);
    expect(refusals.at(-1)?.evidence).toBe(badEmpty);
    // Re-signed text that no longer matches the signature: 403, not a cosignature.
    const forged = (await log.note(1n)).replace(`${ORIGIN}\n1\n`, `${ORIGIN}\n0\n`);
    expect((await witness.addCheckpoint(Buffer.from(formatAddCheckpointBody(0n, [], forged)))).status).toBe(
      403,
    );
    expect((await submit(0n, 0n)).status).toBe(200);
  });

  it('refuses checkpoints not signed by the log key (403) and unknown logs (404)', async () => {
    const { log, submit, store } = setup();
    const other = testKey(ORIGIN, 0x01, 9);
    expect((await submit(0n, 5n, [], await log.note(5n, other.skey))).status).toBe(403);
    // A failing signature by the known key is refused even next to a valid one.
    const good = await log.note(5n);
    const tampered = good.replace(
      / ([A-Za-z0-9+/]{10})/,
      (_m, s: string) => ` ${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`,
    );
    expect((await submit(0n, 5n, [], tampered)).status).toBe(403);
    const stranger = TestLog.create('example.cn/other', logKey, 5);
    expect((await submit(0n, 5n, [], await stranger.note(5n))).status).toBe(404);
    expect(await store.load(ORIGIN)).toBeUndefined();
  });

  it('answers 400 (or 413) to malformed bodies and never throws', async () => {
    const { witness, log } = setup();
    const note = await log.note(3n);
    const valid = formatAddCheckpointBody(0n, [], note);
    const cases = [
      '',
      'old 0',
      'old 0\n',
      'old 00\n\n' + note,
      'old -1\n\n' + note,
      'old 18446744073709551616\n\n' + note,
      'OLD 0\n\n' + note,
      'old 0\nnot-base64\n\n' + note,
      'old 0\n' + 'AAAA\n'.repeat(2) + '\n' + note,
      `old 0\n${'A'.repeat(42)}==\n\n${note}`,
      'old 0\n\n',
      'old 0\n\nnot a note\n',
      valid.replace('\n\n', '\r\n\r\n'),
      `old 0\n${`${Buffer.alloc(32).toString('base64')}\n`.repeat(64)}\n${note}`,
      'old 5\n\n' + note,
    ];
    for (const c of cases) expect((await witness.addCheckpoint(Buffer.from(c))).status, c).toBe(400);
    expect((await witness.addCheckpoint(Buffer.from([0x6f, 0xff, 0x0a]))).status).toBe(400);
    expect((await witness.addCheckpoint(new Uint8Array(200_000))).status).toBe(413);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s)),
          fc
            .tuple(fc.nat(valid.length), fc.string({ maxLength: 5 }))
            .map(([at, s]) => Buffer.from(valid.slice(0, at) + s + valid.slice(at + 1))),
        ),
        async (body) => {
          const res = await witness.addCheckpoint(body);
          expect([200, 400, 403, 404, 409, 422]).toContain(res.status);
          expect(res.body.length).toBeLessThan(200);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('serialises concurrent requests for one origin', async () => {
    let active = 0;
    let maxActive = 0;
    class SlowStore extends MemoryWitnessStateStore {
      override async compareAndSwap(
        origin: string,
        previous: WitnessRecord | undefined,
        next: WitnessRecord,
      ) {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return super.compareAndSwap(origin, previous, next);
      }
    }
    const { submit, store } = setup({ store: new SlowStore() });
    await submit(0n, 10n);
    // Racing growth requests from the same old size: exactly one wins, the rest get 409.
    const sizes = [20n, 30n, 40n, 50n, 60n];
    const results = await Promise.all(sizes.map((s) => submit(10n, s)));
    expect(maxActive).toBe(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(4);
    expect(await recordedSize(store)).toBe(20n);
  });

  it('does not return a cosignature unless the record was saved', async () => {
    class LosingStore extends MemoryWitnessStateStore {
      override async compareAndSwap(): Promise<boolean> {
        return false;
      }
    }
    class BrokenStore extends MemoryWitnessStateStore {
      override async compareAndSwap(): Promise<boolean> {
        throw new Error('disk full');
      }
    }
    const losing = setup({ store: new LosingStore() });
    const res = await losing.submit(0n, 5n);
    expect(res.status).toBe(503);
    expect(res.body).not.toContain('—');
    await expect(setup({ store: new BrokenStore() }).submit(0n, 5n)).rejects.toThrow('disk full');
  });

  it('rejects unusable configuration', () => {
    const store = new MemoryWitnessStateStore();
    const log = TestLog.create(ORIGIN, logKey, 1);
    expect(() => new Witness({ key: logKey.skey, logs: [], store })).toThrow(/0x04/);
    expect(
      () => new Witness({ key: witnessKey.skey, logs: [log.witnessLog, log.witnessLog], store }),
    ).toThrow(/twice/);
    expect(
      () => new Witness({ key: witnessKey.skey, logs: [{ origin: ORIGIN, verifiers: [] }], store }),
    ).toThrow(/at least one key/);
    expect(new Witness({ key: witnessKey.skey, logs: [log.witnessLog], store }).origins).toEqual([ORIGIN]);
  });
});
