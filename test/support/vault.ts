/**
 * A vault on a fresh test database (SQLite, or PostgreSQL when configured; see databases.ts) with
 * a real audit log beside it, a settable clock, a test root key, and sample values of every PI
 * type of the catalogue.
 *
 * @example
 * ```ts
 * const t = await openVaultFixture('sqlite');
 * await t.vault.setPolicy(t.as('admin'), TEST_POLICY);
 * const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_MOBILE: '13812345678' } }]);
 * await t.close();
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEntry } from '../../src/audit/entry.ts';
import { hashSuite } from '../../src/audit/hash-suite.ts';
import { AuditLog } from '../../src/audit/log/audit-log.ts';
import { LogStore } from '../../src/audit/log/log-store.ts';
import { AUDIT_MIGRATIONS, type AuditTables } from '../../src/audit/log/schema.ts';
import { FileSignerStateStore } from '../../src/audit/log/signer-state-file.ts';
import { verifyLog } from '../../src/audit/log/verify-log.ts';
import { HmacKey } from '../../src/crypto/hmac-key.ts';
import { InMemoryRootKeyProvider } from '../../src/crypto/root-key-provider.ts';
import type { PiTypeId } from '../../src/pi/types.ts';
import type { Store, StoreDialect } from '../../src/store/index.ts';
import type { Migration } from '../../src/store/migration.types.ts';
import type { AccessContext, VaultAudit } from '../../src/vault/core.ts';
import type { Role } from '../../src/vault/policy.ts';
import { VAULT_MIGRATIONS, type VaultTables } from '../../src/vault/schema.ts';
import { Vault, type VaultOptions } from '../../src/vault/vault.ts';
import * as contacts from '../synth/contacts.ts';
import { mobile } from '../synth/contacts.ts';
import * as ids from '../synth/ids.ts';
import * as names from '../synth/names.ts';
import { mulberry32 } from '../synth/rng.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

const SEED = new Uint8Array(32).fill(5);
const ORIGIN = 'shiming.test/vault';

/** The purposes and rules most vault tests run under. */
export const TEST_POLICY = {
  version: 1,
  purposes: ['registration', 'customer-support', 'fraud-investigation', 'maintenance'],
  rules: [
    { roles: ['agent'], purposes: ['customer-support'], fields: ['*'], access: 'MASKED' },
    { roles: ['agent'], purposes: ['*'], fields: ['CN_BANK_CARD'], access: 'DENY' },
    {
      roles: ['investigator'],
      purposes: ['fraud-investigation'],
      operations: ['read', 'detokenize', 'lookup'],
      fields: ['*'],
      access: 'PLAIN',
    },
    {
      roles: ['registrar'],
      purposes: ['registration'],
      operations: ['lookup'],
      fields: ['CN_RESIDENT_ID', 'CN_MOBILE'],
      access: 'MASKED',
    },
  ],
} as const;

/** The purpose each role uses in tests. */
const PURPOSE: Readonly<Record<Role, string>> = {
  admin: 'policy-management',
  registrar: 'registration',
  agent: 'customer-support',
  investigator: 'fraud-investigation',
  auditor: 'maintenance',
};

