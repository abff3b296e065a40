/**
 * Test fixtures for the witness: an in-memory log whose checkpoints are signed by a real log key,
 * with consistency proofs from the core. Used by the tests only.
 *
 * @module
 */
import { formatCheckpoint } from '../../src/audit/checkpoint.ts';
import { hashSuite } from '../../src/audit/hash-suite.ts';
import { generateNoteKey, noteSigner, noteVerifier } from '../../src/audit/note-keys.ts';
import { consistencyProof } from '../../src/audit/proof-builder.ts';
import { signNote } from '../../src/audit/signed-note.ts';
import { tileHashReader } from '../../src/audit/tile-hash-reader.ts';
import { TreeAppender } from '../../src/audit/tree-appender.ts';
import type { WitnessLog } from '../../src/audit/witness/witness.ts';

/** SHA-256, the C2SP hash. */
export const suite = hashSuite('sha256');

/** A deterministic key pair (seed filled with `fill`). */
export function testKey(name: string, type: 0x01 | 0x04, fill: number): { skey: string; vkey: string } {
  return generateNoteKey(name, type, (n) => new Uint8Array(n).fill(fill));
}

/** A log of `size` entries `${prefix} i`, signed by `key`. */
export class TestLog {
  readonly origin: string;
  readonly key: { skey: string; vkey: string };
  readonly roots: Uint8Array[];
  readonly #tiles: Map<string, Uint8Array>;

  private constructor(
    origin: string,
    key: { skey: string; vkey: string },
    tree: TreeAppender,
    roots: Uint8Array[],
  ) {
    this.origin = origin;
    this.key = key;
    this.roots = roots;
    this.#tiles = new Map(tree.flush().map((t) => [`${t.level}/${t.index}`, t.hashes]));
  }

  /** A log with entries `${prefix} 0` … `${prefix} size−1`. */
  static create(
    origin: string,
    key: { skey: string; vkey: string },
    size: number,
    prefix = 'access',
  ): TestLog {
    const tree = TreeAppender.empty(suite);
    const roots: Uint8Array[] = [tree.root()];
    for (let i = 0; i < size; i++) {
      tree.appendEntry(Buffer.from(`${prefix} ${i}`));
      roots.push(tree.root());
    }
    return new TestLog(origin, key, tree, roots);
  }

  /** The witness's view of this log. */
  get witnessLog(): WitnessLog {
    return { origin: this.origin, verifiers: [noteVerifier(this.key.vkey)] };
  }

  /** The signed checkpoint note at `size` (signed by `skey`, the log key by default). */
  note(size: bigint, skey: string = this.key.skey): Promise<string> {
    const text = formatCheckpoint({
      origin: this.origin,
      size,
      root: this.roots[Number(size)]!,
      extensions: [],
    });
    return signNote(text, [noteSigner(skey)]);
  }

  /** The consistency proof from `from` to `to` (empty for `from` 0 or equal sizes). */
  proof(from: bigint, to: bigint): Promise<Uint8Array[]> {
    const reader = tileHashReader(suite, to, async (ids) =>
      ids.map((id) => this.#tiles.get(`${id.level}/${id.index}`)),
    );
    return consistencyProof(suite, from, to, reader);
  }
}
