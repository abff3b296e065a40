import { describe, expect, it } from 'vitest';
import { isCryptoError } from './errors.ts';
import { blindIndexKeyRequest, formatTokenKeyRequest, kekWrapKeyRequest } from './vault-labels.ts';

describe('vault labels', () => {
  it('spell the version-1 labels, suites and lengths exactly (changing them changes every key)', () => {
    expect(kekWrapKeyRequest('t1', 'intl')).toEqual({
      label: 'shiming/v1/kek-wrap/t1',
      length: 32,
      suite: 'intl',
    });
    expect(kekWrapKeyRequest('t1', 'gm')).toEqual({
      label: 'shiming/v1/kek-wrap/t1',
      length: 16,
      suite: 'gm',
    });
    expect(blindIndexKeyRequest('acme:cn', 'CN_MOBILE', 2, 'gm')).toEqual({
      label: 'shiming/v1/blind-index/acme%3Acn/CN_MOBILE/2',
      length: 32,
      suite: 'gm',
    });
    expect(formatTokenKeyRequest('t1', 'CN_RESIDENT_ID', 1, 'intl')).toEqual({
      label: 'shiming/v1/format-token/t1/CN_RESIDENT_ID/1',
      length: 32,
      suite: 'intl',
    });
  });

  it('refuse malformed ids and versions', () => {
    for (const f of [
      () => kekWrapKeyRequest('', 'intl'),
      () => blindIndexKeyRequest('t1', 'a/b', 1, 'intl'),
      () => formatTokenKeyRequest('t1', 'f', 0, 'intl'),
      () => formatTokenKeyRequest('t1', 'f', 1.5, 'intl'),
    ]) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isCryptoError(e, 'INVALID_CONTEXT') || isCryptoError(e, 'INVALID_KEY_VERSION')).toBe(true);
      }
    }
  });
});