/** A settable clock. */
export interface TestClock {
  (): Date;
  set(date: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start = '2026-03-01T08:00:00.000Z'): TestClock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (d) => {
    now = new Date(d).getTime();
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export interface VaultFixture {
  readonly vault: Vault;
  readonly auditLog: AuditLog;
  readonly store: Store<VaultTables & AuditTables>;
  readonly root: InMemoryRootKeyProvider;
  readonly clock: TestClock;
  readonly dialect: StoreDialect;
  /** A context of `role` in tenant `acme` (or `tenant`), with that role's test purpose. */
  as(role: Role, extra?: Partial<AccessContext>): AccessContext;
  /** Every audit entry so far, decoded. */
  entries(): Promise<ReturnType<typeof decodeEntry>[]>;
  /** Signs a checkpoint and verifies the whole log from the database with full replay. */
  verifyAudit(): Promise<bigint>;
  /** Opens a second vault on the same database (another server). */
  openAnother(options?: Partial<VaultOptions>): Promise<Vault>;
  close(): Promise<void>;
}

export interface VaultFixtureOptions {
  /** Wraps the real audit log (e.g. to make it fail). */
  readonly audit?: (log: AuditLog) => VaultAudit;
  readonly vault?: Partial<VaultOptions>;
  /** Migrations of layers above the vault (applied after its own). */
  readonly migrations?: readonly Migration[];
}

export async function openVaultFixture(
  dialect: StoreDialect,
  options: VaultFixtureOptions = {},
): Promise<VaultFixture> {
  const db: TestDatabase = await createTestDatabase(dialect);
  const dir = await mkdtemp(join(tmpdir(), 'shiming-vault-'));
  const store = await db.open<VaultTables & AuditTables>({
    migrations: [...AUDIT_MIGRATIONS, ...VAULT_MIGRATIONS, ...(options.migrations ?? [])],
  });
  const clock = testClock();
  const root = new InMemoryRootKeyProvider(new Uint8Array(32).fill(42), 'test');
  const auditLog = await AuditLog.open({
    store: store as unknown as Store<AuditTables>,
    origin: ORIGIN,
    signingSeed: SEED,
    signerState: new FileSignerStateStore(join(dir, 'signer-state.json')),
    hmacKey: new HmacKey('intl', new Uint8Array(32).fill(9)),
    checkpointIntervalMs: 0,
    clock,
  });
  const audit = options.audit?.(auditLog) ?? auditLog;
  const open = (extra: Partial<VaultOptions> = {}) =>
    Vault.open({
      store: store as unknown as Store<VaultTables>,
      rootKey: root,
      audit,
      clock,
      kekRefreshMs: 0,
      retireGraceMs: 0,
      ...options.vault,
      ...extra,
    });
  const vault = await open();
  const others: Vault[] = [];
  return {
    vault,
    auditLog,
    store,
    root,
    clock,
    dialect,
    as: (role, extra = {}) => ({
      tenant: 'acme',
      actor: `key_${role}0000000000`,
      role,
      purpose: PURPOSE[role],
      ...extra,
    }),
    async entries() {
      return (await auditLog.entries(0n, auditLog.size)).map((e) => decodeEntry(e));
    },
    async verifyAudit() {
      await auditLog.checkpoint();
      const logStore = new LogStore(store.db as never, store.dialect, 'main');
      const result = await verifyLog({
        source: logStore.asSource(),
        suite: hashSuite('sha256'),
        logKey: auditLog.verifierKey,
        replay: true,
      });
      return result.entriesChecked;
    },
    async openAnother(extra) {
      const v = await open(extra);
      others.push(v);
      return v;
    },
    async close() {
      for (const v of others) await v.close();
      await vault.close();
      await auditLog.close();
      await root.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One valid sample value of every PI type of the catalogue (the same on every run). */
export function samples(seed = 1): Record<PiTypeId, string> {
  const rng = mulberry32(seed);
  return {
    CN_RESIDENT_ID: ids.residentId(rng),
    CN_MOBILE: mobile(rng, { format: 'plain' }),
    CN_LANDLINE: contacts.landline(rng, { extension: false }),
    CN_BANK_CARD: contacts.bankCard(rng, { grouped: false }),
    CN_PASSPORT: ids.passport(rng),
    CN_HMT_PERMIT: ids.hmtPermit(rng),
    HK_ID: ids.hkId(rng),
    MO_ID: ids.moId(rng),
    TW_ID: ids.twId(rng),
    CN_FOREIGNER_PR_ID: ids.foreignerPrId(rng),
    CN_USCC: ids.uscc(rng),
    CN_LICENSE_PLATE: contacts.plate(rng, { kind: 'ordinary' }),
    CN_NAME: names.name(rng),
    CN_ADDRESS: names.address(rng),
    BIRTH_DATE: ids.birthDate(rng),
    EMAIL: contacts.email(rng),
    IP_ADDRESS: contacts.ipv4(rng, { scope: 'public' }),
    IMEI: contacts.imei(rng),
    MAC_ADDRESS: contacts.mac(rng),
  };
}
