/**
 * A C2SP tlog-witness: the protocol logic of `add-checkpoint`, without HTTP.
 *
 * For each log it knows (origin + log keys) the witness keeps the latest checkpoint it cosigned,
 * and cosigns a new one only if it is signed by the log and provably extends that record. An
 * insider who controls the log can then no longer truncate it or show different trees to different
 * parties unnoticed: the witness (run by the regulator) holds the later checkpoint, and every
 * cosignature it handed out is a timestamped statement about the largest tree it saw.
 *
 * Checks, in the order of the spec (status in brackets):
 * body well-formed [400] → origin known [404] → a trusted log signature, none failing [403] →
 * old ≤ new size [400] → old = recorded size [409 + recorded size, `text/x.tlog.size`] →
 * size 0 has the empty root, proof empty from size 0 [422] → equal sizes have equal roots [409] →
 * consistency proof [422] → cosign → persist (compare-and-swap) → [200 + cosignature line].
 *
 * Requests for one origin are serialised, and the record is durable before the cosignature is
 * returned, so no interleaving can roll the record back.
 *
 * @module
 */
import { type Checkpoint, parseCheckpoint } from '../checkpoint.ts';
import { type Clock, cosigner, systemClock } from '../cosignature.ts';
import { type HashSuite, hashSuite } from '../hash-suite.ts';
import type { NoteSigner, NoteVerifier } from '../note.types.ts';
import { ED25519_COSIGNATURE, encodeVerifierKey, parseSignerKey } from '../note-keys.ts';
import {
  formatNote,
  type NoteLimits,
  type OpenedNote,
  openNote,
  parseNote,
  signatureLine,
} from '../signed-note.ts';
import {
  type AddCheckpointRequest,
  MAX_ADD_CHECKPOINT_BYTES,
  parseAddCheckpointBody,
} from './add-checkpoint-body.ts';
import { checkExtends } from './check-extends.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { WitnessError, type WitnessErrorCode } from './witness-error.ts';
import type { WitnessRecord, WitnessStateStore } from './witness-state-store.ts';

/** A log the witness accepts checkpoints from. */
export interface WitnessLog {
  /** The checkpoint origin line identifying the log. */
  readonly origin: string;
  /** Verifiers of the log's checkpoint signatures (e.g. {@link noteVerifier}); one must have signed. */
  readonly verifiers: readonly NoteVerifier[];
  /** Hash of the log's Merkle tree; SHA-256 (C2SP) unless the log uses SM3. */
  readonly suite?: HashSuite;
}

/** Configuration of a {@link Witness}. */
export interface WitnessOptions {
  /** The witness's cosigning key: a C2SP skey of type 0x04. Its key name is the witness's name. */
  readonly key: string;
  readonly logs: readonly WitnessLog[];
  readonly store: WitnessStateStore;
  /** POSIX seconds for cosignature timestamps (default: the system clock). */
  readonly clock?: Clock;
  /** Cap on a request body (default {@link MAX_ADD_CHECKPOINT_BYTES}). */
  readonly maxBodyBytes?: number;
  /** Limits applied to the submitted note. */
  readonly noteLimits?: NoteLimits;
  /** Called for every refused request (for the operator's log; may carry evidence of misbehaviour). */
  readonly onRefusal?: (refusal: WitnessRefusal) => void;
}

/** A refused request, reported to {@link WitnessOptions.onRefusal}. */
export interface WitnessRefusal {
  readonly code: WitnessErrorCode;
  readonly status: number;
  /** The checkpoint's origin, once parsed (only for known logs, so never an arbitrary string). */
  readonly origin?: string;
  /**
   * For `FORK` and `INCONSISTENT_PROOF`: the submitted note, whose log signature verified — with the
   * witness's record it may prove the log signed two inconsistent trees. Keep it.
   */
  readonly evidence?: string;
}

/** An HTTP-shaped answer: what the server sends back verbatim. */
export interface WitnessResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const TEXT = 'text/plain; charset=utf-8';
/** Media type of a 409 body: the witness's recorded size in decimal and a newline. */
export const TLOG_SIZE_MEDIA_TYPE = 'text/x.tlog.size';
const SHA256 = hashSuite('sha256');
const CAS_ATTEMPTS = 2;

interface KnownLog {
  readonly origin: string;
  readonly verifiers: readonly NoteVerifier[];
  readonly suite: HashSuite;
}

/** A refusal answered to the client, as opposed to a storage failure (which rejects). */
function isRefusal(error: unknown): error is WitnessError & { status: number } {
  return (
    error instanceof WitnessError &&
    error.status !== undefined &&
    (error.status < 500 || error.code === 'STATE_CONFLICT')
  );
}

function refuse(code: WitnessErrorCode, message: string, size?: bigint): WitnessError {
  return new WitnessError(code, message, size === undefined ? {} : { size });
}

/** A tlog-witness for a fixed set of logs. */
export class Witness {
  readonly #cosigner: NoteSigner;
  readonly #verifierKey: string;
  readonly #logs = new Map<string, KnownLog>();
  readonly #store: WitnessStateStore;
  readonly #maxBodyBytes: number;
  readonly #limits: NoteLimits;
  readonly #onRefusal: ((refusal: WitnessRefusal) => void) | undefined;
  readonly #mutex = new KeyedMutex();

