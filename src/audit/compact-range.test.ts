import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactRange } from './compact-range.ts';
import { FormatError } from './errors.ts';
import { hashSuite } from './hash-suite.ts';
import { merkleTreeHash } from './tree-hash.ts';
import { compactRangeNodes, type NodeId, nodeRange } from './tree-math.ts';

const suite = hashSuite('sha256');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const leaves = (n: number) => Array.from({ length: n }, (_, i) => suite.leafHash(Buffer.from(`leaf ${i}`)));

// transparency-dev/merkle testonly/constants.go: LeafInputs() and RootHashes() (the classic CT
// test tree, also in the C++ and Python CT implementations).
const LEAF_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('hash suite', () => {
  it('hashes leaves and nodes with the RFC 9162 prefixes (transparency-dev rfc6962 vectors)', () => {
    expect(hex(suite.leafHash(new Uint8Array()))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(hex(suite.leafHash(Buffer.from('L123456')))).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
    const [l, r] = [suite.leafHash(Buffer.from('a')), suite.leafHash(Buffer.from('b'))];
    const want = createHash('sha256')
      .update(Buffer.from([1]))
      .update(l)
      .update(r)
      .digest();
    expect(hex(suite.nodeHash(l, r))).toBe(hex(want));
  });

  it('hashes long entries (beyond the scratch buffer) the same way', () => {
    const big = Buffer.alloc(5000, 7);
    const want = createHash('sha256')
      .update(Buffer.from([0]))
      .update(big)
      .digest();
    expect(hex(suite.leafHash(big))).toBe(hex(want));
  });

  it('returns fresh buffers (the scratch space is never aliased)', () => {
    const a = suite.leafHash(Buffer.from('a'));
    const copy = hex(a);
    suite.leafHash(Buffer.from('b'));
    suite.nodeHash(a, a);
    expect(hex(a)).toBe(copy);
  });

  it('offers SM3 through node:crypto with the same prefixes', () => {
    const sm3 = hashSuite('sm3');
    // GB/T 32905 vector: SM3("abc").
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    expect(hex(sm3.emptyRoot())).toBe(createHash('sm3').digest('hex'));
    const e = Buffer.from('entry');
    expect(hex(sm3.leafHash(e))).toBe(
      createHash('sm3')
        .update(Buffer.from([0]))
        .update(e)
        .digest('hex'),
    );
    expect(hex(sm3.leafHash(e))).not.toBe(hex(suite.leafHash(e)));
  });

  it('rejects unknown algorithms and node inputs of the wrong length with typed errors', () => {
    expect(() => hashSuite('md5' as 'sha256')).toThrow(FormatError);
    expect(() => suite.nodeHash(new Uint8Array(31), new Uint8Array(32))).toThrow(FormatError);
  });
});

describe('merkleTreeHash', () => {
  it('matches the known roots of the 8-leaf test tree at every size 0..8', () => {
    const hashes = LEAF_INPUTS.map((h) => suite.leafHash(Buffer.from(h, 'hex')));
    ROOTS.forEach((root, n) => {
      expect(hex(merkleTreeHash(suite, hashes.slice(0, n)))).toBe(root);
    });
  });

  it('never duplicates an odd node ([A,B,C] and [A,B,C,C] differ: CVE-2012-2459)', () => {
    const [a, b, c] = leaves(3) as [Buffer, Buffer, Buffer];
    expect(hex(merkleTreeHash(suite, [a, b, c]))).not.toBe(hex(merkleTreeHash(suite, [a, b, c, c])));
  });
});

describe('CompactRange', () => {
  it('gives the one-shot root at every size up to 600 (past a 256-leaf tile)', () => {
    const all = leaves(600);
    const range = CompactRange.empty(suite);
    expect(hex(range.root())).toBe(ROOTS[0]);
    all.forEach((leaf, i) => {
      expect(range.append(leaf)).toBe(BigInt(i));
      expect(hex(range.root())).toBe(hex(merkleTreeHash(suite, all, 0, i + 1)));
    });
  });

  it('restored at any split and appended to, gives the one-shot root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), (n, at) => {
        const all = leaves(n);
        const split = Math.min(at, n);
        const first = CompactRange.empty(suite);
        for (const leaf of all.slice(0, split)) first.append(leaf);
        const resumed = CompactRange.from(suite, first.size, first.hashes());
        for (const leaf of all.slice(split)) resumed.append(leaf);
        expect(resumed.size).toBe(BigInt(n));
        expect(hex(resumed.root())).toBe(hex(merkleTreeHash(suite, all)));
      }),
      { numRuns: 40 },
    );
  });

  it('holds the compact-range nodes of its size, and visits every completed node once', () => {
    const all = leaves(300);
    const range = CompactRange.empty(suite);
    const visited = new Map<string, string>();
    for (const leaf of all) {
      range.append(leaf, (level, index, hash) => {
        const key = `${level}/${index}`;
        expect(visited.has(key)).toBe(false);
        visited.set(key, hex(hash));
      });
    }
    for (const [key, hash] of visited) {
      const [level, index] = key.split('/');
      const { begin, end } = nodeRange({ level: Number(level), index: BigInt(index!) });
      expect(hash).toBe(hex(merkleTreeHash(suite, all, Number(begin), Number(end))));
    }
    // 300 leaves complete 300 + 150 + 75 + 37 + 18 + 9 + 4 + 2 + 1 nodes.
    expect(visited.size).toBe(596);
    const nodes: NodeId[] = compactRangeNodes(300n);
    expect(range.hashes().map(hex)).toEqual(nodes.map((n) => visited.get(`${n.level}/${n.index}`)));
  });

  it('rejects inconsistent restore input', () => {
    expect(() => CompactRange.from(suite, 3n, [new Uint8Array(32)])).toThrow(FormatError);
    expect(() => CompactRange.from(suite, 1n, [new Uint8Array(31)])).toThrow(FormatError);
    expect(() => CompactRange.from(suite, -1n, [])).toThrow(FormatError);
    expect(() => CompactRange.empty(suite).append(new Uint8Array(3))).toThrow(FormatError);
  });
});
