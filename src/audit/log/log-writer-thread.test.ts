import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.types.ts';
import { hashSuite } from '../hash-suite.ts';
import { merkleTreeHashOfEntries } from '../tree-hash.ts';
import { LogStore, subjectKey } from './log-store.ts';
import { LogWriterThread } from './log-writer-thread.ts';
import { AUDIT_MIGRATIONS, type AuditTables, SUBJECT_BLOCK_BITS } from './schema.ts';
import { Sequencer } from './sequencer.ts';

const suite = hashSuite('sha256');
const BLOCK = 1 << SUBJECT_BLOCK_BITS;
/** 37 subjects, written as HMAC identifiers are: 64 uniformly spread hex digits. */
const subjectOfIndex = (i: number) =>
  `hmac-sha256:${createHash('sha256')
    .update(String(i % 37))
    .digest('hex')}`;
const leaf = (i: number) => ({
  data: new TextEncoder().encode(`{"action":"subject.read","n":${i},"subject":"${subjectOfIndex(i)}"}`),
});

describe('the SQLite audit writer thread', () => {
  let dir: string;
  let store: Store<AuditTables>;
  let writer: LogWriterThread;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-writer-'));
    store = await openStore<AuditTables>(
      { kind: 'sqlite', path: join(dir, 'audit.db') },
      { migrations: AUDIT_MIGRATIONS },
    );
    await new LogStore(store.db, 'sqlite', 'main').createLog('o', 'sha256', suite.emptyRoot(), new Date());
    writer = new LogWriterThread(store.file!);
  });

  afterEach(async () => {
    await writer.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('commits batches on its own connection; what the event loop reads back hashes to the root', async () => {
    const logStore = new LogStore(store.db, 'sqlite', 'main', writer);
    const seq = await Sequencer.open(logStore, suite, { maxBatch: 100 });
    const indices = await Promise.all(Array.from({ length: 1000 }, (_, i) => seq.append([leaf(i)])));
    expect(indices.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => BigInt(i)));
    const stored = await logStore.readEntries(0n, 1000n);
    expect(stored.map((e) => new TextDecoder().decode(e))).toEqual(
      Array.from({ length: 1000 }, (_, i) => new TextDecoder().decode(leaf(i).data)),
    );
    expect(seq.root).toEqual(merkleTreeHashOfEntries(suite, stored));
    expect((await logStore.readLog())?.size).toBe(1000n);
  });

  it('fails the batches in flight when the thread dies, then starts a new one; nothing is lost or doubled', async () => {
    const logStore = new LogStore(store.db, 'sqlite', 'main', writer);
    const seq = await Sequencer.open(logStore, suite, { maxBatch: 50 });
    const first = Array.from({ length: 400 }, (_, i) => seq.append([leaf(i)]));
    await new Promise((resolve) => setImmediate(resolve));
    await writer.terminate();
    const settled = await Promise.allSettled(first);
    const failed = settled.filter((r) => r.status === 'rejected');
    for (const r of failed)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'WRITER_UNAVAILABLE' });
    const after = await Promise.all(Array.from({ length: 100 }, (_, i) => seq.append([leaf(1000 + i)])));
    const size = (await logStore.readLog())!.size;
    expect(seq.size).toBe(size);
    const stored = await logStore.readEntries(0n, size);
    expect(seq.root).toEqual(merkleTreeHashOfEntries(suite, stored));
    // Every acknowledged entry is stored once, at its index; the last 100 all made it.
    const text = stored.map((e) => new TextDecoder().decode(e));
    expect(new Set(text).size).toBe(text.length);
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled')
        expect(text[Number(r.value[0])]).toBe(new TextDecoder().decode(leaf(i).data));
    });
    after.forEach(([index], i) => {
      expect(text[Number(index)]).toBe(new TextDecoder().decode(leaf(1000 + i).data));
    });
  });

  it('warms up ahead of the first batch, and reports there a database it cannot open', async () => {
    await writer.warm();
    const broken = new LogWriterThread(join(dir, 'audit.db', 'not-a-directory', 'x.db'));
    await expect(broken.warm()).rejects.toMatchObject({ name: 'StoreError', code: 'CONNECTION_FAILED' });
    await broken.close();
  });

  it('indexes subjects across blocks in the commit, and the deferred indexer agrees', async () => {
    const n = 2 * BLOCK + 123;
    const threaded = new LogStore(store.db, 'sqlite', 'main', writer);
    const seq = await Sequencer.open(threaded, suite, { maxBatch: 500 });
    await Promise.all(Array.from({ length: n }, (_, i) => seq.append([leaf(i)])));
    const expected = (s: number) =>
      Array.from({ length: n }, (_, i) => i)
        .filter((i) => i % 37 === s)
        .map(BigInt);
    expect(await threaded.entriesAbout(subjectOfIndex(5))).toEqual(expected(5));
    expect(await threaded.entriesAbout(subjectOfIndex(36), 10)).toEqual(expected(36).slice(0, 10));
    // Rebuild through the event-loop path (the one PostgreSQL uses) and compare.
    await store.db.deleteFrom('audit_subjects').execute();
    await store.db.deleteFrom('audit_index_state').execute();
    const plain = new LogStore(store.db, 'sqlite', 'main');
    expect(await plain.entriesAbout(subjectOfIndex(5))).toEqual([]); // nothing indexed yet
    for (;;) {
      const { indexed, size } = await plain.indexSubjects(3000);
      if (indexed >= size) break;
    }
    expect(await plain.entriesAbout(subjectOfIndex(5))).toEqual(expected(5));
    const rows = await store.db
      .selectFrom('audit_subjects')
      .select(['block', 'subject_key', 'idx'])
      .execute();
    expect(rows).toHaveLength(n);
    for (const r of rows) {
      expect(BigInt(r.block)).toBe(BigInt(r.idx) >> BigInt(SUBJECT_BLOCK_BITS));
      expect(BigInt(r.subject_key)).toBe(subjectKey(subjectOfIndex(Number(r.idx))));
    }
  });
});
