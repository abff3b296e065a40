import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { suite, TestLog, testKey } from '../../../test/support/witness-fixtures.ts';
import { CheckpointVerifier } from '../checkpoint-verifier.ts';
import { cosignatureVerifier } from '../cosignature.ts';
import { noteVerifier } from '../note-keys.ts';
import { appendSignatures } from '../signed-note.ts';
import { formatAddCheckpointBody } from './add-checkpoint-body.ts';
import { Witness } from './witness.ts';
import { WitnessClient } from './witness-client.ts';
import { WitnessError } from './witness-error.ts';
import { startWitnessServer, type WitnessRequestLog, type WitnessServer } from './witness-server.ts';
import { FileWitnessStateStore, witnessStateFileName } from './witness-state-file.ts';

const ORIGIN = 'example.cn/pi-audit/t42';
const logKey = testKey(ORIGIN, 0x01, 1);
const witnessKey = testKey('regulator.example.cn/w1', 0x04, 2);
const log = TestLog.create(ORIGIN, logKey, 300);
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(dir?: string) {
  const stateDir = dir ?? (await mkdtemp(join(tmpdir(), 'witness-')));
  if (!dir) cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
  const store = await FileWitnessStateStore.open(join(stateDir, 'state'));
  const witness = new Witness({ key: witnessKey.skey, logs: [log.witnessLog], store });
  const requests: WitnessRequestLog[] = [];
  const server = await startWitnessServer({ witness, port: 0, log: (e) => requests.push(e) });
  cleanup.push(() => server.close());
  const client = (knownSize?: bigint) =>
    new WitnessClient({
      url: server.url,
      verifierKey: witness.verifierKey,
      timeoutMs: 5000,
      ...(knownSize === undefined ? {} : { knownSize }),
    });
  return { stateDir, store, witness, server, client, requests };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof WitnessError ? e.code : e),
  );

