import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../store/store-error.ts';
import { StorageError } from '../errors.ts';
import { hashSuite } from '../hash-suite.ts';
import type { TileId } from '../tile-path.ts';
import { merkleTreeHashOfEntries } from '../tree-hash.ts';
import type { BatchWrite, LogRow, LogStore } from './log-store.ts';
import { Sequencer } from './sequencer.ts';

const suite = hashSuite('sha256');
const bytes = (s: string) => new TextEncoder().encode(s);

/**
 * Storage that lands writes one after another in the order sent, like the SQLite writer thread,
 * each a few event-loop turns later; `fail(n)` makes the n-th write (counting from 0) fail.
 */
class OrderedStore {
  size = 0n;
  root: Uint8Array = suite.emptyRoot();
  readonly entries: Uint8Array[] = [];
  readonly tiles = new Map<string, Uint8Array>();
  readonly failures = new Map<number, Error>();
  writes = 0;
  #tail: Promise<void> = Promise.resolve();

  readLog = async (): Promise<LogRow> => ({
    origin: 'o',
    hashAlgorithm: 'sha256',
    size: this.size,
    root: this.root,
  });

  readTiles = async (ids: readonly TileId[]) => ids.map((t) => this.tiles.get(`${t.level}/${t.index}`));

  /** False: each write lands after its own delay, like statements on a pool of connections. */
  ordered = true;

  writeBatch(batch: BatchWrite): Promise<void> {
    const n = this.writes++;
    const before = this.ordered ? this.#tail : Promise.resolve();
    let landed!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      landed = resolve;
    });
    // Only the sequencer handles this promise's rejection, as with real storage.
    return (async () => {
      await before;
      try {
        await new Promise((resolve) => setTimeout(resolve, this.ordered ? n % 3 : (n * 7) % 5));
        const failure = this.failures.get(n);
        if (failure !== undefined) throw failure;
        if (batch.oldSize !== this.size) throw new StorageError('STATE_MISMATCH', 'grew');
        this.entries.push(...batch.entries);
        for (const t of batch.tiles) this.tiles.set(`${t.level}/${t.index}`, t.hashes);
        this.size += BigInt(batch.entries.length);
        this.root = batch.root;
      } finally {
        landed();
      }
    })();
  }
}

async function open(store: OrderedStore, depth: number, maxBatch: number): Promise<Sequencer> {
  return Sequencer.open(store as unknown as LogStore, suite, { maxBatch, pipelineDepth: depth });
}

describe('Sequencer with an ordered store (pipelined batches)', () => {
  it('gives consecutive indices and a root that matches the stored entries', async () => {
    const store = new OrderedStore();
    const seq = await open(store, 3, 7);
    const leaves = Array.from({ length: 100 }, (_, i) => ({ data: bytes(`entry ${i}`) }));
    const indices = (await Promise.all(leaves.map((l) => seq.append([l])))).flat();
    expect(indices).toEqual(leaves.map((_, i) => BigInt(i)));
    expect(store.entries.map((e) => new TextDecoder().decode(e))).toEqual(leaves.map((_, i) => `entry ${i}`));
    expect(seq.root).toEqual(merkleTreeHashOfEntries(suite, store.entries));
    expect(seq.commits).toBeGreaterThan(100 / 7 - 1);
  });

  it('rejects only the callers of a failed batch; batches sent after it go again and land', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 4 }),
        fc.boolean(),
        async (depth, maxBatch, calls, failing, ordered) => {
          const store = new OrderedStore();
          store.ordered = ordered;
          for (const n of failing) store.failures.set(n, new StoreError('QUERY_FAILED', 'disk full'));
          const seq = await open(store, depth, maxBatch);
          let next = 0;
          const results = await Promise.allSettled(
            calls.map((count) =>
              seq.append(Array.from({ length: count }, () => ({ data: bytes(`e${next++}`) }))),
            ),
          );
          await seq.close();
          // Exactly the acknowledged entries landed, each once, at its index: a call lands in one
          // commit, so a rejected call left nothing behind.
          const acknowledged = new Map<bigint, string>();
          let sent = 0;
          results.forEach((r, i) => {
            const names = Array.from({ length: calls[i]! }, (_, k) => `e${sent + k}`);
            sent += calls[i]!;
            if (r.status === 'fulfilled') {
              r.value.forEach((index, k) => {
                acknowledged.set(index, names[k]!);
              });
            } else if (ordered) {
              expect(r.reason).toBeInstanceOf(StoreError); // the injected failure
            }
          });
          const landed = store.entries.map((e) => new TextDecoder().decode(e));
          expect(landed.length).toBe(acknowledged.size);
          landed.forEach((name, i) => {
            expect(acknowledged.get(BigInt(i))).toBe(name);
          });
          expect(seq.size).toBe(store.size);
          expect(seq.root).toEqual(merkleTreeHashOfEntries(suite, store.entries));
          // Only failures that hit a write can reject anyone (out of order, a batch that lost the
          // race is retried, up to the retry limit).
          if (ordered && failing.every((n) => n >= store.writes)) {
            expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps the leaves of one call in one commit, even beyond maxBatch', async () => {
    const store = new OrderedStore();
    const seq = await open(store, 2, 10);
    const small = seq.append([{ data: bytes('a') }]);
    const big = seq.append(Array.from({ length: 25 }, (_, i) => ({ data: bytes(`b${i}`) })));
    await expect(small).resolves.toEqual([0n]);
    await expect(big).resolves.toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i + 1)));
    expect(seq.commits).toBe(2);
    expect(store.writes).toBe(2);
  });

  it('refuses an oversized entry alone, before it can fail a batch', async () => {
    const store = new OrderedStore();
    const seq = await open(store, 2, 10);
    const big = seq.append([{ data: new Uint8Array(70_000) }]);
    const small = seq.append([{ data: bytes('ok') }]);
    await expect(big).rejects.toMatchObject({ code: 'ENTRY_TOO_LARGE' });
    await expect(small).resolves.toEqual([0n]);
  });
});
