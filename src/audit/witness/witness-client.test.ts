import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { suite, TestLog, testKey } from '../../../test/support/witness-fixtures.ts';
import { CheckpointVerifier } from '../checkpoint-verifier.ts';
import { cosignatureVerifier, cosigner } from '../cosignature.ts';
import { noteVerifier } from '../note-keys.ts';
import { parseNote, signatureLine } from '../signed-note.ts';
import { cosignCheckpoint } from './cosign-checkpoint.ts';
import { Witness } from './witness.ts';
import { WitnessClient } from './witness-client.ts';
import { WitnessError } from './witness-error.ts';
import { startWitnessServer } from './witness-server.ts';
import { MemoryWitnessStateStore } from './witness-state-store.ts';

const ORIGIN = 'example.cn/pi-audit/t42';
const logKey = testKey(ORIGIN, 0x01, 1);
const w1 = testKey('regulator.example.cn/w1', 0x04, 2);
const w2 = testKey('auditor.example.cn/w2', 0x04, 3);
const log = TestLog.create(ORIGIN, logKey, 100);
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function realWitness(key: { skey: string }) {
  const witness = new Witness({
    key: key.skey,
    logs: [log.witnessLog],
    store: new MemoryWitnessStateStore(),
  });
  const server = await startWitnessServer({ witness, port: 0 });
  cleanup.push(() => server.close());
  return { witness, server };
}

/** A server that answers every request with `handler` (a misbehaving or fake witness). */
async function fakeWitness(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function downUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise((resolve) => server.close(resolve));
  return url;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof WitnessError ? e.code : e),
  );

const proofTo = (size: bigint) => (from: bigint) => log.proof(from, size);

describe('WitnessClient', () => {
  it('rejects answers that are not a valid cosignature by the configured witness', async () => {
    const note = await log.note(5n);
    const text = parseNote(note).text;
    const byOther = await signatureLine(text, cosigner(w2.skey));
    const byW1OtherText = await signatureLine(parseNote(await log.note(6n)).text, cosigner(w1.skey));
    const answers: [string, string][] = [
      [`${byOther}\n`, 'BAD_COSIGNATURE'],
      [`${byW1OtherText}\n`, 'BAD_COSIGNATURE'],
      ['— regulator.example.cn/w1 AAAA\n', 'UNEXPECTED_RESPONSE'],
      ['hello', 'UNEXPECTED_RESPONSE'],
      ['x'.repeat(100_000), 'UNEXPECTED_RESPONSE'],
    ];
    for (const [body, code] of answers) {
      const url = await fakeWitness((_req, res) => res.end(body));
      const client = new WitnessClient({ url, verifierKey: w1.vkey });
      expect(await codeOf(client.addCheckpoint(note, 0n, [])), body.slice(0, 30)).toBe(code);
    }
    // Lines by unknown keys are ignored; only the witness's own line is kept.
    const good = await signatureLine(text, cosigner(w1.skey));
    const url = await fakeWitness((_req, res) => res.end(`${byOther}\n${good}\n`));
    const result = await new WitnessClient({ url, verifierKey: w1.vkey }).addCheckpoint(note, 0n, []);
    expect(result).toMatchObject({ kind: 'cosigned', lines: [good] });
  });

  it('maps statuses, timeouts and unreachable witnesses to typed errors', async () => {
    const note = await log.note(5n);
    const cases: [number, string, string][] = [
      [404, '', 'UNKNOWN_LOG'],
      [403, '', 'UNTRUSTED_CHECKPOINT'],
      [422, '', 'INCONSISTENT_PROOF'],
      [400, '', 'MALFORMED_REQUEST'],
      [409, 'conflict', 'FORK'],
      [500, '', 'UNEXPECTED_RESPONSE'],
      [302, '', 'UNAVAILABLE'], // redirects are not followed (fetch fails)
    ];
    for (const [status, body, code] of cases) {
      const url = await fakeWitness((_req, res) => {
        res.writeHead(status, status === 302 ? { location: 'http://example.invalid/' } : {});
        res.end(body);
      });
      expect(await codeOf(new WitnessClient({ url, verifierKey: w1.vkey }).addCheckpoint(note, 0n, []))).toBe(
        code,
      );
    }
    // A 409 naming the old size we sent is a fork report, not a size to retry from.
    const same = await fakeWitness((_req, res) => {
      res.writeHead(409, { 'content-type': 'text/x.tlog.size' });
      res.end('3\n');
    });
    expect(
      await codeOf(
        new WitnessClient({ url: same, verifierKey: w1.vkey }).addCheckpoint(
          note,
          3n,
          await log.proof(3n, 5n),
        ),
      ),
    ).toBe('FORK');
    const silent = await fakeWitness(() => undefined);
    const slow = new WitnessClient({ url: silent, verifierKey: w1.vkey, timeoutMs: 100 });
    expect(await codeOf(slow.addCheckpoint(note, 0n, []))).toBe('TIMEOUT');
    const down = new WitnessClient({ url: await downUrl(), verifierKey: w1.vkey });
    expect(await codeOf(down.addCheckpoint(note, 0n, []))).toBe('UNAVAILABLE');
    expect(await codeOf(down.addCheckpoint(note, 6n, []))).toBe('INVALID_ARGUMENT');
    expect(() => new WitnessClient({ url: 'ftp://x', verifierKey: w1.vkey })).toThrow(WitnessError);
    expect(() => new WitnessClient({ url: 'http://x', verifierKey: logKey.vkey })).toThrow(/0x04/);
  });
});

