/**
 * The body of a C2SP tlog-witness `add-checkpoint` request:
 *
 * ```
 * old <size>\n
 * <base64 consistency-proof hash>\n      (0 to 63 lines)
 * \n
 * <signed checkpoint note>
 * ```
 *
 * HOSTILE INPUT: anyone who can reach the witness can send this. The size is capped before the
 * bytes are decoded, the old size must be canonical decimal within uint64, each proof line canonical
 * base64 of one 32-byte hash, and at most 63 of them; every failure is a {@link WitnessError}
 * (`MALFORMED_REQUEST`, `REQUEST_TOO_LARGE`). The note itself is checked by the signed-note parser.
 *
 * @module
 */
import { decodeBase64Strict, encodeBase64 } from '../bytes.ts';
import { HASH_SIZE } from '../hash-suite.ts';
import { MAX_NOTE_BYTES } from '../signed-note.ts';
import { MAX_TREE_SIZE } from '../tree-math.ts';
import { WitnessError } from './witness-error.ts';

/** C2SP tlog-witness: "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = 63;

/** Default cap on a request body: a maximal note plus the old-size line and 63 proof lines. */
export const MAX_ADD_CHECKPOINT_BYTES = MAX_NOTE_BYTES + 4096;

/** A parsed add-checkpoint request; `note` is not yet parsed or verified. */
export interface AddCheckpointRequest {
  readonly oldSize: bigint;
  readonly proof: readonly Uint8Array[];
  readonly note: string;
}

const OLD_LINE = /^old (0|[1-9][0-9]{0,19})$/;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(why: string): WitnessError {
  return new WitnessError('MALFORMED_REQUEST', `malformed add-checkpoint body: ${why}`, { status: 400 });
}

/**
 * Parses an add-checkpoint body.
 *
 * @throws {@link WitnessError} `REQUEST_TOO_LARGE` above `maxBytes`, `MALFORMED_REQUEST` otherwise.
 */
export function parseAddCheckpointBody(
  body: Uint8Array,
  maxBytes: number = MAX_ADD_CHECKPOINT_BYTES,
): AddCheckpointRequest {
  if (!(body instanceof Uint8Array)) throw malformed('not bytes');
  if (body.length > maxBytes) {
    throw new WitnessError('REQUEST_TOO_LARGE', `body exceeds ${maxBytes} bytes`, { status: 413 });
  }
  let text: string;
  try {
    text = fatalUtf8.decode(body);
  } catch {
    throw malformed('not valid UTF-8');
  }
  let at = text.indexOf('\n');
  if (at < 0) throw malformed('no old size line');
  const old = OLD_LINE.exec(text.slice(0, at));
  if (!old) throw malformed('first line must be "old <size>" in canonical decimal');
  const oldSize = BigInt(old[1]!);
  if (oldSize > MAX_TREE_SIZE) throw malformed('old size exceeds 2^64 − 1');
  const proof: Uint8Array[] = [];
  for (;;) {
    const start = at + 1;
    at = text.indexOf('\n', start);
    if (at < 0) throw malformed('no empty line before the checkpoint');
    if (at === start) break; // the empty line
    if (proof.length === MAX_PROOF_LINES) throw malformed(`more than ${MAX_PROOF_LINES} proof lines`);
    // 44 characters is the only canonical length of a 32-byte hash; check it before decoding.
    const line = text.slice(start, at);
    const hash = line.length === 44 ? decodeBase64Strict(line) : undefined;
    if (hash?.length !== HASH_SIZE) throw malformed('a proof line is not the base64 of a 32-byte hash');
    proof.push(Uint8Array.from(hash));
  }
  const note = text.slice(at + 1);
  if (note.length === 0) throw malformed('no checkpoint');
  return { oldSize, proof, note };
}

/**
 * Formats an add-checkpoint body (what the log sends).
 *
 * @throws {@link WitnessError} `INVALID_ARGUMENT` for a size outside uint64, more than 63 proof
 *   hashes, a hash that is not 32 bytes, or a note that does not end in a newline.
 */
export function formatAddCheckpointBody(oldSize: bigint, proof: readonly Uint8Array[], note: string): string {
  const bad = (why: string) => new WitnessError('INVALID_ARGUMENT', why);
  if (typeof oldSize !== 'bigint' || oldSize < 0n || oldSize > MAX_TREE_SIZE)
    throw bad('old size must be a uint64 bigint');
  if (proof.length > MAX_PROOF_LINES) throw bad(`a proof has at most ${MAX_PROOF_LINES} hashes`);
  for (const h of proof) {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw bad('proof hashes must be 32 bytes');
  }
  if (typeof note !== 'string' || !note.endsWith('\n')) throw bad('the note must end with a newline');
  return `old ${oldSize}\n${proof.map((h) => `${encodeBase64(h)}\n`).join('')}\n${note}`;
}
