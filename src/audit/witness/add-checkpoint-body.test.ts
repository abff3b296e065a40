import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAddCheckpointBody, MAX_PROOF_LINES, parseAddCheckpointBody } from './add-checkpoint-body.ts';
import { WitnessError } from './witness-error.ts';

const NOTE =
  'example.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— example.com/log AAAAAAAA\n';

describe('add-checkpoint body', () => {
  it('round-trips the spec example shape', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: MAX_PROOF_LINES }),
        (old, proof) => {
          const parsed = parseAddCheckpointBody(Buffer.from(formatAddCheckpointBody(old, proof, NOTE)));
          expect(parsed.oldSize).toBe(old);
          expect(parsed.proof.map((h) => Buffer.from(h).toString('hex'))).toEqual(
            proof.map((h) => Buffer.from(h).toString('hex')),
          );
          expect(parsed.note).toBe(NOTE);
        },
      ),
    );
  });

  it('throws only WitnessErrors on arbitrary input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          parseAddCheckpointBody(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(WitnessError);
          expect((e as WitnessError).code).toBe('MALFORMED_REQUEST');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what the formatter would never produce', () => {
    const bad =
      (old: bigint, proof: Uint8Array[], note = NOTE) =>
      () =>
        formatAddCheckpointBody(old, proof, note);
    expect(bad(-1n, [])).toThrow(WitnessError);
    expect(bad(2n ** 64n, [])).toThrow(WitnessError);
    expect(bad(0n, [new Uint8Array(31)])).toThrow(WitnessError);
    expect(
      bad(
        0n,
        Array.from({ length: 64 }, () => new Uint8Array(32)),
      ),
    ).toThrow(WitnessError);
    expect(bad(0n, [], 'no newline')).toThrow(WitnessError);
    expect(() => parseAddCheckpointBody(new Uint8Array(10), 5)).toThrow(/exceeds/);
  });
});
