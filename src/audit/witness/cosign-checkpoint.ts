/**
 * Gathering witness cosignatures for a new checkpoint: ask every witness in parallel, each from
 * the size it last cosigned (retrying once after a 409 taught us a different size), and append
 * the verified cosignature lines to the note. The checkpoint counts as published only with at
 * least `quorum` distinct witnesses.
 *
 * @module
 */
import { parseCheckpoint } from '../checkpoint.ts';
import { appendSignatures, parseNote } from '../signed-note.ts';
import type { WitnessClient } from './witness-client.ts';
import { WitnessError } from './witness-error.ts';

/** Builds the consistency proof from `size` to the checkpoint's size (only called for 0 < size < it). */
export type ProofSource = (size: bigint) => Promise<readonly Uint8Array[]>;

/** Options of {@link cosignCheckpoint}. */
export interface CosignOptions {
  /** How many witnesses must cosign (0 ≤ quorum ≤ number of clients). */
  readonly quorum: number;
  /** Called for each witness that did not cosign (for the operator's log and alerts). */
  readonly onFailure?: (witness: string, error: WitnessError) => void;
}

/** Asks one witness, from its known size, then once more from the size a 409 reported. */
async function cosignWith(
  client: WitnessClient,
  note: string,
  size: bigint,
  proofFrom: ProofSource,
): Promise<readonly string[]> {
  let old = client.knownSize;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (old > size) {
      throw new WitnessError('WITNESS_AHEAD', `${client.name}: has cosigned size ${old}, above ${size}`, {
        witness: client.name,
        size: old,
      });
    }
    let proof: readonly Uint8Array[] = [];
    if (old !== 0n && old !== size) {
      try {
        proof = await proofFrom(old);
      } catch (cause) {
        if (cause instanceof WitnessError) throw cause;
        throw new WitnessError('PROOF_UNAVAILABLE', `${client.name}: no proof from size ${old}`, {
          cause,
          witness: client.name,
        });
      }
    }
    const result = await client.addCheckpoint(note, old, proof);
    if (result.kind === 'cosigned') return result.lines;
    old = result.size;
  }
  throw new WitnessError('OLD_SIZE_MISMATCH', `${client.name}: its size changed twice during the request`, {
    witness: client.name,
    size: old,
    status: 409,
  });
}

/**
 * Gathers cosignatures from `clients` in parallel and returns `note` with their lines appended.
 *
 * @param proofFrom - consistency proof from a witness's size to the checkpoint's size.
 * @throws {@link WitnessError} `QUORUM_NOT_MET` (with the failures as an `AggregateError` cause)
 *   when fewer than `quorum` witnesses cosigned; `INVALID_ARGUMENT` for a bad note, quorum, or the
 *   same witness twice.
 * @example
 * ```ts
 * const cosigned = await cosignCheckpoint(note, witnesses, (size) => log.consistencyProof(size, treeSize), {
 *   quorum: 1,
 * });
 * ```
 */
export async function cosignCheckpoint(
  note: string,
  clients: readonly WitnessClient[],
  proofFrom: ProofSource,
  options: CosignOptions,
): Promise<string> {
  let size: bigint;
  try {
    size = parseCheckpoint(parseNote(note).text).size;
  } catch (cause) {
    throw new WitnessError('INVALID_ARGUMENT', 'not a checkpoint note', { cause });
  }
  const { quorum } = options;
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > clients.length) {
    throw new WitnessError(
      'INVALID_ARGUMENT',
      'quorum must be an integer between 0 and the number of witnesses',
    );
  }
  if (new Set(clients.map((c) => c.name)).size !== clients.length) {
    throw new WitnessError('INVALID_ARGUMENT', 'a witness is listed twice');
  }
  const settled = await Promise.allSettled(clients.map((c) => cosignWith(c, note, size, proofFrom)));
  const lines: string[] = [];
  const failures: WitnessError[] = [];
  for (const [i, outcome] of settled.entries()) {
    const name = clients[i]!.name;
    if (outcome.status === 'fulfilled') {
      lines.push(...outcome.value);
      continue;
    }
    const error =
      outcome.reason instanceof WitnessError
        ? outcome.reason
        : new WitnessError('UNEXPECTED_RESPONSE', `${name}: unexpected failure`, {
            cause: outcome.reason,
            witness: name,
          });
    failures.push(error);
    options.onFailure?.(name, error);
  }
  const cosigned = clients.length - failures.length;
  if (cosigned < quorum) {
    throw new WitnessError('QUORUM_NOT_MET', `${cosigned} of ${quorum} required witnesses cosigned`, {
      cause: new AggregateError(failures, 'witness failures'),
    });
  }
  return appendSignatures(note, lines);
}
