/**
 * `node bench/crypto.ts`: the vault's per-operation crypto costs, single-threaded.
 *
 * Measures, for 32-byte field values (an ID or phone number plus slack):
 * - field encrypt + decrypt through the envelope (`encryptField` / `decryptField`) per suite;
 * - the bare AEADs, and for `gm` the alternative we did not choose — native SM4-CTR + HMAC-SM3
 *   encrypt-then-MAC with HKDF-SM3-split keys — so docs/crypto.md can justify SM4-GCM with numbers;
 * - DEK unwrap and rewrap under a tenant KEK; blind index; FF1 tokens (ID and mobile).
 *
 * Options: --seconds 1 (per measurement), --repeats 3 (median reported), --json.
 * Prints a markdown table (paste into docs/crypto.md) and writes `bench/out/bench-crypto.json`.
 * @module
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  aeadSuite,
  decryptField,
  deriveBlindIndexKey,
  deriveFormatTokenKey,
  encryptField,
  InMemoryRootKeyProvider,
  Keyring,
  type Suite,
} from '../src/crypto/index.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const REPEATS = Number(args.repeats);

interface Result {
  name: string;
  /** Operations per second of CPU time used by this process (robust on a shared machine). */
  opsPerCpuSec: number;
  usPerOp: number;
  /** Operations per wall-clock second (what a caller waits; lower when other processes compete). */
  opsPerWallSec: number;
}

/**
 * Run `f` in batches for SECONDS, REPEATS times after a warm-up; report the median rate. Rates are
 * per CPU second (`process.cpuUsage`), so other processes on a shared machine distort them far
 * less than wall-clock rates; the wall-clock rate is kept alongside.
 */
function measure(name: string, f: () => unknown): Result {
  for (let i = 0; i < 2000; i++) f();
  const cpuRates: number[] = [];
  const wallRates: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    let n = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    let now = start;
    while (now - start < SECONDS * 1000) {
      for (let i = 0; i < 100; i++) f();
      n += 100;
      now = performance.now();
    }
    const cpu = process.cpuUsage(cpu0);
    cpuRates.push((n * 1e6) / (cpu.user + cpu.system));
    wallRates.push((n * 1000) / (now - start));
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const opsPerCpuSec = median(cpuRates);
  const result = { name, opsPerCpuSec, usPerOp: 1e6 / opsPerCpuSec, opsPerWallSec: median(wallRates) };
  if (!args.json)
    console.error(`${name.padEnd(58)} ${Math.round(opsPerCpuSec).toString().padStart(9)} ops/cpu-s`);
  return result;
}

/**
 * The gm construction we did not choose, for comparison only: SM4-CTR with a random 128-bit IV,
 * then HMAC-SM3 over (len(aad) ‖ aad ‖ iv ‖ ct), tag truncated to 16 bytes; keys split from the
 * 16-byte DEK by HKDF-SM3 once. `keyObjects` caches both as Node KeyObjects (its best case);
 * without, every call imports raw key bytes, as OpenSSL 3.5 does for a Buffer key.
 */
function sm4CtrHmacSm3(dek: Uint8Array, keyObjects: boolean) {
  const okm = Buffer.from(hkdfSync('sm3', dek, new Uint8Array(0), 'etm', 48));
  const encKey = keyObjects ? createSecretKey(okm.subarray(0, 16)) : okm.subarray(0, 16);
  const macKey = keyObjects ? createSecretKey(okm.subarray(16)) : okm.subarray(16);
  const mac = (aad: Uint8Array, iv: Uint8Array, ct: Uint8Array) => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64BE(BigInt(aad.length));
    return createHmac('sm3', macKey).update(len).update(aad).update(iv).update(ct).digest().subarray(0, 16);
  };
  return {
    encrypt(pt: Uint8Array, aad: Uint8Array): Uint8Array {
      const iv = randomBytes(16);
      const c = createCipheriv('sm4-ctr', encKey, iv);
      const ct = Buffer.concat([c.update(pt), c.final()]);
      return Buffer.concat([iv, ct, mac(aad, iv, ct)]);
    },
    decrypt(sealed: Uint8Array, aad: Uint8Array): Uint8Array {
      const iv = sealed.subarray(0, 16);
      const ct = sealed.subarray(16, sealed.length - 16);
      if (!timingSafeEqual(mac(aad, iv, ct), sealed.subarray(sealed.length - 16))) throw new Error('tag');
      const d = createDecipheriv('sm4-ctr', encKey, iv);
      return Buffer.concat([d.update(ct), d.final()]);
    },
  };
}

