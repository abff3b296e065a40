/**
 * The checkpoint signer: signs a log's checkpoints, never two that contradict each other.
 *
 * C2SP tlog-checkpoint: "Logs MUST not sign any checkpoint which is inconsistent with any checkpoint
 * it previously signed." The signer therefore keeps its own last signed `(size, root)` — in storage
 * the caller injects, which may sit apart from the sequencer's database — and before signing a new
 * checkpoint it verifies, itself, a consistency proof from that state. A compromised sequencer can
 * then truncate or rewrite the log only by also compromising the signer's key and state.
 *
 * Order per call: check → sign → persist (compare-and-swap) → return. A note is handed out only
 * after its state is durable, and calls are serialised so two cannot both build on the same state.
 *
 * @module
 */
import { bytesEqual } from './bytes.ts';
import { type Checkpoint, formatCheckpoint } from './checkpoint.ts';
import { AuditError, SignerError } from './errors.ts';
import type { HashSuite } from './hash-suite.ts';
import type { NoteSigner } from './note.types.ts';
import { signNote } from './signed-note.ts';
import { verifyConsistency } from './verify-proof.ts';

/** The last checkpoint the signer signed. */
export interface SignerState {
  readonly size: bigint;
  readonly root: Uint8Array;
}

/** Durable storage of {@link SignerState}, implemented by the caller. */
export interface SignerStateStore {
  /** The last saved state, or `undefined` before the first signature. */
  load(): Promise<SignerState | undefined>;
  /**
   * Saves `next` durably, only if the stored state still equals `previous` (compare-and-swap);
   * resolves `false` when it does not, so two signer processes cannot fork the log.
   */
  save(next: SignerState, previous: SignerState | undefined): Promise<boolean>;
}

/** Configuration of a {@link CheckpointSigner}. */
export interface CheckpointSignerOptions {
  /** The log's origin line. */
  readonly origin: string;
  readonly suite: HashSuite;
  /** Note signers, in signature-line order (the Ed25519 log key first). */
  readonly signers: readonly NoteSigner[];
  readonly store: SignerStateStore;
}

/** What to sign: the tree at `size` with `root` (and optional extension lines). */
export interface CheckpointRequest {
  readonly size: bigint;
  readonly root: Uint8Array;
  readonly extensions?: readonly string[];
}

/** Signs checkpoints consistent with everything it signed before. */
export class CheckpointSigner {
  readonly #options: CheckpointSignerOptions;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: CheckpointSignerOptions) {
    this.#options = Object.freeze({ ...options, signers: [...options.signers] });
  }

  /** The last signed state, as stored. */
  lastSigned(): Promise<SignerState | undefined> {
    return this.#options.store.load();
  }

  /**
   * Signs the checkpoint for `request` if `proof` proves it consistent with the last signed state.
   *
   * @param proof - consistency proof from the last signed size to `request.size`; empty when the
   *   last size is 0 or equal to `request.size`.
   * @returns the signed checkpoint note.
   * @throws {@link SignerError} `ROLLBACK` (smaller size), `FORK` (same size, different root),
   *   `INCONSISTENT` (proof fails), `INVALID_CHECKPOINT`, `STATE_CONFLICT` (state changed under us).
   * @example
   * ```ts
   * const last = await signer.lastSigned();
   * const proof = await consistencyProof(suite, last?.size ?? 0n, size, reader);
   * const note = await signer.sign({ size, root }, proof);
   * ```
   */
  sign(request: CheckpointRequest, proof: readonly Uint8Array[]): Promise<string> {
    const run = this.#queue.then(() => this.#sign(request, proof));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #sign(request: CheckpointRequest, proof: readonly Uint8Array[]): Promise<string> {
    const { origin, suite, signers, store } = this.#options;
    const checkpoint: Checkpoint = {
      origin,
      size: request.size,
      root: request.root,
      extensions: request.extensions ?? [],
    };
    let body: string;
    try {
      body = formatCheckpoint(checkpoint);
    } catch (cause) {
      throw new SignerError('INVALID_CHECKPOINT', 'cannot format the checkpoint', { cause });
    }
    if (request.size === 0n && !bytesEqual(request.root, suite.emptyRoot())) {
      throw new SignerError('INVALID_CHECKPOINT', 'an empty tree must have the empty root');
    }
    const last = await store.load();
    checkAgainst(suite, last, request, proof);
    const note = await signNote(body, signers);
    const next: SignerState = { size: request.size, root: Uint8Array.from(request.root) };
    if (!(await store.save(next, last))) {
      throw new SignerError('STATE_CONFLICT', 'signer state changed while signing; note withheld');
    }
    return note;
  }
}

function checkAgainst(
  suite: HashSuite,
  last: SignerState | undefined,
  request: CheckpointRequest,
  proof: readonly Uint8Array[],
): void {
  if (last === undefined || last.size === 0n) {
    // Everything extends the empty tree; C2SP tlog-witness wants an empty proof from size 0.
    if (proof.length !== 0)
      throw new SignerError('INCONSISTENT', 'a proof from the empty tree must be empty');
    return;
  }
  if (request.size < last.size) {
    throw new SignerError('ROLLBACK', `size ${request.size} is below the last signed size ${last.size}`);
  }
  if (request.size === last.size && !bytesEqual(request.root, last.root)) {
    throw new SignerError('FORK', `a different root for the already signed size ${last.size}`);
  }
  try {
    verifyConsistency(suite, last.size, request.size, proof, last.root, request.root);
  } catch (cause) {
    if (!(cause instanceof AuditError)) throw cause;
    throw new SignerError('INCONSISTENT', `not provably consistent with size ${last.size}`, { cause });
  }
}
