/**
 * `node bench/audit-core.ts`: throughput of the audit-log core (src/audit), no database.
 *
 * Measures, on one thread: leaf and node hashes, appends through the tiled tree (leaf hash +
 * compact-range merges + tile writes, flushed every `--batch` entries), proof generation from
 * in-memory tiles, inclusion and consistency proof verification in a tree of `--size` leaves, and
 * Ed25519 checkpoint signing / opening. Then proof verification on `--workers` worker threads, the
 * figure to hold against the "≥ 50,000 verifications/s on 2 cores" target.
 *
 * Flags: `--size` (tree size, default 1,048,576), `--seconds` (per measurement, default 2),
 * `--batch` (default 1000), `--workers` (default 2), `--json` (print JSON only).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  BatchInclusionVerifier,
  CompactRange,
  consistencyProof,
  formatCheckpoint,
  generateNoteKey,
  hashSuite,
  inclusionProof,
  noteSigner,
  noteVerifier,
  openNote,
  rootAt,
  signNote,
  TreeAppender,
  tileHashReader,
  verifyConsistency,
  verifyInclusion,
} from '../src/audit/index.ts';
import { checkFlags, fmt, machine, mdTable, num, parseFlags, runMain } from './lib/cli.ts';

const suite = hashSuite('sha256');

/** Runs `op` repeatedly for about `seconds`; returns operations per second. */
function rate(seconds: number, op: (i: number) => void): number {
  for (let i = 0; i < 2000; i++) op(i); // warm-up
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let k = 0; k < 500; k++) op(n++);
  }
  return n / ((performance.now() - start) / 1000);
}

async function rateAsync(seconds: number, op: (i: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < 200; i++) await op(i);
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let k = 0; k < 50; k++) await op(n++);
  }
  return n / ((performance.now() - start) / 1000);
}

/** ~300 bytes, the size of a canonical-JSON audit entry. */
const entryOf = (i: number) =>
  Buffer.from(
    `{"action":"subject.read","actor":"key_${i.toString(36).padStart(12, '0')}","count":1,` +
      `"fields":["CN_MOBILE","CN_NAME"],"outcome":"ok","purpose":"kyc.review","request":"req_${i}",` +
      `"role":"reviewer","subject":"hmac-sha256:${'ab'.repeat(32)}","tenant":"t42","time":"2026-11-28T09:30:00.000Z","v":1}`,
  );

type Kind = 'inclusion' | 'consistency' | 'batch-random' | 'batch-sequential';

interface Proofs {
  size: string;
  root: Uint8Array;
  inclusion: { index: string; leaf: Uint8Array; proof: Uint8Array[] }[];
  /** Proofs for consecutive entries, as a regulator checking a range gets them. */
  sequential: { index: string; leaf: Uint8Array; proof: Uint8Array[] }[];
  consistency: { size1: string; root1: Uint8Array; proof: Uint8Array[] }[];
}

/** Verification loop, shared by the main thread and the workers. */
function verifyLoop(p: Proofs, seconds: number, kind: Kind): number {
  const size = BigInt(p.size);
  if (kind === 'batch-random' || kind === 'batch-sequential') {
    // A fresh verifier per pass over the proofs, so its cache never holds every answer.
    const list = kind === 'batch-random' ? p.inclusion : p.sequential;
    const items = list.map((x) => ({ ...x, index: BigInt(x.index) }));
    let batch = new BatchInclusionVerifier(suite, size, p.root);
    return rate(seconds, (i) => {
      if (i % items.length === 0) batch = new BatchInclusionVerifier(suite, size, p.root);
      const x = items[i % items.length]!;
      batch.verify(x.index, x.leaf, x.proof);
    });
  }
  if (kind === 'inclusion') {
    const items = p.inclusion.map((x) => ({ ...x, index: BigInt(x.index) }));
    return rate(seconds, (i) => {
      const x = items[i % items.length]!;
      verifyInclusion(suite, x.index, size, x.leaf, x.proof, p.root);
    });
  }
  const items = p.consistency.map((x) => ({ ...x, size1: BigInt(x.size1) }));
  return rate(seconds, (i) => {
    const x = items[i % items.length]!;
    verifyConsistency(suite, x.size1, size, x.proof, x.root1, p.root);
  });
}

