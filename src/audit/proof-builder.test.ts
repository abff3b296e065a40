import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchInclusionVerifier } from './batch-inclusion-verifier.ts';
import { bytesEqual } from './bytes.ts';
import { CompactRange } from './compact-range.ts';
import { type AuditError, FormatError, StorageError, VerificationError } from './errors.ts';
import { type HashSuite, hashSuite } from './hash-suite.ts';
import { consistencyProof, inclusionProof, planConsistency, planInclusion, rootAt } from './proof-builder.ts';
import { tileHashReader } from './tile-hash-reader.ts';
import { tilePath } from './tile-path.ts';
import { TreeAppender } from './tree-appender.ts';
import { verifyConsistency, verifyInclusion } from './verify-proof.ts';

const suite = hashSuite('sha256');

// A literal transcription of RFC 9162 §2.1.3.2, the oracle for the closed-form verifier.
function rfcInclusion(
  s: HashSuite,
  index: bigint,
  size: bigint,
  hash: Uint8Array,
  path: Uint8Array[],
  root: Uint8Array,
) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1n;
  let r = hash;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = s.nodeHash(p, r);
      while (!((fn & 1n) === 1n || fn === 0n)) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = s.nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(r, root);
}

// RFC 9162 §2.1.4.2, for 0 < first < second (the callers' precondition).
function rfcConsistency(
  s: HashSuite,
  first: bigint,
  second: bigint,
  proof: Uint8Array[],
  h1: Uint8Array,
  h2: Uint8Array,
) {
  if (proof.length === 0) return false;
  const path = (first & (first - 1n)) === 0n ? [h1, ...proof] : proof;
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = s.nodeHash(c, fr);
      sr = s.nodeHash(c, sr);
      while (!((fn & 1n) === 1n || fn === 0n)) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = s.nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return bytesEqual(fr, h1) && bytesEqual(sr, h2) && sn === 0n;
}

const accepts = (check: () => void): boolean => {
  try {
    check();
    return true;
  } catch (e) {
    if (e instanceof VerificationError) return false;
    throw e;
  }
};

/** A log of `n` leaves kept only as tiles (as the database will), plus the root at every size. */
interface TestLog {
  readonly n: number;
  readonly leaves: Uint8Array[];
  readonly roots: Uint8Array[];
  readonly tiles: Map<string, Uint8Array>;
  reader(size: bigint): ReturnType<typeof tileHashReader>;
}

function buildLog(n: number): TestLog {
  const leaves = Array.from({ length: n }, (_, i) => suite.leafHash(Buffer.from(`entry ${i}`)));
  const range = CompactRange.empty(suite);
  const roots = [range.root()];
  const appender = TreeAppender.empty(suite);
  for (const leaf of leaves) {
    range.append(leaf);
    roots.push(range.root());
    appender.appendLeafHash(leaf);
  }
  const tiles = new Map<string, Uint8Array>();
  // Only the latest (widest) version of each tile: readers must cope with wider tiles.
  for (const t of appender.flush()) tiles.set(`${t.level}/${t.index}`, t.hashes);
  return {
    n,
    leaves,
    roots,
    tiles,
    reader: (size) =>
      tileHashReader(suite, size, async (ids) => ids.map((id) => tiles.get(`${id.level}/${id.index}`))),
  };
}

const flip = (h: Uint8Array, bit: number) => {
  const out = Uint8Array.from(h);
  out[Math.floor(bit / 8) % out.length]! ^= 2 ** (bit % 8);
  return out;
};