  /** @throws {@link WitnessError} `INVALID_CONFIG` for a key that is not a 0x04 skey, or bad log entries. */
  constructor(options: WitnessOptions) {
    try {
      const key = parseSignerKey(options.key);
      if (key.type !== ED25519_COSIGNATURE) throw new Error('not a cosignature key');
      this.#cosigner = cosigner(options.key, options.clock ?? systemClock);
      this.#verifierKey = encodeVerifierKey(key.name, ED25519_COSIGNATURE, key.publicKey);
    } catch (cause) {
      throw new WitnessError('INVALID_CONFIG', 'witness key must be a C2SP skey of type 0x04', { cause });
    }
    for (const log of options.logs) {
      if (typeof log.origin !== 'string' || log.origin.length === 0 || /[\u0000-\u001f]/.test(log.origin)) {
        throw new WitnessError('INVALID_CONFIG', 'a log origin must be a non-empty single line');
      }
      if (this.#logs.has(log.origin))
        throw new WitnessError('INVALID_CONFIG', 'a log origin is listed twice');
      if (log.verifiers.length === 0)
        throw new WitnessError('INVALID_CONFIG', 'a log needs at least one key');
      const ids = new Set(log.verifiers.map((v) => `${v.name} ${v.keyHash}`));
      if (ids.size !== log.verifiers.length)
        throw new WitnessError('INVALID_CONFIG', 'a log key is listed twice');
      this.#logs.set(log.origin, {
        origin: log.origin,
        verifiers: [...log.verifiers],
        suite: log.suite ?? SHA256,
      });
    }
    this.#store = options.store;
    this.#maxBodyBytes = options.maxBodyBytes ?? MAX_ADD_CHECKPOINT_BYTES;
    this.#limits = options.noteLimits ?? {};
    this.#onRefusal = options.onRefusal;
  }

  /** The witness's name (its key name). */
  get name(): string {
    return this.#cosigner.name;
  }

  /** The witness's public key as a vkey (type 0x04): what logs and verifiers configure. */
  get verifierKey(): string {
    return this.#verifierKey;
  }

  /** Origins of the logs this witness accepts. */
  get origins(): string[] {
    return [...this.#logs.keys()];
  }

  /** The latest checkpoint note cosigned for `origin`, if any. */
  async latest(origin: string): Promise<string | undefined> {
    return (await this.#store.load(origin))?.note;
  }

  /**
   * Handles an add-checkpoint request body. Refusals are responses (4xx, or 503 when the record
   * kept changing under the request); only storage failures reject.
   *
   * @example
   * ```ts
   * const res = await witness.addCheckpoint(body);
   * reply(res.status, res.headers, res.body);
   * ```
   */
  async addCheckpoint(body: Uint8Array): Promise<WitnessResponse> {
    let origin: string | undefined;
    let evidence: string | undefined;
    try {
      const request = parseAddCheckpointBody(body, this.#maxBodyBytes);
      const { log, checkpoint, opened } = this.#authenticate(request.note);
      origin = log.origin;
      if (request.oldSize > checkpoint.size) {
        throw refuse('MALFORMED_REQUEST', 'old size is above the checkpoint size');
      }
      evidence = request.note;
      const line = await this.#mutex.run(log.origin, () => this.#update(log, request, checkpoint, opened));
      return { status: 200, headers: { 'content-type': TEXT }, body: `${line}\n` };
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const status = error.status;
      const proves = error.code === 'FORK' || error.code === 'INCONSISTENT_PROOF';
      try {
        this.#onRefusal?.({
          code: error.code,
          status,
          ...(origin === undefined ? {} : { origin }),
          ...(proves && evidence !== undefined ? { evidence } : {}),
        });
      } catch {
        // A failing logger must not turn a refusal into a server error.
      }
      if (error.code === 'OLD_SIZE_MISMATCH') {
        return { status, headers: { 'content-type': TLOG_SIZE_MEDIA_TYPE }, body: `${error.size}\n` };
      }
      return { status, headers: { 'content-type': TEXT }, body: `${error.message}\n` };
    }
  }

  // Parse the note, find its log, and verify the log's signature (unknown keys are ignored).
  #authenticate(note: string): { log: KnownLog; checkpoint: Checkpoint; opened: OpenedNote } {
    let checkpoint: Checkpoint;
    try {
      checkpoint = parseCheckpoint(parseNote(note, this.#limits).text);
    } catch (cause) {
      throw new WitnessError('MALFORMED_REQUEST', 'the checkpoint note cannot be parsed', { cause });
    }
    const log = this.#logs.get(checkpoint.origin);
    if (!log) throw refuse('UNKNOWN_LOG', 'unknown log origin');
    try {
      return { log, checkpoint, opened: openNote(note, log.verifiers, this.#limits) };
    } catch (cause) {
      throw new WitnessError('UNTRUSTED_CHECKPOINT', 'no valid signature by a key of this log', { cause });
    }
  }

  // Under the origin's lock: check against the record, cosign, persist, and only then return.
  async #update(
    log: KnownLog,
    request: AddCheckpointRequest,
    checkpoint: Checkpoint,
    opened: OpenedNote,
  ): Promise<string> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const previous = await this.#store.load(log.origin);
      checkExtends(log.suite, previous, request, checkpoint);
      const line = await signatureLine(opened.text, this.#cosigner);
      // Keep only what was verified: the log's signatures and our cosignature (no attacker junk).
      const note = formatNote(opened.text, [...opened.verified.map((s) => s.line), line]);
      const next: WitnessRecord = { checkpoint, note };
      if (await this.#store.compareAndSwap(log.origin, previous, next)) return line;
      // Another writer (a second process on the same state) got in between: re-check from scratch.
    }
    throw refuse('STATE_CONFLICT', 'the witness state changed during the request; retry');
  }
}
