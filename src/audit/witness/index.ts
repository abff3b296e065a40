/**
 * Witnessing of audit-log checkpoints (C2SP tlog-witness, tlog-cosignature).
 *
 * - A regulator runs a {@link Witness} behind {@link startWitnessServer}, with a
 *   {@link FileWitnessStateStore}: it cosigns a log's checkpoint only if it extends the last one it
 *   cosigned, so truncation or a split view becomes evident.
 * - The log asks its witnesses with {@link WitnessClient}s and {@link cosignCheckpoint}, and
 *   publishes the checkpoint once a quorum cosigned.
 *
 * Unlike the pure core in `src/audit`, this module does I/O (HTTP, files).
 *
 * @example
 * ```ts
 * const witness = new Witness({
 *   key: await readWitnessKeyFile('witness.key'),
 *   logs: parseWitnessLogFlags(['example.cn/pi-audit/t42=example.cn/pi-audit/t42+…']),
 *   store: await FileWitnessStateStore.open('/var/lib/shiming-witness'),
 * });
 * const server = await startWitnessServer({ witness, host: '127.0.0.1', port: 7380 });
 * ```
 * @module
 */
export {
  type AddCheckpointRequest,
  formatAddCheckpointBody,
  MAX_ADD_CHECKPOINT_BYTES,
  MAX_PROOF_LINES,
  parseAddCheckpointBody,
} from './add-checkpoint-body.ts';
export { type CosignOptions, cosignCheckpoint, type ProofSource } from './cosign-checkpoint.ts';
export {
  TLOG_SIZE_MEDIA_TYPE,
  Witness,
  type WitnessLog,
  type WitnessOptions,
  type WitnessRefusal,
  type WitnessResponse,
} from './witness.ts';
export { type AddCheckpointResult, WitnessClient, type WitnessClientOptions } from './witness-client.ts';
export { parseWitnessLogFlags, readWitnessKeyFile } from './witness-config.ts';
export {
  WITNESS_ERROR_CODES,
  WitnessError,
  type WitnessErrorCode,
  type WitnessErrorOptions,
  witnessStatus,
} from './witness-error.ts';
export {
  startWitnessServer,
  type WitnessRequestLog,
  type WitnessServer,
  type WitnessServerOptions,
} from './witness-server.ts';
export { FileWitnessStateStore, witnessStateFileName } from './witness-state-file.ts';
export {
  MemoryWitnessStateStore,
  sameWitnessRecord,
  type WitnessRecord,
  type WitnessStateStore,
} from './witness-state-store.ts';
