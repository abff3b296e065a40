import { hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isCryptoError } from './errors.ts';
import { auditHmacLabel } from './labels.ts';
import { InMemoryRootKeyProvider, rootKeyFingerprint } from './root-key-provider.ts';

const ROOT = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('InMemoryRootKeyProvider', () => {
  it('derives HKDF(suite, root, empty salt, label) — the documented construction', async () => {
    const p = new InMemoryRootKeyProvider(ROOT, 'test');
    const label = auditHmacLabel('main');
    for (const [suite, digest] of [
      ['intl', 'sha256'],
      ['gm', 'sm3'],
    ] as const) {
      const expected = Buffer.from(hkdfSync(digest, ROOT, new Uint8Array(0), label, 32));
      expect(hex(await p.deriveKey({ label, length: 32, suite }))).toBe(expected.toString('hex'));
    }
  });

  it('is deterministic and separates labels and suites', async () => {
    const a = new InMemoryRootKeyProvider(ROOT, 'a');
    const b = new InMemoryRootKeyProvider(Uint8Array.from(ROOT), 'b');
    const req = { label: auditHmacLabel('main'), length: 32, suite: 'intl' } as const;
    expect(hex(await a.deriveKey(req))).toBe(hex(await b.deriveKey(req)));
    expect(hex(await a.deriveKey(req))).not.toBe(
      hex(await a.deriveKey({ ...req, label: auditHmacLabel('other') })),
    );
    expect(hex(await a.deriveKey(req))).not.toBe(hex(await a.deriveKey({ ...req, suite: 'gm' })));
  });

  it('copies the root, so zeroing the caller array changes nothing', async () => {
    const mine = Uint8Array.from(ROOT);
    const p = new InMemoryRootKeyProvider(mine, 'x');
    const before = await rootKeyFingerprint(p);
    mine.fill(0);
    expect(await rootKeyFingerprint(p)).toBe(before);
    expect(before).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses wrong lengths, all-zero roots and bad labels; fails closed after close()', async () => {
    expect(() => new InMemoryRootKeyProvider(new Uint8Array(31).fill(1), 'x')).toThrow(
      expect.objectContaining({ code: 'ROOT_KEY_WRONG_LENGTH' }),
    );
    expect(() => new InMemoryRootKeyProvider(new Uint8Array(32), 'x')).toThrow(
      expect.objectContaining({ code: 'ROOT_KEY_MALFORMED' }),
    );
    const p = new InMemoryRootKeyProvider(ROOT, 'x');
    await expect(p.deriveKey({ label: 'audit', length: 32, suite: 'intl' })).rejects.toSatisfy((e) =>
      isCryptoError(e, 'INVALID_LABEL'),
    );
    await p.close();
    await expect(rootKeyFingerprint(p)).rejects.toSatisfy((e) => isCryptoError(e, 'ROOT_KEY_CLOSED'));
  });

  it('never shows key bytes when logged or serialised', () => {
    const p = new InMemoryRootKeyProvider(ROOT, 'file:/k');
    const shown = inspect(p, { showHidden: true, depth: 5 }) + JSON.stringify(p);
    expect(shown).toContain('file:/k');
    expect(shown).not.toContain('0102030405');
    expect(shown).not.toMatch(/\b1, 2, 3\b/);
  });
});
