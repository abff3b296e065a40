/**
 * A worked example of a KMS-backed provider, as described in docs/keys.md: the root key never
 * leaves the "KMS" (here a fake whose only operation is HMAC with a non-exportable key), and
 * `deriveKey` is HKDF-Expand with that remote HMAC as the PRF.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoError, isCryptoError } from './errors.ts';
import { hkdfExpandWith } from './hkdf.ts';
import { hmacIdentifier } from './hmac-identifier.ts';
import { deriveAuditHmacKey } from './hmac-key.ts';
import { assertValidLabel } from './labels.ts';
import type { DeriveKeyRequest, RootKeyProvider } from './root-key-provider.ts';
import { openRootKeyProvider } from './select-root-key-provider.ts';

/** Stand-in for a cloud KMS client: `generateMac` is all it offers; the key stays inside. */
class FakeKms {
  readonly #keys = new Map<string, Buffer>();
  createKey(id: string): void {
    this.#keys.set(id, randomBytes(32));
  }
  async generateMac(
    keyId: string,
    algorithm: 'HMAC_SHA_256' | 'HMAC_SM3',
    message: Uint8Array,
  ): Promise<Uint8Array> {
    const key = this.#keys.get(keyId);
    if (!key) throw new Error(`no such key ${keyId}`);
    return createHmac(algorithm === 'HMAC_SM3' ? 'sm3' : 'sha256', key)
      .update(message)
      .digest();
  }
}

class KmsRootKeyProvider implements RootKeyProvider {
  readonly description: string;
  readonly #kms: FakeKms;
  readonly #keyIds: { intl: string; gm: string };
  #closed = false;

  constructor(kms: FakeKms, keyIds: { intl: string; gm: string }) {
    this.#kms = kms;
    this.#keyIds = keyIds;
    this.description = `kms:fake:${keyIds.intl}`;
  }

  async deriveKey({ label, length, suite }: DeriveKeyRequest): Promise<Uint8Array> {
    if (this.#closed) throw new CryptoError('ROOT_KEY_CLOSED', 'KMS provider is closed');
    assertValidLabel(label);
    const algorithm = suite === 'gm' ? 'HMAC_SM3' : 'HMAC_SHA_256';
    const prf = async (data: Uint8Array): Promise<Uint8Array> => {
      try {
        return await this.#kms.generateMac(this.#keyIds[suite], algorithm, data);
      } catch (cause) {
        throw new CryptoError('KMS_FAILURE', 'KMS GenerateMac failed', { cause });
      }
    };
    return hkdfExpandWith(prf, label, length);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

describe('a KMS provider built on hkdfExpandWith', () => {
  const kms = new FakeKms();
  kms.createKey('root-intl');
  kms.createKey('root-gm');
  const factory = async (options: Readonly<Record<string, unknown>>): Promise<RootKeyProvider> =>
    new KmsRootKeyProvider(kms, { intl: String(options.intlKeyId), gm: String(options.gmKeyId) });

  it('plugs into openRootKeyProvider and yields stable audit identifiers in both suites', async () => {
    const config = {
      source: 'kms',
      kms: 'fake',
      kmsOptions: { intlKeyId: 'root-intl', gmKeyId: 'root-gm' },
    } as const;
    const context = { env: {}, kmsProviders: { fake: factory } };
    const a = await openRootKeyProvider(config, context);
    const b = await openRootKeyProvider(config, context);
    for (const suite of ['intl', 'gm'] as const) {
      const ka = await deriveAuditHmacKey(a, 'main', suite);
      const kb = await deriveAuditHmacKey(b, 'main', suite);
      expect(hmacIdentifier(ka, 'CN_MOBILE', '138 1234 5678', (v) => v.replace(/ /g, ''))).toBe(
        hmacIdentifier(kb, 'CN_MOBILE', '13812345678'),
      );
    }
  });

  it('reports KMS errors as KMS_FAILURE', async () => {
    const p = new KmsRootKeyProvider(kms, { intl: 'missing', gm: 'missing' });
    await expect(deriveAuditHmacKey(p, 'main', 'intl')).rejects.toSatisfy((e) =>
      isCryptoError(e, 'KMS_FAILURE'),
    );
  });
});