async function main(): Promise<void> {
  const root = new InMemoryRootKeyProvider(randomBytes(32), 'bench');
  const value = randomBytes(32);
  const aad = randomBytes(60); // about the size of a real field AAD (header + three ids)
  const ctx = {
    tenant: 'tenant-0001',
    subject: '0b6f1c2e-8f0a-4c7e-9d1e-5a3b2c1d0e9f',
    field: 'CN_RESIDENT_ID',
  };
  const results: Result[] = [];

  for (const suite of ['intl', 'gm'] as const satisfies readonly Suite[]) {
    const ring = new Keyring(root);
    await ring.createKek(ctx.tenant, 1, suite);
    ring.activateKek(ctx.tenant, 1);
    const dek = ring.generateDek(suite);
    const aead = aeadSuite(suite);
    const raw = new Uint8Array(aead.keyLength).fill(7);
    const input = suite === 'intl' ? createSecretKey(raw) : raw; // as AeadKey hands it over
    results.push(
      measure(`${suite}: ${aead.algorithm} encrypt + decrypt, 32 B (bare AEAD)`, () =>
        aead.decrypt(input, aead.encrypt(input, value, aad), aad),
      ),
    );
    if (suite === 'intl') {
      results.push(
        measure('intl: AES-256-GCM encrypt + decrypt, 32 B (raw key bytes, not a KeyObject)', () =>
          aead.decrypt(raw, aead.encrypt(raw, value, aad), aad),
        ),
      );
    }
    results.push(
      measure(`${suite}: field encrypt + decrypt, 32 B (envelope + AAD)`, () =>
        decryptField(ctx, encryptField(ctx, value, dek), dek),
      ),
    );
    const sealed = encryptField(ctx, value, dek);
    results.push(measure(`${suite}: field decrypt only, 32 B`, () => decryptField(ctx, sealed, dek)));
    if (suite === 'gm') {
      for (const keyObjects of [true, false]) {
        const etm = sm4CtrHmacSm3(raw, keyObjects);
        const how = keyObjects ? 'cached KeyObjects' : 'raw key bytes';
        results.push(
          measure(`gm alternative: SM4-CTR + HMAC-SM3 EtM encrypt + decrypt, 32 B (${how})`, () =>
            etm.decrypt(etm.encrypt(value, aad), aad),
          ),
        );
      }
    }
    const wrapped = ring.wrapDek(ctx.tenant, ctx.subject, dek);
    results.push(
      measure(`${suite}: DEK unwrap (KEK in memory)`, () =>
        ring.unwrapDek(ctx.tenant, ctx.subject, wrapped).destroy(),
      ),
    );
    await ring.createKek(ctx.tenant, 2, suite);
    results.push(
      measure(`${suite}: DEK rewrap to a new KEK version`, () =>
        ring.rewrapDek(ctx.tenant, ctx.subject, wrapped, 2),
      ),
    );
    const bidx = await deriveBlindIndexKey(root, {
      tenant: ctx.tenant,
      field: 'CN_RESIDENT_ID',
      version: 1,
      suite,
    });
    results.push(
      measure(`${suite}: blind index (HMAC-${suite === 'intl' ? 'SHA256' : 'SM3'}) of an ID`, () =>
        bidx.compute('11010519491231002X'),
      ),
    );
    await ring.close();
  }

  const tokens = await deriveFormatTokenKey(root, {
    tenant: ctx.tenant,
    field: 'CN_RESIDENT_ID',
    version: 1,
    suite: 'intl',
  });
  const idToken = tokens.tokenizeResidentId('11010519491231002X', 'partner-a');
  const mobileToken = tokens.tokenizeMobile('13812345678', 'partner-a');
  results.push(
    measure('FF1 token: resident ID (16 digits)', () =>
      tokens.tokenizeResidentId('11010519491231002X', 'partner-a'),
    ),
  );
  results.push(
    measure('FF1 detokenise: resident ID', () => tokens.detokenizeResidentId(idToken, 'partner-a')),
  );
  results.push(
    measure('FF1 token: mobile (10 digits)', () => tokens.tokenizeMobile('13812345678', 'partner-a')),
  );
  results.push(measure('FF1 detokenise: mobile', () => tokens.detokenizeMobile(mobileToken, 'partner-a')));
  await root.close();

  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const env = {
    node: process.version,
    openssl: process.versions.openssl,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadavg1: loadavg()[0] ?? 0,
    smCryptoV2: pkg.dependencies['sm-crypto-v2'],
    nobleCiphers: pkg.dependencies['@noble/ciphers'],
    seconds: SECONDS,
    repeats: REPEATS,
  };
  const outDir = join(fileURLToPath(new URL('.', import.meta.url)), 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench-crypto.json'), `${JSON.stringify({ env, results }, null, 2)}\n`);

  if (args.json) {
    console.log(JSON.stringify({ env, results }, null, 2));
    return;
  }
  console.log(
    `Node ${env.node}, OpenSSL ${env.openssl}, ${env.cpu} (${env.cores} cores), load ${env.loadavg1.toFixed(2)}; ` +
      `median of ${REPEATS} × ${SECONDS} s, one thread; rates per CPU second of this process.\n`,
  );
  const fmt = (n: number): string => Math.round(n).toLocaleString('en');
  console.log('| operation | ops per CPU-s | µs CPU/op | ops per wall-s |\n|---|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.name} | ${fmt(r.opsPerCpuSec)} | ${r.usPerOp.toFixed(1)} | ${fmt(r.opsPerWallSec)} |`);
  }
}

await main();
