import { verify } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCryptoError } from './errors.ts';
import { InMemoryRootKeyProvider, rootKeyFingerprint } from './root-key-provider.ts';
import {
  deriveLogSigningKey,
  Ed25519SigningKey,
  ed25519PublicKeyFromRaw,
  verifyEd25519,
} from './signing-key.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const ROOT = Uint8Array.from({ length: 32 }, (_, i) => i);
const ORIGIN = 'shiming.example/audit';

describe('Ed25519SigningKey', () => {
  it('matches RFC 8032 §7.1 test 1 (seed → public key, signature of the empty message)', () => {
    const key = Ed25519SigningKey.fromSeed(
      bytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
    );
    expect(hex(key.publicKey)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(hex(key.sign(new Uint8Array(0)))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('signs and verifies round trip; rejects altered messages and signatures', () => {
    const key = Ed25519SigningKey.fromSeed(new Uint8Array(32).fill(5));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (message, flip) => {
        const sig = key.sign(message);
        expect(sig).toHaveLength(64);
        expect(key.verify(message, sig)).toBe(true);
        expect(verify(null, message, ed25519PublicKeyFromRaw(key.publicKey), sig)).toBe(true);
        const bad = Uint8Array.from(sig);
        bad[flip % 64]! ^= 1;
        expect(verifyEd25519(key.publicKey, message, bad)).toBe(false);
        expect(verifyEd25519(key.publicKey, Uint8Array.from([...message, 0]), sig)).toBe(false);
      }),
      { numRuns: 50 },
    );
    expect(verifyEd25519(key.publicKey, new Uint8Array(1), new Uint8Array(63))).toBe(false);
  });

  it('hands out copies of the seed and public key, and never shows the seed', () => {
    const seed = new Uint8Array(32).fill(7);
    const key = Ed25519SigningKey.fromSeed(seed);
    seed.fill(0);
    expect(hex(key.seed())).toBe('07'.repeat(32));
    key.seed().fill(0);
    key.publicKey.fill(0);
    expect(hex(key.seed())).toBe('07'.repeat(32));
    expect(key.publicKey.some((b) => b !== 0)).toBe(true);
    const shown = inspect(key, { showHidden: true, depth: 4 }) + JSON.stringify(key);
    expect(shown).not.toContain('0707070707');
    expect(shown).not.toContain('BwcHBwcH');
  });

  it('refuses seeds and public keys of the wrong length with a typed error', () => {
    expect(() => Ed25519SigningKey.fromSeed(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }),
    );
    expect(() => ed25519PublicKeyFromRaw(new Uint8Array(33))).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }),
    );
  });
});

describe('deriveLogSigningKey', () => {
  it('is deterministic per root and origin (golden value computed independently)', async () => {
    const a = await deriveLogSigningKey(new InMemoryRootKeyProvider(ROOT, 'a'), ORIGIN);
    const b = await deriveLogSigningKey(new InMemoryRootKeyProvider(Uint8Array.from(ROOT), 'b'), ORIGIN);
    expect(hex(a.seed())).toBe(hex(b.seed()));
    expect(Buffer.from(a.publicKey).toString('base64url')).toBe(
      '8OylhjcBemRngmQinUjiE8DPl52vteG28cytzb_B6ek',
    );
    const message = new TextEncoder().encode('shiming.example/audit\n1\nAAAA\n');
    expect(b.verify(message, a.sign(message))).toBe(true);
  });

  it('differs between origins and between roots', async () => {
    const root = new InMemoryRootKeyProvider(ROOT, 'a');
    const other = new InMemoryRootKeyProvider(new Uint8Array(32).fill(9), 'b');
    const keys = [
      await deriveLogSigningKey(root, ORIGIN),
      await deriveLogSigningKey(root, 'shiming.example/audit2'),
      await deriveLogSigningKey(other, ORIGIN),
    ];
    expect(new Set(keys.map((k) => hex(k.publicKey))).size).toBe(3);
    expect(await rootKeyFingerprint(root)).toBe('fc13a03e6cf20585');
  });

  it('refuses an empty origin', async () => {
    await expect(deriveLogSigningKey(new InMemoryRootKeyProvider(ROOT, 'a'), '')).rejects.toSatisfy((e) =>
      isCryptoError(e, 'INVALID_LABEL'),
    );
  });
});
