/**
 * What a regulator runs: check a log (its database, or an exported tile directory) against a
 * checkpoint they trust, as a chain of named steps, each failing with a `VerificationError`.
 *
 * 1. The source's latest checkpoint is signed by the pinned log key (and cosigned by the quorum of
 *    pinned witnesses, if any), for the expected origin.
 * 2. It does not roll back the trusted checkpoint, and a consistency proof built from the source's
 *    tiles proves it extends the trusted one (RFC 9162 §2.1.4.2).
 * 3. Entries: every entry since the trusted size is hashed onto the trusted tree (its compact range,
 *    checked against the trusted root) and must give the new root. With `replay`, every entry from
 *    0 is replayed instead (RFC 9162 §2.1.2), so an edit anywhere in history shows.
 *
 * The source is untrusted throughout: only the pinned keys and the trusted checkpoint are.
 *
 * @module
 */
import { bytesEqual } from '../bytes.ts';
import type { Checkpoint } from '../checkpoint.ts';
import { CheckpointVerifier } from '../checkpoint-verifier.ts';
import { CompactRange } from '../compact-range.ts';
import { cosignatureVerifier } from '../cosignature.ts';
import { AuditError, VerificationError } from '../errors.ts';
import type { HashSuite } from '../hash-suite.ts';
import { noteVerifier, parseVerifierKey } from '../note-keys.ts';
import { consistencyProof } from '../proof-builder.ts';
import { type TileReader, tileHashReader } from '../tile-hash-reader.ts';
import { compactRangeNodes } from '../tree-math.ts';

/** Where the log's data comes from (database or exported directory). Untrusted. */
export interface LogSource {
  /** The newest checkpoint note the source offers. */
  latestCheckpoint(): Promise<string | undefined>;
  readonly readTiles: TileReader;
  /** Entries `[from, to)`, in order. */
  readEntries(from: bigint, to: bigint): Promise<Uint8Array[]>;
}

export interface VerifyLogOptions {
  readonly source: LogSource;
  readonly suite: HashSuite;
  /** The log's verifier key (C2SP vkey), pinned by the regulator. */
  readonly logKey: string;
  /** The last checkpoint the regulator trusts; absent on first use (then size 0). */
  readonly trusted?: string;
  /** Witness cosignature keys (type 0x04 vkeys) and how many must have cosigned. */
  readonly witnessKeys?: readonly string[];
  readonly quorum?: number;
  /** Replay every entry from index 0, not only those since the trusted checkpoint. */
  readonly replay?: boolean;
  /** Called with the number of entries hashed so far. */
  readonly onProgress?: (done: bigint, total: bigint) => void;
}

export interface VerifyLogResult {
  /** The checkpoint now proven, to be stored as the new trusted state. */
  readonly note: string;
  readonly checkpoint: Checkpoint;
  readonly previousSize: bigint;
  /** Entries hashed in step 3. */
  readonly entriesChecked: bigint;
}

const CHUNK = 4096n;

/** Runs the three steps; resolves with the new checkpoint or throws `VerificationError`. */
export async function verifyLog(options: VerifyLogOptions): Promise<VerifyLogResult> {
  const { source, suite } = options;
  const origin = parseVerifierKey(options.logKey).name;
  const witnessKeys = options.witnessKeys ?? [];
  const verifier = new CheckpointVerifier({
    origin,
    suite,
    logKeys: [noteVerifier(options.logKey)],
    ...(witnessKeys.length > 0
      ? {
          witnesses: {
            verifiers: witnessKeys.map(cosignatureVerifier),
            quorum: options.quorum ?? witnessKeys.length,
          },
        }
      : {}),
  });

  // Step 1: the source's checkpoint.
  const note = await source.latestCheckpoint();
  if (note === undefined) throw new VerificationError('MALFORMED', 'the log has no signed checkpoint');
  const next = verifier.verifyNote(note).checkpoint;

  // Step 2: consistency with what the regulator trusts.
  const trustedCheckpoint =
    options.trusted === undefined ? undefined : trustedOf(options.trusted, options.logKey, suite);
  const from = trustedCheckpoint?.size ?? 0n;
  const reader = tileHashReader(suite, next.size, source.readTiles);
  if (trustedCheckpoint !== undefined && options.trusted !== undefined) {
    if (next.size < from) {
      throw new VerificationError(
        'ROLLBACK',
        `the log shows size ${next.size}, but size ${from} was signed before`,
      );
    }
    const proof = await sourced(() => consistencyProof(suite, from, next.size, reader));
    verifier.verifyUpdate(options.trusted, note, proof);
  }

  // Step 3: the entries.
  const start = options.replay === true ? 0n : from;
  let range: CompactRange;
  if (start === 0n) {
    range = CompactRange.empty(suite);
  } else {
    const hashes = await sourced(() => reader(compactRangeNodes(start)));
    range = CompactRange.from(suite, start, [...hashes]);
    if (!bytesEqual(range.root(), trustedCheckpoint!.root)) {
      throw new VerificationError('FORK', `the stored tree of size ${start} is not the trusted one`);
    }
  }
  for (let at = start; at < next.size; at += CHUNK) {
    const end = at + CHUNK < next.size ? at + CHUNK : next.size;
    const entries = await sourced(() => source.readEntries(at, end));
    if (BigInt(entries.length) !== end - at) {
      throw new VerificationError('REPLAY_MISMATCH', `entries ${at}–${end - 1n} are missing`);
    }
    for (const entry of entries) range.append(suite.leafHash(entry));
    options.onProgress?.(end - start, next.size - start);
  }
  if (!bytesEqual(range.root(), next.root)) {
    throw new VerificationError(
      'REPLAY_MISMATCH',
      `the entries ${start}–${next.size - 1n} do not hash to the signed root of size ${next.size}`,
    );
  }
  return { note, checkpoint: next, previousSize: from, entriesChecked: next.size - start };
}

function trustedOf(note: string, logKey: string, suite: HashSuite): Checkpoint {
  // The trusted note was verified when it was stored; re-check its log signature anyway.
  const origin = parseVerifierKey(logKey).name;
  return new CheckpointVerifier({ origin, suite, logKeys: [noteVerifier(logKey)] }).verifyNote(note)
    .checkpoint;
}

/** Storage failures while verifying mean the source cannot back its checkpoint. */
async function sourced<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (cause) {
    if (cause instanceof VerificationError) throw cause;
    if (cause instanceof AuditError) {
      throw new VerificationError('REPLAY_MISMATCH', `the log's storage is incomplete: ${cause.message}`, {
        cause,
      });
    }
    throw cause;
  }
}
