/**
 * What `shiming serve` and `shiming keys` open: the database with every layer's migrations, the
 * root key (its file created on first start), the audit log (with its witnesses), the API keys,
 * and the vault (its policy file applied, its background jobs — rewrap, prune — started).
 *
 * @module
 */

import type { AuditLog, AuditLogOptions } from '../audit/log/audit-log.ts';
import { openAuditLog } from '../audit/log/open-from-config.ts';
import { AUDIT_MIGRATIONS } from '../audit/log/schema.ts';
import type { ShimingConfig } from '../config/config.ts';
import type { RootKeyProvider } from '../crypto/root-key-provider.ts';
import { applyPolicyDirectory, startEnforcement, verifierFromConfig } from '../realname/open-from-config.ts';
import { Realname } from '../realname/realname.ts';
import { REALNAME_MIGRATIONS, type RealnameTables } from '../realname/schema.ts';
import type { Migration } from '../store/migration.types.ts';
import type { Store } from '../store/store.types.ts';
import { startVaultJobs, type VaultJobsOptions } from '../vault/jobs.ts';
import { applyPolicyFile } from '../vault/policy-file.ts';
import { VAULT_MIGRATIONS, type VaultTables } from '../vault/schema.ts';
import { Vault } from '../vault/vault.ts';
import type { ServerDatabase } from './app.types.ts';
import { ApiKeyHasher } from './auth/api-key-hasher.ts';
import { ApiKeys } from './auth/api-keys.ts';
import { SERVER_MIGRATIONS } from './auth/schema.ts';

/** Every migration the server knows, oldest first (layers append theirs). */
export const SERVER_DATABASE_MIGRATIONS: readonly Migration[] = [
  ...AUDIT_MIGRATIONS,
  ...SERVER_MIGRATIONS,
  ...VAULT_MIGRATIONS,
  ...REALNAME_MIGRATIONS,
];

export interface ServerResources {
  readonly store: Store<ServerDatabase>;
  readonly rootKey: RootKeyProvider;
  readonly auditLog: AuditLog;
  readonly keys: ApiKeys;
  readonly vault: Vault;
  /** Real-name registration: service policies, accounts, verification, enforcement. */
  readonly realname: Realname;
  /** Flushes the audit sequencer, forgets the root key, closes the database. */
  close(): Promise<void>;
}

export interface OpenServerOptions {
  /** Create the root key file if missing (default true). */
  readonly createKeys?: boolean;
  readonly clock?: () => Date;
  /** Audit log overrides (`checkpointIntervalMs: 0` for one-shot commands). */
  readonly log?: Partial<AuditLogOptions>;
  /** The vault's background jobs (default on, with their default intervals); `false`: none. */
  readonly vaultJobs?: VaultJobsOptions | false;
  /** Run the enforcement job on the configured interval (default true; `shiming enforce` says false). */
  readonly enforcement?: boolean;
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
  let vault: Vault | undefined;
  try {
    // The first PI read must not wait for the audit writer thread to start.
    await opened.log.warm();
    const keys = new ApiKeys({
      db: opened.store.db,
      hasher: await ApiKeyHasher.fromRootKey(opened.keys),
      auditLog: opened.log,
      cacheMs: config.server.authCacheMs,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    vault = await Vault.open({
      store: opened.store as unknown as Store<VaultTables>,
      rootKey: opened.keys,
      audit: opened.log,
      suite: config.vault.suite,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    if (config.vault.policyFile !== undefined) await applyPolicyFile(vault, config.vault.policyFile);
    const jobs = options.vaultJobs === false ? undefined : startVaultJobs(vault, options.vaultJobs);
    const openedVault = vault;
    const realname = await Realname.open({
      store: opened.store as unknown as Store<RealnameTables>,
      vault,
      audit: opened.log,
      rootKey: opened.keys,
      suite: config.vault.suite,
      verifier: verifierFromConfig(config.realname, options.clock),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    if (config.realname.policyDir !== undefined) {
      await applyPolicyDirectory(
        realname,
        {
          tenant: config.server.bootstrapTenant,
          actor: 'system:policy-dir',
          role: 'admin',
          purpose: 'policy-management',
        },
        config.realname.policyDir,
      );
    }
    const stopEnforcement =
      options.enforcement === false
        ? async () => {}
        : startEnforcement(realname, config.realname.enforceIntervalMs);
    return {
      store: opened.store,
      rootKey: opened.keys,
      auditLog: opened.log,
      keys,
      vault: openedVault,
      realname,
      async close() {
        await stopEnforcement();
        await jobs?.stop();
        await openedVault.close();
        await opened.close();
      },
    };
  } catch (error) {
    await vault?.close().catch(() => {});
    await opened.close().catch(() => {});
    throw error;
  }
}
