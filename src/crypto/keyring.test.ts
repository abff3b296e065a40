import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AeadKey } from './aead-key.ts';
import { readEnvelopeHeader } from './ciphertext.ts';
import { isCryptoError } from './errors.ts';
import { decryptField, encryptField } from './field-cipher.ts';
import { parseWrappedKey } from './key-wrap.ts';
import { Keyring } from './keyring.ts';
import { InMemoryRootKeyProvider } from './root-key-provider.ts';
import type { Suite } from './suite.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const root = (fill: number) => new InMemoryRootKeyProvider(new Uint8Array(32).fill(fill), 'test');

function expectCode(code: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isCryptoError(e) ? e.code : e).toBe(code);
    return;
  }
  expect.unreachable(`expected ${code}`);
}

const open: Keyring[] = [];
async function keyringWithKek(suite: Suite, tenant = 't1', rootKey = root(1)): Promise<Keyring> {
  const k = new Keyring(rootKey);
  open.push(k);
  await k.createKek(tenant, 1, suite);
  k.activateKek(tenant, 1);
  return k;
}
afterEach(async () => {
  for (const k of open.splice(0)) await k.close();
});

describe.each<Suite>(['intl', 'gm'])('fields under a %s DEK', (suite) => {
  it('round-trip for any plaintext', async () => {
    const ring = await keyringWithKek(suite);
    const dek = ring.generateDek(suite);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (pt) => {
        const ct = ring.encryptField('t1', 's1', 'CN_MOBILE', pt, dek);
        expect(ct.length).toBe(41 + pt.length);
        expect(readEnvelopeHeader(ct)).toEqual({ kind: 'field', suite, kekVersion: 0, dekVersion: 1 });
        expect(hex(ring.decryptField('t1', 's1', 'CN_MOBILE', ct, dek))).toBe(hex(pt));
      }),
    );
  });

  it('fail with DECRYPT_FAILED after any bit flip (header, nonce, ciphertext or tag)', async () => {
    const dek = new AeadKey(suite, 1, new Uint8Array(suite === 'intl' ? 32 : 16).fill(9));
    const ctx = { tenant: 't1', subject: 's1', field: 'name' };
    const ct = encryptField(ctx, utf8('张三'), dek);
    for (let i = 0; i < ct.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = Uint8Array.from(ct);
        bad[i] = bad[i]! ^ (1 << bit);
        expectCode('DECRYPT_FAILED', () => decryptField(ctx, bad, dek));
      }
    }
  });

  it('fail with DECRYPT_FAILED when moved to another tenant, subject, field or key version', async () => {
    const dek = new AeadKey(suite, 1, new Uint8Array(suite === 'intl' ? 32 : 16).fill(9));
    const dek2 = new AeadKey(suite, 2, new Uint8Array(suite === 'intl' ? 32 : 16).fill(9)); // same bytes, v2
    const ctx = { tenant: 't1', subject: 's1', field: 'name' };
    const ct = encryptField(ctx, utf8('张三'), dek);
    expectCode('DECRYPT_FAILED', () => decryptField({ ...ctx, tenant: 't2' }, ct, dek));
    expectCode('DECRYPT_FAILED', () => decryptField({ ...ctx, subject: 's2' }, ct, dek));
    expectCode('DECRYPT_FAILED', () => decryptField({ ...ctx, field: 'address' }, ct, dek));
    expectCode('DECRYPT_FAILED', () => decryptField(ctx, ct, dek2));
    // Rewriting the header's DEK version to 2 (to pick dek2) breaks the tag: the header is in the AAD.
    const relabelled = Uint8Array.from(ct);
    relabelled[12] = 2;
    expectCode('DECRYPT_FAILED', () => decryptField(ctx, relabelled, dek2));
    expect(new TextDecoder().decode(decryptField(ctx, ct, dek))).toBe('张三');
  });
});

