import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../../test/support/databases.ts';
import { residentId } from '../../../test/synth/ids.ts';
import { mulberry32 } from '../../../test/synth/rng.ts';
import { HmacKey } from '../../crypto/hmac-key.ts';
import type { Store } from '../../store/store.types.ts';
import { parseCheckpoint } from '../checkpoint.ts';
import type { AuditEvent } from '../entry.ts';
import { hashSuite } from '../hash-suite.ts';
import { noteVerifier } from '../note-keys.ts';
import { openNote } from '../signed-note.ts';
import { merkleTreeHashOfEntries } from '../tree-hash.ts';
import { verifyConsistency, verifyInclusion } from '../verify-proof.ts';
import { AuditLog, type AuditLogOptions } from './audit-log.ts';
import { AUDIT_MIGRATIONS, type AuditTables } from './schema.ts';
import { FileSignerStateStore } from './signer-state-file.ts';

const SEED = new Uint8Array(32).fill(7);
const HMAC_KEY = new HmacKey('intl', new Uint8Array(32).fill(9));
const ORIGIN = 'shiming.test/audit';
const suite = hashSuite('sha256');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function event(i: number, subject?: string): AuditEvent {
  return {
    time: new Date(Date.UTC(2026, 10, 28, 9, 0, 0, i % 1000)),
    actor: `key_agent${i % 7}`,
    role: 'agent',
    purpose: 'customer-support',
    action: 'subject.read',
    tenant: 'acme',
    ...(subject === undefined ? {} : { subject }),
    fields: ['CN_MOBILE'],
    outcome: 'ok',
  };
}