describe('cosignCheckpoint', () => {
  it('gathers cosignatures in parallel, retrying once after a 409', async () => {
    const a = await realWitness(w1);
    const b = await realWitness(w2);
    const ca = new WitnessClient({ url: a.server.url, verifierKey: w1.vkey });
    const cb = new WitnessClient({ url: b.server.url, verifierKey: w2.vkey });
    await cosignCheckpoint(await log.note(10n), [ca, cb], proofTo(10n), { quorum: 2 });
    // A restarted log does not know the witnesses' sizes: each answers 409, then cosigns.
    const fresh = [
      new WitnessClient({ url: a.server.url, verifierKey: w1.vkey }),
      new WitnessClient({ url: b.server.url, verifierKey: w2.vkey }),
    ];
    const note = await cosignCheckpoint(await log.note(60n), fresh, proofTo(60n), { quorum: 2 });
    const verifier = new CheckpointVerifier({
      origin: ORIGIN,
      suite,
      logKeys: [noteVerifier(logKey.vkey)],
      witnesses: { verifiers: [cosignatureVerifier(w1.vkey), cosignatureVerifier(w2.vkey)], quorum: 2 },
    });
    expect(
      verifier
        .verifyNote(note)
        .cosignatures.map((c) => c.name)
        .sort(),
    ).toEqual(['auditor.example.cn/w2', 'regulator.example.cn/w1']);
    expect(fresh.map((c) => c.knownSize)).toEqual([60n, 60n]);
  });

  it('fails below the quorum and succeeds at it when one witness is down', async () => {
    const a = await realWitness(w1);
    const up = new WitnessClient({ url: a.server.url, verifierKey: w1.vkey });
    const down = new WitnessClient({ url: await downUrl(), verifierKey: w2.vkey, timeoutMs: 1000 });
    const failures: string[] = [];
    const onFailure = (name: string, e: WitnessError) => failures.push(`${name} ${e.code}`);
    const note = await log.note(20n);
    const error = await cosignCheckpoint(note, [up, down], proofTo(20n), { quorum: 2, onFailure }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(WitnessError);
    expect(error.code).toBe('QUORUM_NOT_MET');
    expect((error.cause as AggregateError).errors.map((e: WitnessError) => e.code)).toEqual(['UNAVAILABLE']);
    expect(failures).toEqual(['auditor.example.cn/w2 UNAVAILABLE']);
    const cosigned = await cosignCheckpoint(note, [up, down], proofTo(20n), { quorum: 1 });
    const verifier = new CheckpointVerifier({
      origin: ORIGIN,
      suite,
      logKeys: [noteVerifier(logKey.vkey)],
      witnesses: { verifiers: [cosignatureVerifier(w1.vkey), cosignatureVerifier(w2.vkey)], quorum: 1 },
    });
    expect(verifier.verifyNote(cosigned).cosignatures).toHaveLength(1);
    expect(await codeOf(cosignCheckpoint(note, [up, down], proofTo(20n), { quorum: 3 }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(cosignCheckpoint(note, [up, up], proofTo(20n), { quorum: 1 }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('reports a witness that is ahead of the checkpoint and a failing proof source', async () => {
    const a = await realWitness(w1);
    const client = new WitnessClient({ url: a.server.url, verifierKey: w1.vkey });
    await cosignCheckpoint(await log.note(50n), [client], proofTo(50n), { quorum: 1 });
    const behind = await log.note(40n);
    const stale = new WitnessClient({ url: a.server.url, verifierKey: w1.vkey });
    const codes: string[] = [];
    await cosignCheckpoint(behind, [stale], proofTo(40n), {
      quorum: 0,
      onFailure: (_n, e) => codes.push(e.code),
    });
    expect(codes).toEqual(['WITNESS_AHEAD']);
    const broken = async () => {
      throw new Error('tiles unavailable');
    };
    const c2 = new WitnessClient({ url: a.server.url, verifierKey: w1.vkey, knownSize: 50n });
    await cosignCheckpoint(await log.note(60n), [c2], broken, {
      quorum: 0,
      onFailure: (_n, e) => codes.push(e.code),
    });
    expect(codes).toEqual(['WITNESS_AHEAD', 'PROOF_UNAVAILABLE']);
  });
});
