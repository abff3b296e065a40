/**
 * The hash suite of a log: RFC 9162 §2.1.1 leaf and node hashing with SHA-256 (default) or SM3.
 *
 * The hash is a per-log choice recorded when the log is created and never changed afterwards.
 * SHA-256 is what C2SP tlog-tiles and every public tool expect; SM3 (GB/T 32905, through node:crypto)
 * serves deployments that must use national algorithms, at the cost of that interoperability.
 *
 * Hashing is the hot path of appends and proof checks, so it uses `crypto.hash` (one call into
 * OpenSSL, no Hash object) over a per-suite scratch buffer, and SHA-256 node hashes go through a
 * specialised JavaScript SHA-256 that is twice as fast as that call (`sha256-node-hash.ts`). JavaScript is single-threaded and every
 * call completes synchronously, so sharing the scratch buffer is safe; each worker thread loads its
 * own copy of this module.
 *
 * @module
 */
import { createHash, getHashes, hash } from 'node:crypto';
import { FormatError } from './errors.ts';
import { nodeHashSha256 } from './sha256-node-hash.ts';

/** Hash algorithms a log can use. */
export type HashAlgorithm = 'sha256' | 'sm3';

/** Every supported hash yields 32 bytes. */
export const HASH_SIZE = 32;

/** Leaf and interior-node hashing for one log. */
export interface HashSuite {
  /** The algorithm, as stored in the log's metadata. */
  readonly algorithm: HashAlgorithm;
  /** Digest length in bytes (32 for both algorithms). */
  readonly size: number;
  /** `H()`: the root of the empty tree (a fresh copy each call). */
  emptyRoot(): Buffer;
  /** `H(0x00 ‖ entry)`. */
  leafHash(entry: Uint8Array): Buffer;
  /** `H(0x01 ‖ left ‖ right)`; both inputs must be {@link HASH_SIZE} bytes. */
  nodeHash(left: Uint8Array, right: Uint8Array): Buffer;
}

// Entries up to this size are hashed from the scratch buffer; longer ones stream through createHash.
const SCRATCH_ENTRY_BYTES = 2048;
const LEAF_PREFIX = Buffer.from([0x00]);

class NodeCryptoSuite implements HashSuite {
  readonly algorithm: HashAlgorithm;
  readonly size = HASH_SIZE;
  readonly #node = Buffer.alloc(1 + 2 * HASH_SIZE);
  readonly #leaf = Buffer.alloc(1 + SCRATCH_ENTRY_BYTES);
  readonly #empty: Buffer;
  // SHA-256 node hashes skip node:crypto's per-call cost (see sha256-node-hash.ts).
  readonly #fastNode: typeof nodeHashSha256;

  constructor(algorithm: HashAlgorithm) {
    this.algorithm = algorithm;
    this.#fastNode = algorithm === 'sha256' ? nodeHashSha256 : undefined;
    this.#node[0] = 0x01;
    this.#leaf[0] = 0x00;
    this.#empty = hash(algorithm, Buffer.alloc(0), 'buffer');
  }

  emptyRoot(): Buffer {
    return Buffer.from(this.#empty);
  }

  // INVARIANT: a leaf hash is H(0x00 ‖ the exact entry bytes as stored), and a node hash is
  // H(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1). The prefixes give second-preimage resistance: a
  // node can never pass for a leaf. Changing either, or hashing anything but the stored bytes
  // (a re-serialisation, a trimmed copy), changes every root ever signed and makes every
  // published checkpoint and regulator-held proof unverifiable. Never change this encoding.
  leafHash(entry: Uint8Array): Buffer {
    if (entry.length > SCRATCH_ENTRY_BYTES) {
      return createHash(this.algorithm).update(LEAF_PREFIX).update(entry).digest();
    }
    const scratch = this.#leaf;
    scratch.set(entry, 1);
    return hash(this.algorithm, scratch.subarray(0, 1 + entry.length), 'buffer');
  }

  nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
    if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
      throw new FormatError('INVALID_ARGUMENT', `node hash inputs must be ${HASH_SIZE} bytes`);
    }
    if (this.#fastNode !== undefined) return this.#fastNode(left, right);
    const scratch = this.#node;
    scratch.set(left, 1);
    scratch.set(right, 1 + HASH_SIZE);
    return hash(this.algorithm, scratch, 'buffer');
  }
}

const suites = new Map<HashAlgorithm, HashSuite>();

/**
 * The hash suite for `algorithm` (instances are shared).
 *
 * @throws {@link FormatError} `UNSUPPORTED_ALGORITHM` for an unknown name, or SM3 on a Node build
 *   whose OpenSSL lacks it.
 * @example
 * ```ts
 * const suite = hashSuite('sha256');
 * suite.leafHash(new Uint8Array()).toString('hex'); // '6e340b9c…a01d'
 * ```
 */
export function hashSuite(algorithm: HashAlgorithm = 'sha256'): HashSuite {
  let suite = suites.get(algorithm);
  if (suite) return suite;
  if (algorithm !== 'sha256' && algorithm !== 'sm3') {
    throw new FormatError(
      'UNSUPPORTED_ALGORITHM',
      `unknown log hash algorithm ${String(algorithm).slice(0, 16)}`,
    );
  }
  if (!getHashes().includes(algorithm)) {
    throw new FormatError('UNSUPPORTED_ALGORITHM', `this Node.js build has no ${algorithm} (OpenSSL)`);
  }
  suite = new NodeCryptoSuite(algorithm);
  suites.set(algorithm, suite);
  return suite;
}
