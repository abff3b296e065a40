/**
 * Opens the audit log the way the CLI and the server do: the database from the configuration
 * (migrated), keys derived from the root key (created on first start), the signer's state file
 * beside the keys.
 *
 * @module
 */
import type { ShimingConfig } from '../../config/config.ts';
import { deriveAuditHmacKey } from '../../crypto/hmac-key.ts';
import type { RootKeyProvider } from '../../crypto/root-key-provider.ts';
import { openRootKeyProvider } from '../../crypto/select-root-key-provider.ts';
import { deriveLogSigningKey } from '../../crypto/signing-key.ts';
import type { Migration } from '../../store/migration.types.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.types.ts';
import { type HashAlgorithm, hashSuite } from '../hash-suite.ts';
import { WitnessClient } from '../witness/witness-client.ts';
import { AuditLog, type AuditLogOptions } from './audit-log.ts';
import { LogStore } from './log-store.ts';
import { AUDIT_MIGRATIONS, type AuditTables } from './schema.ts';
import { FileSignerStateStore } from './signer-state-file.ts';

export interface OpenedAudit<DB extends AuditTables = AuditTables> {
  readonly store: Store<DB>;
  readonly keys: RootKeyProvider;
  readonly log: AuditLog;
  close(): Promise<void>;
}

/** The database only (for verifying, exporting, importing): no keys needed. */
export async function openAuditStore(config: ShimingConfig): Promise<Store<AuditTables>> {
  return openStore<AuditTables>(config.database, { migrations: AUDIT_MIGRATIONS });
}

/**
 * The log with its keys. An existing log keeps the origin and hash algorithm it was created with;
 * the configuration's only apply to a new one.
 */
export async function openAuditLog<DB extends AuditTables = AuditTables>(
  config: ShimingConfig,
  options: {
    readonly createKeys?: boolean;
    readonly log?: Partial<AuditLogOptions>;
    /** Every migration of the database (the server adds its layers'); default the audit log's. */
    readonly migrations?: readonly Migration[];
  } = {},
): Promise<OpenedAudit<DB>> {
  const store = await openStore<DB>(config.database, { migrations: options.migrations ?? AUDIT_MIGRATIONS });
  // The audit log sees only its own tables of the wider database.
  const auditStore = store as unknown as Store<AuditTables>;
  let keys: RootKeyProvider | undefined;
  try {
    keys = await openRootKeyProvider({
      file: config.keys.rootKeyFile,
      createFile: options.createKeys ?? true,
    });
    const existing = await new LogStore(auditStore.db, auditStore.dialect, 'main').readLog();
    const origin = existing?.origin ?? config.audit.origin;
    const algorithm = (existing?.hashAlgorithm ?? config.audit.hashAlgorithm) as HashAlgorithm;
    hashSuite(algorithm); // refuses an unknown algorithm found in the database
    const signing = await deriveLogSigningKey(keys, origin);
    const hmacKey = await deriveAuditHmacKey(keys, 'main', algorithm === 'sm3' ? 'gm' : 'intl');
    const log = await AuditLog.open({
      store: auditStore,
      origin,
      hashAlgorithm: algorithm,
      signingSeed: signing.seed(),
      signerState: new FileSignerStateStore(config.keys.signerStateFile),
      hmacKey,
      checkpointIntervalMs: config.audit.checkpointIntervalMs,
      witnesses: config.audit.witnesses.map((w) => new WitnessClient({ url: w.url, verifierKey: w.key })),
      witnessQuorum: config.audit.witnessQuorum,
      ...options.log,
    });
    const opened = keys;
    return {
      store,
      keys: opened,
      log,
      async close() {
        await log.close();
        await opened.close();
        await store.close();
      },
    };
  } catch (error) {
    await keys?.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
}
