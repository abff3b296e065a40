/**
 * `/v1/audit` through `inject()`, on every dialect: what the server serves verifies with the audit
 * core alone — the checkpoint with `CheckpointVerifier` and the log key from `/v1/audit/key`,
 * tiles against the signed root, proofs with `verifyInclusion` / `verifyConsistency`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';
import type { Checkpoint } from '../../audit/checkpoint.ts';
import { CheckpointVerifier } from '../../audit/checkpoint-verifier.ts';
import { parseEntryBundle } from '../../audit/entry-bundle.ts';
import { hashSuite } from '../../audit/hash-suite.ts';
import { noteVerifier } from '../../audit/note-keys.ts';
import { rootAt } from '../../audit/proof-builder.ts';
import { tileHashReader } from '../../audit/tile-hash-reader.ts';
import { tilePath } from '../../audit/tile-path.ts';
import { verifyConsistency, verifyInclusion } from '../../audit/verify-proof.ts';

const suite = hashSuite('sha256');
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

describe.each(testDialects)('audit routes on %s', (dialect) => {
  let t: TestApp;
  let verifier: CheckpointVerifier;

  const get = (url: string, role: Parameters<TestApp['auth']>[0] = 'auditor') =>
    t.app.inject({ url, headers: t.auth(role) });

  async function record(n: number): Promise<void> {
    await t.auditLog.record(
      Array.from({ length: n }, (_, i) => ({
        actor: `key_${i % 7}`,
        role: 'agent',
        purpose: 'customer-support',
        action: 'subject.read',
        tenant: 'acme',
        outcome: 'ok' as const,
      })),
    );
  }

  async function signedCheckpoint(): Promise<{ note: string; cp: Checkpoint }> {
    const res = await t.app.inject({ method: 'POST', url: '/v1/audit/checkpoint', headers: t.auth('admin') });
    expect(res.statusCode).toBe(200);
    const note = (await get('/v1/audit/checkpoint')).body;
    expect(note).toBe(res.json().note);
    return { note, cp: verifier.verifyNote(note).checkpoint };
  }

  beforeEach(async () => {
    t = await startTestApp(dialect);
    const vkey = (await get('/v1/audit/key')).body.trim();
    verifier = new CheckpointVerifier({ origin: t.auditLog.origin, suite, logKeys: [noteVerifier(vkey)] });
  });
  afterEach(() => t.close());

  it('serves no checkpoint before the first is signed (404), then the signed note as text', async () => {
    const none = await get('/v1/audit/checkpoint');
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('NOT_FOUND');
    await record(10);
    const { cp } = await signedCheckpoint();
    expect(cp.size).toBe(t.auditLog.size);
    const res = await get('/v1/audit/checkpoint');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves tiles and entry bundles that hash to the signed root', async () => {
    await record(600); // two full level-0 tiles and a partial one
    const { cp } = await signedCheckpoint();
    const fetched: string[] = [];
    const reader = tileHashReader(suite, cp.size, async (ids) =>
      Promise.all(
        ids.map(async (id) => {
          const path = tilePath(id);
          fetched.push(path);
          const res = await get(`/v1/audit/${path}`);
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe('application/octet-stream');
          expect(res.headers['cache-control']).toContain('immutable');
          return new Uint8Array(res.rawPayload);
        }),
      ),
    );
    expect(Buffer.from(await rootAt(suite, cp.size, reader)).equals(Buffer.from(cp.root))).toBe(true);
    expect(fetched.length).toBeGreaterThan(0);
    // The first bundle's entries are the leaves of the first level-0 tile.
    const bundle = parseEntryBundle(
      new Uint8Array((await get('/v1/audit/tile/entries/000')).rawPayload),
      256,
    );
    const tile = new Uint8Array((await get('/v1/audit/tile/0/000')).rawPayload);
    bundle.forEach((entry, i) => {
      expect(Buffer.from(suite.leafHash(entry)).equals(Buffer.from(tile.subarray(i * 32, i * 32 + 32)))).toBe(
        true,
      );
    });
  });

  it('answers 404 for tiles beyond the tree and 400 for paths that are not C2SP tile paths', async () => {
    await record(10);
    expect((await get('/v1/audit/tile/0/001')).statusCode).toBe(404);
    expect((await get('/v1/audit/tile/0/000.p/250')).statusCode).toBe(404);
    expect((await get('/v1/audit/tile/entries/000.p/200')).statusCode).toBe(404);
    for (const bad of [
      'tile/0/1',
      'tile/0/x000/001',
      'tile/64/000',
      'tile/0/000.p/256',
      'tile/0/000.p/0',
      'tile/../x',
    ]) {
      const res = await get(`/v1/audit/${bad}`);
      expect([400, 404]).toContain(res.statusCode);
      if (res.statusCode === 400)
        expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'path' });
    }
    expect((await get('/v1/audit/tile/0/1')).json().error.field).toBe('path');
  });

  it('serves inclusion proofs that verify against the signed root', async () => {
    await record(300);
    const { cp } = await signedCheckpoint();
    const entries = await t.auditLog.entries(0n, cp.size);
    for (const index of [0n, 1n, 255n, 256n, cp.size - 1n]) {
      const res = await get(`/v1/audit/proof/inclusion?index=${index}&size=${cp.size}`);
      expect(res.statusCode).toBe(200);
      const proof = res.json().proof.map(b64);
      verifyInclusion(suite, index, cp.size, suite.leafHash(entries[Number(index)]!), proof, cp.root);
    }
  });

  it('serves consistency proofs that verify between two signed checkpoints', async () => {
    await record(100);
    const first = await signedCheckpoint();
    await record(333);
    const second = await signedCheckpoint();
    const res = await get(`/v1/audit/proof/consistency?from=${first.cp.size}&to=${second.cp.size}`);
    expect(res.statusCode).toBe(200);
    verifyConsistency(
      suite,
      first.cp.size,
      second.cp.size,
      res.json().proof.map(b64),
      first.cp.root,
      second.cp.root,
    );
    verifier.verifyUpdate(first.note, second.note, res.json().proof.map(b64));
    const same = await get(`/v1/audit/proof/consistency?from=${second.cp.size}&to=${second.cp.size}`);
    expect(same.json().proof).toEqual([]);
  });

  it('refuses impossible proof requests with the field at fault', async () => {
    await record(5);
    const size = t.auditLog.size;
    const cases: [string, string][] = [
      [`/v1/audit/proof/inclusion?index=${size}&size=${size}`, 'index'],
      [`/v1/audit/proof/inclusion?index=0&size=${size + 1n}`, 'size'],
      ['/v1/audit/proof/inclusion?index=01&size=3', 'index'],
      ['/v1/audit/proof/inclusion?index=-1&size=3', 'index'],
      ['/v1/audit/proof/inclusion?size=3', 'index'],
      ['/v1/audit/proof/inclusion?index=0&size=3&extra=1', 'extra'],
      ['/v1/audit/proof/consistency?from=0&to=3', 'from'],
      ['/v1/audit/proof/consistency?from=4&to=3', 'from'],
      [`/v1/audit/proof/consistency?from=1&to=${size + 1n}`, 'to'],
      ['/v1/audit/proof/consistency?from=1&to=99999999999999999999', 'to'],
    ];
    for (const [url, field] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toMatchObject({ code: 'INVALID_REQUEST', field });
    }
  });

  it('admits auditors and admins to the log, and nobody else; only admins sign', async () => {
    await record(1);
    for (const role of ['registrar', 'agent', 'investigator'] as const) {
      expect((await get('/v1/audit/key', role)).statusCode).toBe(403);
      expect((await get('/v1/audit/tile/0/000.p/1', role)).statusCode).toBe(403);
      expect((await get('/v1/audit/proof/inclusion?index=0&size=1', role)).statusCode).toBe(403);
    }
    expect((await get('/v1/audit/key', 'admin')).statusCode).toBe(200);
    const sign = await t.app.inject({
      method: 'POST',
      url: '/v1/audit/checkpoint',
      headers: t.auth('auditor'),
    });
    expect(sign.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/v1/audit/checkpoint' })).statusCode).toBe(401);
  });
});
