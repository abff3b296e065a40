import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCryptoError } from './errors.ts';
import {
  assertValidLabel,
  auditHmacLabel,
  keyLabel,
  logSigningLabel,
  ROOT_FINGERPRINT_LABEL,
} from './labels.ts';

describe('labels', () => {
  it('spells the version-1 labels exactly (changing them changes every key)', () => {
    expect(auditHmacLabel('main')).toBe('shiming/v1/audit-hmac/main');
    expect(logSigningLabel('shiming.example/audit')).toBe('shiming/v1/log-signing/shiming.example%2Faudit');
    expect(ROOT_FINGERPRINT_LABEL).toBe('shiming/v1/root-fingerprint');
    expect(auditHmacLabel('租户 1')).toBe('shiming/v1/audit-hmac/%E7%A7%9F%E6%88%B7%201');
  });

  it('is injective over parameter lists (no separator confusion)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        (a, b) => {
          fc.pre(a.every((s) => s.isWellFormed()) && b.every((s) => s.isWellFormed()));
          const na = a.map((s) => s.normalize('NFC'));
          const nb = b.map((s) => s.normalize('NFC'));
          fc.pre(JSON.stringify(na) !== JSON.stringify(nb));
          expect(keyLabel('audit-hmac', ...a)).not.toBe(keyLabel('audit-hmac', ...b));
        },
      ),
    );
  });

  it('refuses empty or malformed parameters and labels with INVALID_LABEL', () => {
    const bad = [
      () => auditHmacLabel(''),
      () => auditHmacLabel('\uD800'),
      () => logSigningLabel('x'.repeat(1100)),
      () => assertValidLabel('audit-hmac/main'),
      () => assertValidLabel('shiming/v1/audit-hmac/'),
      () => assertValidLabel('shiming/v1/audit-hmac//x'),
      () => assertValidLabel('shiming/v0/audit-hmac/x'),
      () => assertValidLabel('shiming/v1/Audit/x'),
      () => assertValidLabel('shiming/v1/audit-hmac/a b'),
      () => assertValidLabel('shiming/v1/audit-hmac/%2f'),
    ];
    for (const f of bad) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isCryptoError(e, 'INVALID_LABEL')).toBe(true);
      }
    }
    expect(() => assertValidLabel('shiming/v2/tenant-kek/t_1/3')).not.toThrow();
  });
});
