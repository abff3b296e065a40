/**
 * The regulator's verifier: is a new checkpoint signed by the log, cosigned by enough witnesses,
 * and an append-only extension of the checkpoint we already trust?
 *
 * Reads as a checklist (like sigstore-js `Verifier.verify()`): open the note → log signature →
 * checkpoint body → origin → witness quorum → sizes (rollback) → consistency (fork). Each step
 * throws a {@link VerificationError} whose `code` says which rule failed; parse failures of
 * attacker-supplied text become `MALFORMED` with the {@link FormatError} as `cause`.
 *
 * Pure: no network, no database, no clock of its own (pass one for cosignature freshness).
 *
 * @module
 */
import { bytesEqual } from './bytes.ts';
import { type Checkpoint, parseCheckpoint } from './checkpoint.ts';
import { type Clock, cosignatureTime } from './cosignature.ts';
import { AuditError, FormatError, VerificationError } from './errors.ts';
import type { HashSuite } from './hash-suite.ts';
import type { NoteVerifier } from './note.types.ts';
import { type ReplayResult, verifyReplay } from './replay.ts';
import { type NoteLimits, type NoteSignature, type OpenedNote, openNote } from './signed-note.ts';
import { verifyConsistency, verifyInclusion } from './verify-proof.ts';

/** Which witnesses must have cosigned, and how recently. */
export interface WitnessPolicy {
  /** Cosignature verifiers ({@link cosignatureVerifier}) of the trusted witnesses. */
  readonly verifiers: readonly NoteVerifier[];
  /** How many distinct trusted witnesses must have cosigned (k of n). */
  readonly quorum: number;
  /** Count only cosignatures at most this old (needs `now`). */
  readonly maxAgeSeconds?: bigint;
  /** Current POSIX time; with it, cosignatures dated in the future are not counted. */
  readonly now?: Clock;
}

/** What a verifier trusts: the log's identity and keys, and the witness policy. */
export interface LogPolicy {
  readonly origin: string;
  readonly suite: HashSuite;
  /** The log's note verifiers ({@link noteVerifier}); one must have signed. */
  readonly logKeys: readonly NoteVerifier[];
  readonly witnesses?: WitnessPolicy;
  readonly limits?: NoteLimits;
}

/** A verified witness cosignature. */
export interface Cosignature {
  readonly name: string;
  readonly keyHash: number;
  readonly time: bigint;
}

/** A checkpoint whose signatures and witness quorum were verified. */
export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly logSignatures: readonly NoteSignature[];
  readonly cosignatures: readonly Cosignature[];
}

/** Outcome of {@link CheckpointVerifier.verifyUpdate}. */
export interface UpdateVerdict {
  readonly trusted: Checkpoint;
  readonly verified: VerifiedCheckpoint;
  /** False when the new checkpoint has the trusted size (and root). */
  readonly grew: boolean;
}

const MAX_FUTURE_SECONDS = 300n; // clock skew tolerated for cosignature timestamps

function keyOf(v: { name: string; keyHash: number }): string {
  return `${v.name} ${v.keyHash}`;
}

/** Verifies checkpoints of one log against a fixed policy. */
export class CheckpointVerifier {
  readonly #policy: LogPolicy;
  readonly #logKeys: Set<string>;
  readonly #witnessKeys: Set<string>;