describe('DEK wrapping', () => {
  it('wrap / unwrap / rewrap round-trip, bound to tenant and subject', async () => {
    const ring = await keyringWithKek('intl');
    await ring.createKek('t1', 2, 'gm');
    fc.assert(
      fc.property(
        fc.constantFrom<Suite>('intl', 'gm'),
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        (suite, v) => {
          const dek = ring.generateDek(suite, v);
          const ct = ring.encryptField('t1', 's9', 'f', utf8('v'), dek);
          const wrapped = ring.wrapDek('t1', 's9', dek);
          expect(parseWrappedKey(wrapped.bytes)).toEqual(wrapped);
          expect(wrapped).toMatchObject({ kind: 'dek', version: v, wrappedBy: 1, suite: 'intl' });
          const back = ring.unwrapDek('t1', 's9', wrapped);
          expect([back.suite, back.version]).toEqual([suite, v]);
          const rewrapped = ring.rewrapDek('t1', 's9', wrapped, 2);
          expect(rewrapped).toMatchObject({ version: v, wrappedBy: 2, suite: 'gm' });
          const again = ring.unwrapDek('t1', 's9', rewrapped.bytes);
          expect(new TextDecoder().decode(ring.decryptField('t1', 's9', 'f', ct, again))).toBe('v');
          expectCode('DECRYPT_FAILED', () => ring.unwrapDek('t1', 's8', wrapped));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a wrapped DEK fails to unwrap after any bit flip, and is not accepted as a field', async () => {
    const ring = await keyringWithKek('gm');
    const dek = ring.generateDek('gm');
    const { bytes } = ring.wrapDek('t1', 's1', dek);
    for (let i = 0; i < bytes.length; i++) {
      const bad = Uint8Array.from(bytes);
      bad[i] = bad[i]! ^ 0x01;
      try {
        ring.unwrapDek('t1', 's1', bad);
        expect.unreachable();
      } catch (e) {
        // A flip in the KEK-version bytes names an unloaded KEK; everything else fails the tag.
        expect(isCryptoError(e, 'DECRYPT_FAILED') || isCryptoError(e, 'KEK_NOT_LOADED')).toBe(true);
      }
    }
    expectCode('DECRYPT_FAILED', () => ring.decryptField('t1', 's1', 'f', bytes, dek));
  });
});

describe('tenant KEKs', () => {
  it('load on another server sharing the root, and not under another root or tenant', async () => {
    const a = await keyringWithKek('gm', 't1');
    const wrappedKek = await a.createKek('t1', 2, 'gm');
    a.activateKek('t1', 2);
    const dek = a.generateDek('gm');
    const wrappedDek = a.wrapDek('t1', 's1', dek);

    const b = new Keyring(root(1));
    open.push(b);
    expectCode('KEK_NOT_LOADED', () => b.unwrapDek('t1', 's1', wrappedDek));
    await b.loadKek('t1', wrappedKek);
    expect(hex(b.encryptField('t1', 's1', 'f', utf8(''), b.unwrapDek('t1', 's1', wrappedDek))).length).toBe(
      82,
    );

    const otherRoot = new Keyring(root(2));
    open.push(otherRoot);
    await expect(otherRoot.loadKek('t1', wrappedKek)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await expect(b.loadKek('t2', wrappedKek)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  });

  it('rotate online: new DEKs use the new version, old ones rewrap, then the old KEK retires', async () => {
    const ring = await keyringWithKek('intl');
    const dekA = ring.generateDek('intl');
    let wrappedA = ring.wrapDek('t1', 'a', dekA);
    const ctA = ring.encryptField('t1', 'a', 'f', utf8('old'), dekA);

    await ring.createKek('t1', 2, 'intl');
    ring.activateKek('t1', 2);
    expect(ring.wrapDek('t1', 'b', ring.generateDek('intl')).wrappedBy).toBe(2);
    expect(ring.unwrapDek('t1', 'a', wrappedA).version).toBe(1); // old wraps still open

    wrappedA = ring.rewrapDek('t1', 'a', wrappedA); // background job
    expect(wrappedA.wrappedBy).toBe(2);
    expectCode('INVALID_KEY_VERSION', () => ring.unloadKek('t1', 2));
    ring.unloadKek('t1', 1);
    expect(ring.loadedKekVersions('t1')).toEqual([2]);
    const dekA2 = ring.unwrapDek('t1', 'a', wrappedA);
    expect(new TextDecoder().decode(ring.decryptField('t1', 'a', 'f', ctA, dekA2))).toBe('old');
  });

  it('report missing, duplicate and inactive versions with typed errors', async () => {
    const ring = new Keyring(root(1));
    open.push(ring);
    expectCode('KEK_NOT_LOADED', () => ring.wrapDek('t1', 's', ring.generateDek('intl')));
    expectCode('KEK_NOT_LOADED', () => ring.activateKek('t1', 1));
    await ring.createKek('t1', 1, 'intl');
    await expect(ring.createKek('t1', 1, 'intl')).rejects.toMatchObject({ code: 'INVALID_KEY_VERSION' });
    await expect(ring.createKek('t1', 0, 'intl')).rejects.toMatchObject({ code: 'INVALID_KEY_VERSION' });
    await expect(ring.createKek('t/1', 1, 'intl')).rejects.toMatchObject({ code: 'INVALID_CONTEXT' });
    expect(ring.activeKekVersion('t1')).toBeUndefined();
    const racing = await Promise.allSettled([ring.createKek('t1', 5, 'gm'), ring.createKek('t1', 5, 'gm')]);
    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const wrappedKek = (
      racing.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ bytes: Uint8Array }>
    ).value;
    expectCode('DECRYPT_FAILED', () => ring.unwrapDek('t1', 's', wrappedKek.bytes));
    expectCode('KEK_NOT_LOADED', () => ring.rewrapDek('t1', 's', new Uint8Array(60)));
  });

  it('zeroes KEKs on close and refuses further use; never prints key bytes', async () => {
    const ring = await keyringWithKek('intl');
    const dek = ring.generateDek('intl');
    expect(JSON.stringify(dek)).toBe('{"suite":"intl","version":1}');
    expect(inspect(dek)).toBe("AeadKey { suite: 'intl', version: 1 }");
    expect(inspect(ring)).toBe('Keyring { tenants: 1 }');
    await ring.close();
    expectCode('KEY_DESTROYED', () => ring.wrapDek('t1', 's', dek));
    await expect(ring.createKek('t1', 2, 'intl')).rejects.toMatchObject({ code: 'KEY_DESTROYED' });
    dek.destroy();
    expect(dek.destroyed).toBe(true);
    expectCode('KEY_DESTROYED', () =>
      encryptField({ tenant: 't', subject: 's', field: 'f' }, utf8('x'), dek),
    );
  });
});