function post(server: WitnessServer, body: Uint8Array | string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/add-checkpoint`, { method: 'POST', body, headers });
}

describe('witness over HTTP', () => {
  it('cosigns a first checkpoint and growth; the cosignature verifies', async () => {
    const { client, witness } = await start();
    const c = client();
    const first = await c.addCheckpoint(await log.note(7n), 0n, []);
    expect(first.kind).toBe('cosigned');
    expect(c.knownSize).toBe(7n);
    const note = await log.note(200n);
    const grown = await c.addCheckpoint(note, 7n, await log.proof(7n, 200n));
    if (grown.kind !== 'cosigned') throw new Error('expected a cosignature');
    const verifier = new CheckpointVerifier({
      origin: ORIGIN,
      suite,
      logKeys: [noteVerifier(logKey.vkey)],
      witnesses: { verifiers: [cosignatureVerifier(witness.verifierKey)], quorum: 1 },
    });
    const verified = verifier.verifyNote(appendSignatures(note, grown.lines));
    expect(verified.cosignatures[0]?.time).toBe(grown.time);
    expect(
      verifier.verifyUpdate(
        await log.note(7n),
        appendSignatures(note, grown.lines),
        await log.proof(7n, 200n),
      ).grew,
    ).toBe(true);
  });

  it('answers 409 with its size to a stale client, which retries and succeeds', async () => {
    const { client, server } = await start();
    await client().addCheckpoint(await log.note(40n), 0n, []);
    const raw = await post(server, formatAddCheckpointBody(0n, [], await log.note(41n)));
    expect([raw.status, raw.headers.get('content-type'), await raw.text()]).toEqual([
      409,
      'text/x.tlog.size',
      '40\n',
    ]);
    const stale = client();
    const note = await log.note(90n);
    const conflict = await stale.addCheckpoint(note, 0n, []);
    expect(conflict).toEqual({ kind: 'conflict', size: 40n });
    expect(stale.knownSize).toBe(40n);
    const retried = await stale.addCheckpoint(note, 40n, await log.proof(40n, 90n));
    expect(retried.kind).toBe('cosigned');
  });

  it('refuses forged proofs, forks, foreign keys and unknown logs without changing its record', async () => {
    const { client, store } = await start();
    const c = client();
    await c.addCheckpoint(await log.note(100n), 0n, []);
    const before = (await store.load(ORIGIN))?.note;
    const proof = await log.proof(100n, 150n);
    const forged = [...proof.slice(0, -1), new Uint8Array(32)];
    expect(await codeOf(c.addCheckpoint(await log.note(150n), 100n, forged))).toBe('INCONSISTENT_PROOF');
    const fork = TestLog.create(ORIGIN, logKey, 300, 'rewritten');
    expect(await codeOf(c.addCheckpoint(await fork.note(100n), 100n, []))).toBe('FORK');
    expect(await codeOf(c.addCheckpoint(await fork.note(150n), 100n, await fork.proof(100n, 150n)))).toBe(
      'INCONSISTENT_PROOF',
    );
    const other = testKey(ORIGIN, 0x01, 7);
    expect(await codeOf(c.addCheckpoint(await log.note(150n, other.skey), 100n, proof))).toBe(
      'UNTRUSTED_CHECKPOINT',
    );
    const stranger = TestLog.create('example.cn/unknown', logKey, 3);
    expect(await codeOf(c.addCheckpoint(await stranger.note(3n), 0n, []))).toBe('UNKNOWN_LOG');
    expect(await codeOf(c.addCheckpoint(await log.note(50n), 50n, []))).toBe('ok'); // 409 → conflict result
    expect((await store.load(ORIGIN))?.note).toBe(before);
  });

  it('answers malformed requests with 4xx and stays up', async () => {
    const { server, requests } = await start();
    const note = await log.note(3n);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.string({ maxLength: 200 }).map((s) => `old 0\n${s}\n\n${note}`),
          fc.string({ maxLength: 40 }).map((s) => `old ${s}\n\n${note}`),
        ),
        async (body) => {
          const res = await post(server, body);
          expect([200, 400, 403, 404, 409, 422]).toContain(res.status);
          await res.arrayBuffer();
        },
      ),
      { numRuns: 150 },
    );
    expect((await post(server, 'old 0\n\n')).status).toBe(400);
    expect((await post(server, 'old 0\n\nx', { 'content-type': 'application/json' })).status).toBe(415);
    expect((await post(server, 'old 0\n\nx', { 'content-encoding': 'gzip' })).status).toBe(415);
    expect((await fetch(`${server.url}/add-checkpoint`)).status).toBe(405);
    expect((await fetch(`${server.url}/nope?x=1`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/healthz`)).text()).toBe('ok\n');
    expect(requests.some((r) => r.path === '(other)')).toBe(true);
    expect(JSON.stringify(requests)).not.toContain(ORIGIN); // no bodies in the request log
  });

  it('refuses bodies over the cap (by Content-Length and while streaming)', async () => {
    const { server } = await start();
    const declared = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/add-checkpoint`, {
        method: 'POST',
        headers: { 'content-length': String(10 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('old 0\n');
    });
    expect(declared).toBe(413);
    const streamed = await new Promise<number | string>((resolve) => {
      const req = request(`${server.url}/add-checkpoint`, { method: 'POST' }); // chunked
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      for (let i = 0; i < 4; i++) req.write(chunk);
      req.end();
    });
    expect([413, 'EPIPE', 'ECONNRESET']).toContain(streamed);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('serialises concurrent requests for one log', async () => {
    const { client, store } = await start();
    await client().addCheckpoint(await log.note(10n), 0n, []);
    const sizes = [20n, 30n, 40n, 50n, 60n, 70n];
    const results = await Promise.all(
      sizes.map(async (s) => client(10n).addCheckpoint(await log.note(s), 10n, await log.proof(10n, s))),
    );
    const won = results.filter((r) => r.kind === 'cosigned');
    expect(won).toHaveLength(1);
    const winner = sizes[results.indexOf(won[0]!)]!;
    expect(results.filter((r) => r.kind === 'conflict')).toEqual(
      sizes.slice(1).map(() => ({ kind: 'conflict', size: winner })),
    );
    expect((await store.load(ORIGIN))?.checkpoint.size).toBe(winner);
  });

  it('keeps its record across a restart, in private files', async () => {
    const first = await start();
    await first.client().addCheckpoint(await log.note(33n), 0n, []);
    await first.server.close();
    const again = await start(first.stateDir);
    expect(await again.client().addCheckpoint(await log.note(34n), 0n, [])).toEqual({
      kind: 'conflict',
      size: 33n,
    });
    expect(await codeOf(again.client().addCheckpoint(await log.note(20n), 20n, []))).toBe('ok');
    const dir = join(first.stateDir, 'state');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, witnessStateFileName(ORIGIN)))).mode & 0o777).toBe(0o600);
  });

  it('GET / names the witness key', async () => {
    const { server, witness } = await start();
    expect(await (await fetch(server.url)).text()).toBe(`${witness.name}\n${witness.verifierKey}\n`);
  });
});