describe('proofs from tiles', () => {
  let small: TestLog;
  let big: TestLog;
  beforeAll(() => {
    small = buildLog(64);
    big = buildLog(3001); // one spare leaf: mutations look at the root of size + 1
  });

  it('every inclusion and consistency proof of every tree up to 64 leaves verifies, as the RFC says', async () => {
    let count = 0;
    for (let n = 1n; n <= 64n; n++) {
      const reader = small.reader(n);
      const rootN = small.roots[Number(n)]!;
      for (let i = 0n; i < n; i++) {
        const proof = await inclusionProof(suite, i, n, reader);
        const leaf = small.leaves[Number(i)]!;
        verifyInclusion(suite, i, n, leaf, proof, rootN);
        expect(rfcInclusion(suite, i, n, leaf, proof, rootN)).toBe(true);
        count++;
      }
      for (let m = 1n; m <= n; m++) {
        const proof = await consistencyProof(suite, m, n, reader);
        const rootM = small.roots[Number(m)]!;
        verifyConsistency(suite, m, n, proof, rootM, rootN);
        if (m < n) expect(rfcConsistency(suite, m, n, proof, rootM, rootN)).toBe(true);
        count++;
      }
    }
    expect(count).toBe(2080 + 2080);
  });

  it('the RFC 9162 §2.1.5 example tree (7 leaves) has the documented proof shapes', () => {
    const sizes = (plan: ReturnType<typeof planInclusion>) => plan.map((e) => e.length);
    expect(planInclusion(0n, 7n)).toHaveLength(3); // [b, h, l]
    expect(planInclusion(6n, 7n)).toHaveLength(2); // [i, k]
    expect(planConsistency(3n, 7n)).toHaveLength(4); // [c, d, g, l]
    expect(planConsistency(4n, 7n)).toHaveLength(1); // [l]
    expect(sizes(planConsistency(4n, 7n))).toEqual([2]); // l = MTH(D[4:7]): nodes (1,2) and (0,6)
    expect(planConsistency(6n, 7n)).toHaveLength(3); // [i, j, k]
  });

  it('random inclusion proofs in a 3000-leaf log verify, and any change makes them fail', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.nat(), async (size, at, bit) => {
        const n = BigInt(size);
        const i = BigInt(at % size);
        const proof = await inclusionProof(suite, i, n, big.reader(n));
        const leaf = big.leaves[Number(i)]!;
        const root = big.roots[size]!;
        verifyInclusion(suite, i, n, leaf, proof, root);
        const bad: (() => void)[] = [
          () => verifyInclusion(suite, i, n, flip(leaf, bit), proof, root),
          () => verifyInclusion(suite, i, n, leaf, proof, flip(root, bit)),
          () => verifyInclusion(suite, i + 1n, n, leaf, proof, root),
          () => verifyInclusion(suite, i ^ 2n, n, leaf, proof, root),
          // Another size with the same root changes the proof's shape (transparency-dev's
          // treeSize-mul-@2); with that size's own root (a checkpoint binds both) it never verifies.
          () => verifyInclusion(suite, i, n * 2n, leaf, proof, root),
          () => verifyInclusion(suite, i, n + 1n, leaf, proof, big.roots[size + 1]!),
          () => verifyInclusion(suite, i, n - 1n, leaf, proof, big.roots[size - 1]!),
          () => verifyInclusion(suite, i, n, leaf, [...proof, leaf], root),
          () => verifyInclusion(suite, i, n, leaf, [root, ...proof], root),
        ];
        if (proof.length > 0) {
          bad.push(() => verifyInclusion(suite, i, n, leaf, proof.slice(1), root));
          const k = bit % proof.length;
          bad.push(() => verifyInclusion(suite, i, n, leaf, proof.with(k, flip(proof[k]!, bit)), root));
        }
        bad.forEach((check, k) => {
          expect(accepts(check), `mutation ${k}`).toBe(false);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('random consistency proofs in a 3000-leaf log verify, and any change makes them fail', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.nat(), async (size2, at, bit) => {
        const n = BigInt(size2);
        const m = BigInt(1 + (at % size2));
        const proof = await consistencyProof(suite, m, n, big.reader(n));
        const r1 = big.roots[Number(m)]!;
        const r2 = big.roots[size2]!;
        verifyConsistency(suite, m, n, proof, r1, r2);
        const bad: (() => void)[] = [
          () => verifyConsistency(suite, m, n, proof, flip(r1, bit), r2),
          () => verifyConsistency(suite, m, n, proof, r1, flip(r2, bit)),
          () => verifyConsistency(suite, m + 1n, n, proof, big.roots[Number(m) + 1]!, r2),
          () => verifyConsistency(suite, m - 1n, n, proof, big.roots[Number(m) - 1]!, r2),
          () => verifyConsistency(suite, m, n + 1n, proof, r1, big.roots[size2 + 1]!),
          () => verifyConsistency(suite, m, n * 2n, proof, r1, r2),
          () => verifyConsistency(suite, m, n, [...proof, r1], r1, r2),
        ];
        if (m < n) {
          bad.push(() => verifyConsistency(suite, m, n, proof, r2, r1));
          bad.push(() => verifyConsistency(suite, m, n - 1n, proof, r1, big.roots[size2 - 1]!));
        }
        if (proof.length > 0) {
          bad.push(() => verifyConsistency(suite, m, n, proof.slice(1), r1, r2));
          const k = bit % proof.length;
          bad.push(() => verifyConsistency(suite, m, n, proof.with(k, flip(proof[k]!, bit)), r1, r2));
        }
        bad.forEach((check, k) => {
          expect(accepts(check), `mutation ${k}`).toBe(false);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the literal RFC algorithms on mutated proofs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 300 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: -2, max: 2 }),
        async (size, at, bit, delta) => {
          const n = BigInt(size);
          const i = BigInt(at % size);
          const proof = await inclusionProof(suite, i, n, big.reader(n));
          const mutated = proof.length > 0 && bit % 3 === 0 ? proof.with(0, flip(proof[0]!, bit)) : proof;
          const j = i + BigInt(delta);
          if (j < 0n) return;
          const leaf = big.leaves[Number(i)]!;
          const root = big.roots[size]!;
          expect(accepts(() => verifyInclusion(suite, j, n, leaf, mutated, root))).toBe(
            rfcInclusion(suite, j, n, leaf, mutated, root),
          );
          const m = BigInt(1 + (at % (size - 1)));
          const cproof = await consistencyProof(suite, m, n, big.reader(n));
          const m2 = m + BigInt(delta);
          if (m2 <= 0n || m2 >= n) return;
          const r1 = big.roots[Number(m)]!;
          expect(accepts(() => verifyConsistency(suite, m2, n, cproof, r1, root))).toBe(
            rfcConsistency(suite, m2, n, cproof, r1, root),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('computes the root at any size from tiles', async () => {
    for (const size of [0, 1, 255, 256, 257, 2999, 3000]) {
      const root = await rootAt(suite, BigInt(size), big.reader(BigInt(size)));
      expect(bytesEqual(root, big.roots[size]!)).toBe(true);
    }
  });

  it('gives empty consistency proofs from size 0 and between equal sizes', async () => {
    expect(await consistencyProof(suite, 0n, 10n, big.reader(10n))).toEqual([]);
    expect(await consistencyProof(suite, 10n, 10n, big.reader(10n))).toEqual([]);
  });

  it('rejects impossible requests and missing tiles with typed errors', async () => {
    await expect(inclusionProof(suite, 5n, 5n, big.reader(5n))).rejects.toBeInstanceOf(FormatError);
    await expect(consistencyProof(suite, 6n, 5n, big.reader(6n))).rejects.toBeInstanceOf(FormatError);
    // A reader for size 5 cannot serve nodes of a tree of 8.
    await expect(inclusionProof(suite, 0n, 8n, big.reader(5n))).rejects.toBeInstanceOf(FormatError);
    const empty = tileHashReader(suite, 300n, async (ids) => ids.map(() => undefined));
    await expect(inclusionProof(suite, 0n, 300n, empty)).rejects.toMatchObject({ code: 'MISSING_TILE' });
    const short = tileHashReader(suite, 300n, async (ids) => ids.map(() => new Uint8Array(32)));
    const error = await inclusionProof(suite, 0n, 300n, short).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as AuditError).code).toBe('SHORT_TILE');
  });

  it('stores tiles at the paths C2SP names', () => {
    expect([...big.tiles.keys()].map((k) => k)).toEqual([
      '0/0',
      '0/1',
      '0/2',
      '0/3',
      '0/4',
      '0/5',
      '0/6',
      '0/7',
      '0/8',
      '0/9',
      '0/10',
      '0/11',
      '1/0',
    ]);
    expect(tilePath({ level: 0, index: 11n, width: 3000 - 11 * 256 })).toBe('tile/0/011.p/184');
  });
});

describe('BatchInclusionVerifier', () => {
  it('accepts and rejects exactly what verifyInclusion does, with the same codes', async () => {
    const log = buildLog(1500);
    for (const [size, max] of [
      [1500, 65_536],
      [1024, 65_536],
      [1499, 40],
      [1, 10],
    ] as const) {
      const n = BigInt(size);
      const root = log.roots[size]!;
      const batch = new BatchInclusionVerifier(suite, n, root, { maxCachedNodes: max });
      const outcome = (check: () => void) => {
        try {
          check();
          return 'ok';
        } catch (e) {
          if (e instanceof VerificationError) return e.code;
          throw e;
        }
      };
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 5 }), async (at, bit, how) => {
          const i = BigInt(at % size);
          let proof = await inclusionProof(suite, i, n, log.reader(n));
          let leaf = log.leaves[Number(i)]!;
          let j = i;
          if (how === 1 && proof.length > 0)
            proof = proof.with(bit % proof.length, flip(proof[bit % proof.length]!, bit));
          if (how === 2) leaf = flip(leaf, bit);
          if (how === 3) j = BigInt((at + 1 + (bit % 7)) % size);
          if (how === 4) proof = proof.slice(1);
          const plain = outcome(() => verifyInclusion(suite, j, n, leaf, proof, root));
          expect(outcome(() => batch.verify(j, leaf, proof))).toBe(plain);
          if (how === 0) expect(plain).toBe('ok');
        }),
        { numRuns: 400 },
      );
    }
  });
});
