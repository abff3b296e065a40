/**
 * C2SP tlog-cosignature v1 (Ed25519, signature type 0x04): a witness's timestamped statement that,
 * as of time T, the largest consistent tree it has seen for the checkpoint's origin has this root.
 *
 * - key ID = `SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4]`
 * - signature = `u64 big-endian timestamp ‖ Ed25519(message)`
 * - message = `"cosignature/v1\n" ‖ "time " ‖ decimal timestamp ‖ "\n" ‖ checkpoint note text`
 *
 * Cosigners are {@link NoteSigner}s and their verifiers {@link NoteVerifier}s, so cosignatures are
 * ordinary signature lines of the checkpoint note.
 *
 * @module
 */
import { utf8Bytes } from './bytes.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { FormatError } from './errors.ts';
import type { NoteSigner, NoteVerifier } from './note.types.ts';
import {
  ED25519_COSIGNATURE,
  ed25519Sign,
  ed25519Verify,
  parseSignerKey,
  parseVerifierKey,
  privateKeyObject,
  publicKeyObject,
} from './note-keys.ts';

/** Timestamps are uint64 on the wire but must not exceed 2^63 − 1. */
export const MAX_COSIGNATURE_TIME = 2n ** 63n - 1n;
const HEADER = 'cosignature/v1\ntime ';
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** POSIX seconds now. */
export type Clock = () => bigint;

/** The system clock in POSIX seconds. */
export const systemClock: Clock = () => BigInt(Math.floor(Date.now() / 1000));

/** The bytes a v1 cosignature signs for `text` (the checkpoint note text) at `time`. */
export function cosignatureMessage(text: Uint8Array, time: bigint): Uint8Array {
  return Buffer.concat([utf8Bytes(`${HEADER}${time}\n`), text]);
}

/** The timestamp of a cosignature (signature bytes after the key ID); `undefined` if not 72 bytes. */
export function cosignatureTime(signature: Uint8Array): bigint | undefined {
  if (signature.length !== 72) return undefined;
  return Buffer.from(signature.buffer, signature.byteOffset, 8).readBigUInt64BE(0);
}

/**
 * A witness cosigner from an skey of type 0x04.
 *
 * Signs only checkpoint texts (a cheap guard against using the witness key for anything else).
 *
 * @example
 * ```ts
 * const witness = cosigner(witnessSkey, systemClock);
 * const line = await signatureLine(checkpointText, witness);
 * ```
 */
export function cosigner(skey: string, clock: Clock = systemClock): NoteSigner {
  const key = parseSignerKey(skey);
  if (key.type !== ED25519_COSIGNATURE)
    throw new FormatError('MALFORMED_KEY', 'skey: not a cosignature key (0x04)');
  const object = privateKeyObject(key.seed!);
  return {
    name: key.name,
    keyHash: key.keyHash,
    sign(text: Uint8Array): Uint8Array {
      let decoded: string;
      try {
        decoded = fatalUtf8.decode(text);
      } catch (cause) {
        throw new FormatError('MALFORMED_CHECKPOINT', 'cosigned text is not UTF-8', { cause });
      }
      parseCheckpoint(decoded);
      const time = clock();
      if (typeof time !== 'bigint' || time < 0n || time > MAX_COSIGNATURE_TIME) {
        throw new FormatError('INVALID_ARGUMENT', 'clock must return POSIX seconds in [0, 2^63)');
      }
      const stamp = Buffer.alloc(8);
      stamp.writeBigUInt64BE(time, 0);
      return Buffer.concat([stamp, ed25519Sign(object, cosignatureMessage(text, time))]);
    },
  };
}

/**
 * A verifier of a witness's v1 cosignatures from its vkey (type 0x04).
 *
 * @throws {@link FormatError} `MALFORMED_KEY`.
 */
export function cosignatureVerifier(vkey: string): NoteVerifier {
  const key = parseVerifierKey(vkey);
  if (key.type !== ED25519_COSIGNATURE)
    throw new FormatError('MALFORMED_KEY', 'vkey: not a cosignature key (0x04)');
  const object = publicKeyObject(key.publicKey);
  return {
    name: key.name,
    keyHash: key.keyHash,
    verify(text: Uint8Array, signature: Uint8Array): boolean {
      const time = cosignatureTime(signature);
      if (time === undefined || time > MAX_COSIGNATURE_TIME) return false;
      return ed25519Verify(object, cosignatureMessage(text, time), signature.subarray(8));
    },
  };
}
