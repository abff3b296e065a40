/**
 * C2SP tlog-checkpoint note bodies: `<origin>\n<size>\n<base64 root>\n[<extension line>\n…]`.
 *
 * HOSTILE INPUT: checkpoint text is read before (and to decide which) signatures are checked,
 * and comes from logs, witnesses and files. `BigInt()` and Node's base64 decoder are both lenient
 * (`BigInt(' 012 ') === 12n`, `BigInt('0x10') === 16n`, `Buffer.from('Zm9v!!!', 'base64')` decodes),
 * so the size must match `0|[1-9][0-9]*` and fit in uint64, and the root must be canonical base64
 * of exactly 32 bytes. Every failure is a {@link FormatError} `MALFORMED_CHECKPOINT`.
 *
 * @module
 */
import { decodeBase64Strict, encodeBase64 } from './bytes.ts';
import { FormatError } from './errors.ts';
import { HASH_SIZE } from './hash-suite.ts';
import { MAX_TREE_SIZE } from './tree-math.ts';

/** A log's signed statement of its tree at one size. */
export interface Checkpoint {
  /** Unique log identity, e.g. `example.cn/pi-audit/tenant42`. */
  readonly origin: string;
  readonly size: bigint;
  readonly root: Uint8Array;
  /** Optional extra lines (C2SP: NOT RECOMMENDED); each non-empty. */
  readonly extensions: readonly string[];
}

const SIZE = /^(?:0|[1-9][0-9]{0,19})$/;
const CONTROL = /[\u0000-\u001f]/;

function bad(why: string): FormatError {
  return new FormatError('MALFORMED_CHECKPOINT', `malformed checkpoint: ${why}`);
}

/**
 * Parses checkpoint note text (the text of an opened note, including its final newline).
 *
 * @throws {@link FormatError} `MALFORMED_CHECKPOINT`.
 * @example
 * ```ts
 * parseCheckpoint('example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n').size; // 0n
 * ```
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw bad('text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw bad('needs origin, size and root lines');
  for (const line of lines) {
    if (line.length === 0) throw bad('empty line');
    if (CONTROL.test(line)) throw bad('control character');
  }
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!SIZE.test(sizeText)) throw bad('size must be decimal without leading zeros');
  const size = BigInt(sizeText);
  if (size > MAX_TREE_SIZE) throw bad('size exceeds 2^64 − 1');
  const root = decodeBase64Strict(rootText);
  if (!root || root.length !== HASH_SIZE) throw bad(`root must be canonical base64 of ${HASH_SIZE} bytes`);
  return { origin, size, root: Uint8Array.from(root), extensions };
}

/**
 * Formats a checkpoint's note text.
 *
 * @throws {@link FormatError} `MALFORMED_CHECKPOINT` for an empty or multi-line origin or
 *   extension, a size outside uint64, or a root that is not 32 bytes.
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions } = checkpoint;
  for (const line of [origin, ...extensions]) {
    if (typeof line !== 'string' || line.length === 0 || CONTROL.test(line) || !line.isWellFormed()) {
      throw bad('origin and extension lines must be non-empty single lines');
    }
  }
  if (typeof size !== 'bigint' || size < 0n || size > MAX_TREE_SIZE)
    throw bad('size must be a uint64 bigint');
  if (!(root instanceof Uint8Array) || root.length !== HASH_SIZE)
    throw bad(`root must be ${HASH_SIZE} bytes`);
  return [origin, size.toString(), encodeBase64(root), ...extensions].map((l) => `${l}\n`).join('');
}