async function inWorkers(workers: number, proofs: Proofs, seconds: number, kind: Kind): Promise<number> {
  const url = new URL(import.meta.url);
  const rates = await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(url, { workerData: { proofs, seconds, kind } });
          w.once('message', (r: number) => resolve(r));
          w.once('error', reject);
        }),
    ),
  );
  return rates.reduce((a, b) => a + b, 0);
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), ['json']);
  checkFlags(flags, ['size', 'seconds', 'batch', 'workers', 'json']);
  const size = num(flags, 'size', 1_048_576);
  const seconds = num(flags, 'seconds', 2);
  const batch = num(flags, 'batch', 1000);
  const workers = num(flags, 'workers', 2);
  const results: [string, number][] = [];
  const log = (name: string, r: number) => {
    results.push([name, r]);
    if (!flags.json) console.error(`${name}: ${Math.round(r).toLocaleString('en')}/s`);
  };

  const entries = Array.from({ length: 4096 }, (_, i) => entryOf(i));
  const a = suite.leafHash(entries[0]!);
  const b = suite.leafHash(entries[1]!);
  log(
    'leaf hash (300-byte entry)',
    rate(seconds, (i) => suite.leafHash(entries[i % 4096]!)),
  );
  log(
    'node hash',
    rate(seconds, () => suite.nodeHash(a, b)),
  );
  const range = CompactRange.empty(suite);
  const leaves = entries.map((e) => suite.leafHash(e));
  log(
    'compact-range append (leaf hash given)',
    rate(seconds, (i) => range.append(leaves[i % 4096]!)),
  );
  const appender = TreeAppender.empty(suite);
  log(
    `tiled append incl. leaf hash, flush every ${batch}`,
    rate(seconds, (i) => {
      appender.appendEntry(entries[i % 4096]!);
      if (i % batch === batch - 1) appender.flush();
    }),
  );

  // A tree of `size` leaves, kept as tiles, for proof generation and verification.
  const tree = TreeAppender.empty(suite);
  for (let i = 0; i < size; i++) tree.appendLeafHash(leafAt(i));
  const tiles = new Map(tree.flush().map((t) => [`${t.level}/${t.index}`, t.hashes]));
  const n = BigInt(size);
  const reader = tileHashReader(suite, n, async (ids) =>
    ids.map((id) => tiles.get(`${id.level}/${id.index}`)),
  );
  const root = tree.root();
  const pick = () => BigInt(randomBytes(6).readUIntBE(0, 6) % size);
  log(
    `inclusion proof generation from tiles (size ${size})`,
    await rateAsync(seconds, async () => {
      await inclusionProof(suite, pick(), n, reader);
    }),
  );
  const proofs: Proofs = { size: n.toString(), root, inclusion: [], sequential: [], consistency: [] };
  const roots = new Map<bigint, Uint8Array>();
  for (let k = 0; k < 1000; k++) {
    const index = pick();
    proofs.inclusion.push({
      index: index.toString(),
      leaf: leafAt(Number(index)),
      proof: await inclusionProof(suite, index, n, reader),
    });
  }
  const first = pick() % (n - 5000n > 0n ? n - 5000n : 1n);
  for (let index = first; index < first + 5000n && index < n; index++) {
    proofs.sequential.push({
      index: index.toString(),
      leaf: leafAt(Number(index)),
      proof: await inclusionProof(suite, index, n, reader),
    });
  }
  for (let k = 0; k < 200; k++) {
    const m = pick() + 1n;
    const r = roots.get(m) ?? (await rootOf(m));
    roots.set(m, r);
    proofs.consistency.push({
      size1: m.toString(),
      root1: r,
      proof: await consistencyProof(suite, m, n, reader),
    });
  }
  const avg = (xs: { proof: Uint8Array[] }[]) => fmt(xs.reduce((s, x) => s + x.proof.length, 0) / xs.length);
  log(
    `inclusion verification, 1 thread (size ${size}, ${avg(proofs.inclusion)} hashes/proof)`,
    verifyLoop(proofs, seconds, 'inclusion'),
  );
  log(
    `consistency verification, 1 thread (${avg(proofs.consistency)} hashes/proof)`,
    verifyLoop(proofs, seconds, 'consistency'),
  );
  log(
    `inclusion verification, ${workers} worker threads`,
    await inWorkers(workers, proofs, seconds, 'inclusion'),
  );
  log(
    `consistency verification, ${workers} worker threads`,
    await inWorkers(workers, proofs, seconds, 'consistency'),
  );
  log(
    `inclusion verification, 1 thread, BatchInclusionVerifier, ${proofs.inclusion.length} random entries`,
    verifyLoop(proofs, seconds, 'batch-random'),
  );
  log(
    `inclusion verification, 1 thread, BatchInclusionVerifier, ${proofs.sequential.length} consecutive entries`,
    verifyLoop(proofs, seconds, 'batch-sequential'),
  );

  const key = generateNoteKey('example.cn/pi-audit/bench');
  const body = formatCheckpoint({ origin: 'example.cn/pi-audit/bench', size: n, root, extensions: [] });
  const signer = noteSigner(key.skey);
  const verifier = noteVerifier(key.vkey);
  const note = await signNote(body, [signer]);
  log(
    'checkpoint sign (Ed25519 note)',
    await rateAsync(seconds, async () => void (await signNote(body, [signer]))),
  );
  log(
    'checkpoint open (parse + Ed25519 verify)',
    rate(seconds, () => openNote(note, [verifier])),
  );

  const info = machine();
  if (flags.json) {
    console.log(JSON.stringify({ machine: info, size, results: Object.fromEntries(results) }, null, 2));
  } else {
    console.log(`${info.cpu}, ${info.cores} cores, Node ${info.node}\n`);
    console.log(
      mdTable(
        ['operation', 'ops/s'],
        results.map(([k, v]) => [k, Math.round(v).toLocaleString('en')]),
      ),
    );
  }
  return 0;

  function leafAt(i: number): Uint8Array {
    return leaves[i % 4096]!;
  }
  function rootOf(m: bigint): Promise<Uint8Array> {
    return rootAt(
      suite,
      m,
      tileHashReader(suite, m, async (ids) => ids.map((id) => tiles.get(`${id.level}/${id.index}`))),
    );
  }
}

if (isMainThread) {
  runMain(main);
} else {
  const { proofs, seconds, kind } = workerData as {
    proofs: Proofs;
    seconds: number;
    kind: 'inclusion' | 'consistency';
  };
  parentPort!.postMessage(verifyLoop(proofs, seconds, kind));
}
