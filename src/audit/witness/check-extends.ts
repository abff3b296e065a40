/**
 * The consistency rules of C2SP tlog-witness between a witness's record for a log and a newly
 * submitted, already authenticated checkpoint. Each violation is a {@link WitnessError} whose code
 * fixes the HTTP status: `OLD_SIZE_MISMATCH` (409 with the recorded size), `INCONSISTENT_PROOF`
 * (422), `FORK` (409: same size, other root).
 *
 * @module
 */
import { bytesEqual } from '../bytes.ts';
import type { Checkpoint } from '../checkpoint.ts';
import type { HashSuite } from '../hash-suite.ts';
import { verifyConsistency } from '../verify-proof.ts';
import type { AddCheckpointRequest } from './add-checkpoint-body.ts';
import { WitnessError, type WitnessErrorCode } from './witness-error.ts';
import type { WitnessRecord } from './witness-state-store.ts';

function refusal(code: WitnessErrorCode, message: string, size?: bigint): WitnessError {
  return new WitnessError(code, message, size === undefined ? {} : { size });
}

/**
 * Throws unless `checkpoint` may replace `previous`: `old` is the recorded size (0 without a
 * record), a size-0 tree has the empty root, the proof is empty from size 0 and between equal
 * sizes, equal sizes have equal roots, and otherwise the proof verifies (RFC 9162 §2.1.4.2).
 */
export function checkExtends(
  suite: HashSuite,
  previous: WitnessRecord | undefined,
  request: AddCheckpointRequest,
  checkpoint: Checkpoint,
): void {
  const recorded = previous?.checkpoint;
  const recordedSize = recorded?.size ?? 0n;
  if (request.oldSize !== recordedSize) {
    throw refusal('OLD_SIZE_MISMATCH', 'old size is not the latest cosigned size', recordedSize);
  }
  // A size-0 checkpoint must commit to the empty tree, or it is consistent with nothing.
  if (checkpoint.size === 0n && !bytesEqual(checkpoint.root, suite.emptyRoot())) {
    throw refusal('INCONSISTENT_PROOF', 'a size-0 checkpoint must carry the empty-tree root');
  }
  if (recorded === undefined || recordedSize === 0n) {
    if (request.proof.length !== 0)
      throw refusal('INCONSISTENT_PROOF', 'the proof from size 0 must be empty');
    return;
  }
  if (checkpoint.size === recordedSize) {
    if (!bytesEqual(checkpoint.root, recorded.root)) {
      throw refusal('FORK', 'a different root for the latest cosigned size');
    }
    if (request.proof.length !== 0) throw refusal('INCONSISTENT_PROOF', 'equal sizes need an empty proof');
    return;
  }
  try {
    verifyConsistency(suite, recordedSize, checkpoint.size, request.proof, recorded.root, checkpoint.root);
  } catch (cause) {
    throw new WitnessError('INCONSISTENT_PROOF', 'the consistency proof does not verify', { cause });
  }
}