describe.each(testDialects)('the audit log on %s', (dialect) => {
  let t: TestDatabase;
  let store: Store<AuditTables>;
  let dir: string;
  const logs: AuditLog[] = [];

  async function openLog(extra: Partial<AuditLogOptions> = {}): Promise<AuditLog> {
    const log = await AuditLog.open({
      store,
      origin: ORIGIN,
      signingSeed: SEED,
      signerState: new FileSignerStateStore(join(dir, 'signer-state.json')),
      hmacKey: HMAC_KEY,
      checkpointIntervalMs: 0,
      ...extra,
    });
    logs.push(log);
    return log;
  }

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    store = await t.open<AuditTables>({ migrations: AUDIT_MIGRATIONS });
    dir = await mkdtemp(join(tmpdir(), 'shiming-audit-'));
  });

  afterEach(async () => {
    for (const log of logs.splice(0)) await log.close();
    await t.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives concurrent records consecutive indices, durable before they resolve', async () => {
    const log = await openLog();
    const results = await Promise.all(Array.from({ length: 600 }, (_, i) => log.record(event(i))));
    const indices = results.flat().sort((a, b) => (a < b ? -1 : 1));
    expect(indices).toEqual(Array.from({ length: 600 }, (_, i) => BigInt(i)));
    expect(log.size).toBe(600n);
    const stored = await log.entries(0n, 600n);
    expect(hex(merkleTreeHashOfEntries(suite, stored))).toBe(hex(log.root));
  });

  it('signs checkpoints a regulator can check, with inclusion and consistency proofs', async () => {
    const log = await openLog();
    await log.record(Array.from({ length: 300 }, (_, i) => event(i)));
    const first = await log.checkpoint();
    await log.record(Array.from({ length: 500 }, (_, i) => event(i)));
    const second = await log.checkpoint();
    const verifier = noteVerifier(log.verifierKey);
    const cp1 = parseCheckpoint(openNote(first, [verifier]).text);
    const cp2 = parseCheckpoint(openNote(second, [verifier]).text);
    expect([cp1.origin, cp1.size, cp2.size]).toEqual([ORIGIN, 300n, 800n]);
    verifyConsistency(suite, cp1.size, cp2.size, await log.consistencyProof(300n, 800n), cp1.root, cp2.root);
    const entries = await log.entries(0n, 800n);
    for (const index of [0n, 1n, 255n, 256n, 299n, 511n, 799n]) {
      const proof = await log.inclusionProof(index, 800n);
      verifyInclusion(suite, index, 800n, suite.leafHash(entries[Number(index)]!), proof, cp2.root);
    }
    expect(await log.latestCheckpoint()).toBe(second);
    expect(await log.checkpointAt(300n)).toBe(first);
  });

  it('resumes after a restart: same tree, and the next checkpoint extends the last one', async () => {
    const log = await openLog();
    await log.record(Array.from({ length: 700 }, (_, i) => event(i)));
    await log.checkpoint();
    const root = log.root;
    await log.close();
    const again = await openLog();
    expect(again.size).toBe(700n);
    expect(hex(again.root)).toBe(hex(root));
    await again.record(Array.from({ length: 50 }, (_, i) => event(i)));
    const note = await again.checkpoint();
    expect(parseCheckpoint(openNote(note, [noteVerifier(again.verifierKey)]).text).size).toBe(750n);
  });

  it('finds the entries about a value however it is spelled, without storing the value', async () => {
    const log = await openLog();
    const rng = mulberry32(5);
    const id = residentId(rng);
    const other = residentId(rng);
    const subject = log.identifier('CN_RESIDENT_ID', id);
    await log.record([
      event(1, subject),
      event(2, log.identifier('CN_RESIDENT_ID', other)),
      event(3, subject),
    ]);
    const spaced = `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14).toLowerCase()}`;
    const found = await log.find('CN_RESIDENT_ID', spaced);
    expect(found.map((f) => f.index)).toEqual([0n, 2n]);
    const all = Buffer.concat(await log.entries(0n, 3n)).toString();
    expect(all).not.toContain(id);
    expect(all).not.toContain(id.slice(0, 14));
  });

  it('indexes subjects in the commit, across index blocks, and finds them all', async () => {
    const log = await openLog();
    const people = Array.from({ length: 50 }, (_, i) =>
      log.identifier('CN_MOBILE', `1391234${String(i).padStart(4, '0')}`),
    );
    const n = 5000; // more than one 4,096-entry block
    for (let from = 0; from < n; from += 250) {
      await log.record(Array.from({ length: 250 }, (_, k) => event(from + k, people[(from + k) % 50])));
    }
    // Each batch indexed itself (no catch-up needed before the lookup).
    const state = await store.db.selectFrom('audit_index_state').select('indexed_size').executeTakeFirst();
    expect(BigInt(state!.indexed_size)).toBe(BigInt(n));
    const found = await log.findIdentifier(people[7]!, 10_000);
    expect(found.map((f) => f.index)).toEqual(Array.from({ length: n / 50 }, (_, i) => BigInt(7 + 50 * i)));
    expect(found.every((f) => f.entry.subject === people[7])).toBe(true);
  });

  it('writes nothing when a batch holds an invalid event', async () => {
    const log = await openLog();
    await expect(log.record([event(1), { ...event(2), purpose: '' }])).rejects.toMatchObject({
      code: 'INVALID_ENTRY',
      field: 'purpose',
    });
    expect(log.size).toBe(0n);
  });

  it('refuses to sign a tree that rolled back behind the last checkpoint', async () => {
    const log = await openLog();
    await log.record(Array.from({ length: 20 }, (_, i) => event(i)));
    await log.checkpoint();
    await log.close();
    // A second database, same signer state: the signer remembers size 20.
    const t2 = await createTestDatabase(dialect);
    try {
      const store2 = await t2.open<AuditTables>({ migrations: AUDIT_MIGRATIONS });
      const forked = await AuditLog.open({
        store: store2,
        origin: ORIGIN,
        signingSeed: SEED,
        signerState: new FileSignerStateStore(join(dir, 'signer-state.json')),
        hmacKey: HMAC_KEY,
        checkpointIntervalMs: 0,
      });
      await forked.record(Array.from({ length: 5 }, (_, i) => event(i)));
      await expect(forked.checkpoint()).rejects.toMatchObject({ code: 'ROLLBACK' });
      await forked.record(Array.from({ length: 15 }, (_, i) => event(i + 100)));
      await expect(forked.checkpoint()).rejects.toMatchObject({ code: 'FORK' });
      await forked.close();
    } finally {
      await t2.drop();
    }
  });

  it('lets two sequencers share one log without forking it', async () => {
    const a = await openLog();
    const storeB = await t.open<AuditTables>();
    const b = await AuditLog.open({
      store: storeB,
      origin: ORIGIN,
      signingSeed: SEED,
      signerState: new FileSignerStateStore(join(dir, 'signer-state.json')),
      hmacKey: HMAC_KEY,
      checkpointIntervalMs: 0,
    });
    logs.push(b);
    const writes: Promise<bigint[]>[] = [];
    for (let i = 0; i < 40; i++) {
      writes.push((i % 2 === 0 ? a : b).record(Array.from({ length: 10 }, (_, k) => event(i * 10 + k))));
    }
    const indices = (await Promise.all(writes)).flat();
    expect(new Set(indices).size).toBe(400);
    const entries = await a.entries(0n, 400n);
    const reopened = await openLog();
    expect(reopened.size).toBe(400n);
    expect(hex(reopened.root)).toBe(hex(merkleTreeHashOfEntries(suite, entries)));
  });

  it('signs one checkpoint at a time when appends keep crossing the entry threshold', async () => {
    const state = new FileSignerStateStore(join(dir, 'counted.json'));
    let signed = 0;
    const counting = {
      load: () => state.load(),
      save: (next: Parameters<typeof state.save>[0], previous: Parameters<typeof state.save>[1]) => {
        signed++;
        return state.save(next, previous);
      },
    };
    const log = await openLog({ checkpointEntries: 100, signerState: counting });
    let n = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (n < 2000) await log.record(event(n++));
      }),
    );
    await log.close();
    // Queuing a checkpoint per record past the threshold signed ~1,900 times.
    expect(signed).toBeGreaterThan(0);
    expect(signed).toBeLessThan(100);
  });

  it('serves C2SP tiles and entry bundles, partial ones as prefixes of full ones', async () => {
    const log = await openLog();
    await log.record(Array.from({ length: 600 }, (_, i) => event(i)));
    const full = await log.tile(0, 0n);
    const partial = await log.tile(0, 2n);
    expect(full?.length).toBe(256 * 32);
    expect(partial?.length).toBe(88 * 32);
    expect(hex((await log.tile(0, 0n, 100))!)).toBe(hex(full!.subarray(0, 100 * 32)));
    expect(await log.tile(0, 3n)).toBeUndefined();
    expect(await log.tile(0, 2n, 89)).toBeUndefined();
    const bundle = await log.entryBundle(2n);
    expect(bundle).toBeDefined();
  });
});

describe('the audit log with SM3', () => {
  it('hashes with SM3 when created so, and refuses to reopen with another algorithm', async () => {
    const t = await createTestDatabase('sqlite');
    const dir = await mkdtemp(join(tmpdir(), 'shiming-audit-'));
    try {
      const store = await t.open<AuditTables>({ migrations: AUDIT_MIGRATIONS });
      const options = {
        store,
        origin: ORIGIN,
        signingSeed: SEED,
        signerState: new FileSignerStateStore(join(dir, 's.json')),
        hmacKey: HMAC_KEY,
        checkpointIntervalMs: 0,
      };
      const log = await AuditLog.open({ ...options, hashAlgorithm: 'sm3' });
      await log.record([event(1), event(2), event(3)]);
      const sm3 = hashSuite('sm3');
      expect(hex(log.root)).toBe(hex(merkleTreeHashOfEntries(sm3, await log.entries(0n, 3n))));
      await log.close();
      await expect(AuditLog.open(options)).rejects.toThrow(/sm3/);
    } finally {
      await t.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