  /** @throws {@link FormatError} `INVALID_ARGUMENT` for an unusable policy (no log key, bad quorum, shared keys). */
  constructor(policy: LogPolicy) {
    if (policy.logKeys.length === 0)
      throw new FormatError('INVALID_ARGUMENT', 'policy needs at least one log key');
    const witnesses = policy.witnesses;
    if (witnesses && (!Number.isInteger(witnesses.quorum) || witnesses.quorum < 0)) {
      throw new FormatError('INVALID_ARGUMENT', 'witness quorum must be a non-negative integer');
    }
    if (witnesses && witnesses.quorum > witnesses.verifiers.length) {
      throw new FormatError('INVALID_ARGUMENT', 'witness quorum exceeds the number of witnesses');
    }
    this.#policy = policy;
    this.#logKeys = new Set(policy.logKeys.map(keyOf));
    this.#witnessKeys = new Set((witnesses?.verifiers ?? []).map(keyOf));
    for (const k of this.#witnessKeys) {
      if (this.#logKeys.has(k))
        throw new FormatError('INVALID_ARGUMENT', 'a key is both log key and witness');
    }
  }

  /**
   * Verifies a signed checkpoint note on its own: log signature, body, origin, witness quorum.
   *
   * @throws {@link VerificationError} `MALFORMED`, `BAD_SIGNATURE`, `NO_TRUSTED_SIGNATURE`,
   *   `WRONG_ORIGIN`, `ROOT_MISMATCH` (size 0 without the empty root), `WITNESS_QUORUM`,
   *   `COSIGNATURE_TIME`.
   */
  verifyNote(note: string | Uint8Array): VerifiedCheckpoint {
    const opened = this.#openNote(note, true);
    const logSignatures = this.#checkLogSignature(opened);
    const checkpoint = this.#parseBody(opened);
    this.#checkOrigin(checkpoint);
    this.#checkEmptyRoot(checkpoint);
    const cosignatures = this.#checkWitnesses(opened);
    return { checkpoint, logSignatures, cosignatures };
  }

  /**
   * Verifies that `next` extends `trusted`: the trusted checkpoint we hold (a note, re-checked
   * against the log keys, or an already parsed checkpoint), the new note, and a consistency proof
   * from the trusted size to the new size (empty for equal sizes or a trusted size of 0).
   *
   * @throws {@link VerificationError} as {@link verifyNote}, plus `ROLLBACK` (smaller size) and
   *   `FORK` (same size with another root, or a proof that does not prove consistency).
   * @example
   * ```ts
   * const verdict = verifier.verifyUpdate(trustedNote, newNote, proof);
   * await saveTrusted(newNote); // only after the verdict
   * ```
   */
  verifyUpdate(
    trusted: Checkpoint | string,
    next: string | Uint8Array,
    proof: readonly Uint8Array[],
  ): UpdateVerdict {
    const old = this.#trustedCheckpoint(trusted);
    const verified = this.verifyNote(next);
    const cp = verified.checkpoint;
    this.#checkNoRollback(old, cp);
    this.#checkConsistency(old, cp, proof);
    return { trusted: old, verified, grew: cp.size > old.size };
  }

  /** Checks that `entry` is leaf `index` of `checkpoint` (a verified checkpoint) by `proof`. */
  verifyEntry(checkpoint: Checkpoint, index: bigint, entry: Uint8Array, proof: readonly Uint8Array[]): void {
    const suite = this.#policy.suite;
    verifyInclusion(suite, index, checkpoint.size, suite.leafHash(entry), proof, checkpoint.root);
  }

  /**
   * Full replay: the entries, in order, must be exactly the tree `checkpoint` commits to.
   *
   * @throws {@link VerificationError} `REPLAY_MISMATCH`.
   */
  async verifyReplay(
    checkpoint: Checkpoint,
    entries: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    onLeaf?: (index: bigint, leafHash: Uint8Array) => void,
  ): Promise<ReplayResult> {
    return verifyReplay(this.#policy.suite, checkpoint, entries, onLeaf ? { onLeaf } : {});
  }

  // Step: parse the note and verify every signature by a known key (log and, if asked, witnesses).
  #openNote(note: string | Uint8Array, withWitnesses: boolean): OpenedNote {
    const verifiers = [
      ...this.#policy.logKeys,
      ...(withWitnesses ? (this.#policy.witnesses?.verifiers ?? []) : []),
    ];
    try {
      return openNote(note, verifiers, this.#policy.limits);
    } catch (cause) {
      if (cause instanceof VerificationError) throw cause;
      throw new VerificationError('MALFORMED', 'checkpoint note cannot be parsed', { cause });
    }
  }

  // Step: a log key (not just a witness) must have signed.
  #checkLogSignature(opened: OpenedNote): NoteSignature[] {
    const sigs = opened.verified.filter((s) => this.#logKeys.has(keyOf(s)));
    if (sigs.length === 0) throw new VerificationError('NO_TRUSTED_SIGNATURE', 'not signed by the log key');
    return sigs;
  }

  // Step: the signed text must be a well-formed checkpoint.
  #parseBody(opened: OpenedNote): Checkpoint {
    try {
      return parseCheckpoint(opened.text);
    } catch (cause) {
      throw new VerificationError('MALFORMED', 'note text is not a checkpoint', { cause });
    }
  }

  // Step: the checkpoint must be for this log (a valid signature on another log's tree is no use).
  #checkOrigin(checkpoint: Checkpoint): void {
    if (checkpoint.origin !== this.#policy.origin) {
      throw new VerificationError('WRONG_ORIGIN', 'checkpoint is for another log');
    }
  }

  // Step: a size-0 checkpoint must carry H() (C2SP tlog-witness answers 422 otherwise).
  #checkEmptyRoot(checkpoint: Checkpoint): void {
    if (checkpoint.size === 0n && !bytesEqual(checkpoint.root, this.#policy.suite.emptyRoot())) {
      throw new VerificationError('ROOT_MISMATCH', 'empty tree without the empty root');
    }
  }

  // Step: enough distinct trusted witnesses cosigned, recently enough.
  #checkWitnesses(opened: OpenedNote): Cosignature[] {
    const policy = this.#policy.witnesses;
    const all: Cosignature[] = opened.verified
      .filter((s) => this.#witnessKeys.has(keyOf(s)))
      .map((s) => ({ name: s.name, keyHash: s.keyHash, time: cosignatureTime(s.signature) ?? -1n }));
    if (!policy || policy.quorum === 0) return all;
    const now = policy.now?.();
    const timely = all.filter(
      (c) =>
        now === undefined ||
        (c.time <= now + MAX_FUTURE_SECONDS &&
          (policy.maxAgeSeconds === undefined || now - c.time <= policy.maxAgeSeconds)),
    );
    const distinct = new Set(timely.map(keyOf)).size;
    if (distinct >= policy.quorum) return all;
    if (timely.length < all.length) {
      throw new VerificationError(
        'COSIGNATURE_TIME',
        `only ${distinct} of ${policy.quorum} cosignatures are current`,
      );
    }
    throw new VerificationError(
      'WITNESS_QUORUM',
      `${distinct} of ${policy.quorum} required witness cosignatures`,
    );
  }

  // Step: the checkpoint we start from (a note we stored earlier, or one parsed already).
  #trustedCheckpoint(trusted: Checkpoint | string): Checkpoint {
    if (typeof trusted !== 'string') {
      this.#checkOrigin(trusted);
      this.#checkEmptyRoot(trusted);
      return trusted;
    }
    const opened = this.#openNote(trusted, false);
    this.#checkLogSignature(opened);
    const checkpoint = this.#parseBody(opened);
    this.#checkOrigin(checkpoint);
    this.#checkEmptyRoot(checkpoint);
    return checkpoint;
  }

  // Step: the log must not have shrunk.
  #checkNoRollback(old: Checkpoint, next: Checkpoint): void {
    if (next.size < old.size) {
      throw new VerificationError('ROLLBACK', `size ${next.size} is below the trusted size ${old.size}`);
    }
  }

  // Step: the trusted tree must be a prefix of the new one.
  #checkConsistency(old: Checkpoint, next: Checkpoint, proof: readonly Uint8Array[]): void {
    if (old.size === 0n) {
      if (proof.length !== 0)
        throw new VerificationError('MALFORMED', 'a proof from the empty tree must be empty');
      return;
    }
    if (old.size === next.size && !bytesEqual(old.root, next.root)) {
      throw new VerificationError('FORK', `two different roots for size ${old.size}`);
    }
    try {
      verifyConsistency(this.#policy.suite, old.size, next.size, proof, old.root, next.root);
    } catch (cause) {
      if (!(cause instanceof AuditError)) throw cause;
      throw new VerificationError('FORK', `not provably consistent with trusted size ${old.size}`, { cause });
    }
  }
}
