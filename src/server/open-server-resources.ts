/**
 * What `shiming serve` and `shiming keys` open: the database with every layer's migrations, the
 * root key (its file created on first start), the audit log (with its witnesses) and the API keys.
 *
 * @module
 */

import type { AuditLog, AuditLogOptions } from '../audit/log/audit-log.ts';
import { openAuditLog } from '../audit/log/open-from-config.ts';
import { AUDIT_MIGRATIONS } from '../audit/log/schema.ts';
import type { ShimingConfig } from '../config/config.ts';
import type { RootKeyProvider } from '../crypto/root-key-provider.ts';
import type { Migration } from '../store/migration.types.ts';
import type { Store } from '../store/store.types.ts';
import type { ServerDatabase } from './app.types.ts';
import { ApiKeyHasher } from './auth/api-key-hasher.ts';
import { ApiKeys } from './auth/api-keys.ts';
import { SERVER_MIGRATIONS } from './auth/schema.ts';

/** Every migration the server knows, oldest first (layers append theirs). */
export const SERVER_DATABASE_MIGRATIONS: readonly Migration[] = [...AUDIT_MIGRATIONS, ...SERVER_MIGRATIONS];

export interface ServerResources {
  readonly store: Store<ServerDatabase>;
  readonly rootKey: RootKeyProvider;
  readonly auditLog: AuditLog;
  readonly keys: ApiKeys;
  /** Flushes the audit sequencer, forgets the root key, closes the database. */
  close(): Promise<void>;
}

export interface OpenServerOptions {
  /** Create the root key file if missing (default true). */
  readonly createKeys?: boolean;
  readonly clock?: () => Date;
  /** Audit log overrides (`checkpointIntervalMs: 0` for one-shot commands). */
  readonly log?: Partial<AuditLogOptions>;
}

/** Opens everything; on failure closes what was opened and rethrows. */
export async function openServerResources(
  config: ShimingConfig,
  options: OpenServerOptions = {},
): Promise<ServerResources> {
  const opened = await openAuditLog<ServerDatabase>(config, {
    createKeys: options.createKeys ?? true,
    migrations: SERVER_DATABASE_MIGRATIONS,
    log: { ...(options.clock === undefined ? {} : { clock: options.clock }), ...options.log },
  });
  try {
    const keys = new ApiKeys({
      db: opened.store.db,
      hasher: await ApiKeyHasher.fromRootKey(opened.keys),
      auditLog: opened.log,
      cacheMs: config.server.authCacheMs,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    return {
      store: opened.store,
      rootKey: opened.keys,
      auditLog: opened.log,
      keys,
      close: () => opened.close(),
    };
  } catch (error) {
    await opened.close().catch(() => {});
    throw error;
  }
}
