/**
 * The tamper-evident audit log core: RFC 9162 Merkle trees, C2SP tiles, signed notes,
 * checkpoints, cosignatures, proofs, the checkpoint signer and the verifier. Pure and I/O-free:
 * storage, clocks and randomness are injected, so the regulator's verifier can import this module
 * without pulling in anything that opens a socket or a database.
 *
 * @example
 * ```ts
 * import { hashSuite, TreeAppender, tileHashReader, inclusionProof } from 'shiming/audit';
 * const suite = hashSuite('sha256');
 * const tree = await TreeAppender.open(suite, size, readTiles, storedRoot);
 * const index = tree.appendEntry(entryBytes);
 * await db.transaction(() => writeTiles(tree.flush()));
 * ```
 * @module
 */
export { auditIdentifier } from './audit-hash.ts';
export { type BatchInclusionOptions, BatchInclusionVerifier } from './batch-inclusion-verifier.ts';
export { bytesEqual, decodeBase64Strict, encodeBase64 } from './bytes.ts';
export { type Checkpoint, formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
export {
  type CheckpointRequest,
  CheckpointSigner,
  type CheckpointSignerOptions,
  type SignerState,
  type SignerStateStore,
} from './checkpoint-signer.ts';
export {
  CheckpointVerifier,
  type Cosignature,
  type LogPolicy,
  type UpdateVerdict,
  type VerifiedCheckpoint,
  type WitnessPolicy,
} from './checkpoint-verifier.ts';
export { CompactRange, type NodeVisitor } from './compact-range.ts';
export {
  type Clock,
  cosignatureMessage,
  cosignatureTime,
  cosignatureVerifier,
  cosigner,
  MAX_COSIGNATURE_TIME,
  systemClock,
} from './cosignature.ts';
export * from './entry.ts';
export {
  checkEntrySize,
  encodeEntryBundle,
  MAX_BUNDLE_ENTRY_BYTES,
  parseEntryBundle,
} from './entry-bundle.ts';
export * from './errors.ts';
export { HASH_SIZE, type HashAlgorithm, type HashSuite, hashSuite } from './hash-suite.ts';
export type { NoteSigner, NoteVerifier } from './note.types.ts';
export {
  ED25519_COSIGNATURE,
  ED25519_NOTE,
  type Ed25519Key,
  type Ed25519KeyType,
  encodeSignerKey,
  encodeVerifierKey,
  generateNoteKey,
  isValidKeyName,
  noteKeyHash,
  noteSigner,
  noteVerifier,
  parseSignerKey,
  parseVerifierKey,
} from './note-keys.ts';
export {
  consistencyProof,
  type HashReader,
  inclusionProof,
  type ProofPlan,
  planConsistency,
  planInclusion,
  planNodes,
  resolvePlan,
  rootAt,
} from './proof-builder.ts';
export { type ReplayOptions, type ReplayResult, replayEntries, verifyReplay } from './replay.ts';
export {
  appendSignatures,
  checkNoteText,
  formatNote,
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  type NoteLimits,
  type NoteSignature,
  type OpenedNote,
  openNote,
  type ParsedNote,
  parseNote,
  signatureLine,
  signNote,
} from './signed-note.ts';
export { subtreeHashFromTile, type TileReader, tileHashReader } from './tile-hash-reader.ts';
export {
  changedEntryBundles,
  changedTiles,
  type NodeInTile,
  rightEdgeTiles,
  tileForNode,
  tileWidthAt,
} from './tile-math.ts';
export {
  type EntryBundleId,
  encodeTileIndex,
  entryBundlePath,
  MAX_TILE_LEVEL,
  parseTilePath,
  TILE_HEIGHT,
  TILE_WIDTH,
  type TileId,
  type TileResource,
  tilePath,
} from './tile-path.ts';
export { type TileData, TreeAppender } from './tree-appender.ts';
export { merkleTreeHash, merkleTreeHashOfEntries } from './tree-hash.ts';
export {
  bitLength,
  compactRangeNodes,
  isPowerOfTwo,
  MAX_TREE_SIZE,
  type NodeId,
  nodeRange,
  popCount,
  rangeNodes,
} from './tree-math.ts';
export {
  chainBorderRight,
  chainInner,
  chainInnerRight,
  checkInclusionShape,
  decompInclProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify-proof.ts';
