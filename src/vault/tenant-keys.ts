/**
 * A tenant's keys as the vault uses them: its KEK versions (stored wrapped in `vault_keks`, held
 * unwrapped by the {@link Keyring}), new DEKs wrapped under the active version, and the
 * root-derived keys of blind indexes and tokens.
 *
 * - A tenant's first KEK is created on its first use. Several servers may race to create it: the
 *   primary key picks one, and a loser forgets its own and loads the stored one.
 * - Servers re-read the KEK rows every `refreshMs`, so a rotation made on one server reaches the
 *   others (and `KEK_NOT_LOADED` on unwrap triggers a re-read at once).
 * - Derived keys use the suite of the tenant's *first* KEK version: blind indexes and tokens must
 *   not change when a later rotation moves the tenant to another suite.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { AeadKey } from '../crypto/aead-key.ts';
import { type BlindIndexKey, deriveBlindIndexKey } from '../crypto/blind-index.ts';
import { isCryptoError } from '../crypto/errors.ts';
import { deriveFormatTokenKey, type FormatTokenKey } from '../crypto/format-token.ts';
import type { WrappedKey } from '../crypto/key-wrap.ts';
import type { Keyring } from '../crypto/keyring.ts';
import type { RootKeyProvider } from '../crypto/root-key-provider.ts';
import { isSuite, type Suite } from '../crypto/suite.ts';
import type { VaultTables } from './schema.ts';

/** What the vault knows of a tenant's KEKs. */
export interface TenantState {
  /** KEK version new DEKs are wrapped under. */
  readonly active: number;
  /** Suite of the active KEK: new DEKs use it. */
  readonly suite: Suite;
  /** Suite of derived keys (blind indexes, tokens): the first KEK's, fixed for life. */
  readonly indexSuite: Suite;
  /** Versions still able to unwrap (active and retiring). */
  readonly live: readonly number[];
}

export interface TenantKeysOptions {
  readonly db: Kysely<VaultTables>;
  readonly root: RootKeyProvider;
  readonly keyring: Keyring;
  /** Suite of a new tenant's first KEK. */
  readonly suite: Suite;
  readonly clock: () => Date;
  /** Re-read KEK rows this often (ms). */
  readonly refreshMs: number;
}

/** Blind-index key names of the vault's own HMACs (not PI fields): see docs/vault.md. */
const TOKEN_HASH_FIELD = 'vault.token-hash';
const deterministicField = (field: string) => `${field}.token`;

interface Cached {
  readonly at: number;
  readonly state: Promise<TenantState>;
}

/** KEK state per tenant, DEK wrapping, and derived keys (cached). */
export class TenantKeys {
  readonly #o: TenantKeysOptions;
  readonly #states = new Map<string, Cached>();
  readonly #derived = new Map<string, Promise<BlindIndexKey | FormatTokenKey>>();

  constructor(options: TenantKeysOptions) {
    this.#o = options;
  }

  get keyring(): Keyring {
    return this.#o.keyring;
  }

  /** The tenant's KEK state, creating its first KEK if it has none; `fresh` forces a re-read. */
  state(tenant: string, fresh = false): Promise<TenantState> {
    const now = this.#o.clock().getTime();
    const cached = this.#states.get(tenant);
    if (cached !== undefined && !fresh && now - cached.at < this.#o.refreshMs) return cached.state;
    const state = this.#load(tenant);
    const entry = { at: now, state };
    this.#states.set(tenant, entry);
    // A failed load is not cached: the next call tries again.
    state.catch(() => {
      if (this.#states.get(tenant) === entry) this.#states.delete(tenant);
    });
    return state;
  }

  async #load(tenant: string): Promise<TenantState> {
    const { db, keyring } = this.#o;
    const select = () =>
      db
        .selectFrom('vault_keks')
        .select(['version', 'suite', 'wrapped', 'state'])
        .where('tenant_id', '=', tenant)
        .orderBy('version')
        .execute();
    let rows = await select();
    if (rows.length === 0) {
      await this.#createFirst(tenant);
      rows = await select();
    }
    const loaded = new Set(keyring.loadedKekVersions(tenant));
    const live: number[] = [];
    let active: { version: number; suite: Suite } | undefined;
    for (const row of rows) {
      if (!isSuite(row.suite))
        throw new Error(`vault_keks holds an unknown suite for version ${row.version}`);
      if (row.state === 'retired' || row.wrapped === null) {
        if (loaded.has(row.version) && keyring.activeKekVersion(tenant) !== row.version) {
          keyring.unloadKek(tenant, row.version);
        }
        continue;
      }
      if (!loaded.has(row.version)) await keyring.loadKek(tenant, row.wrapped);
      live.push(row.version);
      if (row.state === 'active') active = { version: row.version, suite: row.suite };
    }
    if (active === undefined) throw new Error('this tenant has no active KEK');
    keyring.activateKek(tenant, active.version);
    const first = rows[0]!;
    return { active: active.version, suite: active.suite, indexSuite: first.suite as Suite, live };
  }

  async #createFirst(tenant: string): Promise<void> {
    const { db, keyring } = this.#o;
    const wrapped = await keyring.createKek(tenant, 1, this.#o.suite);
    const inserted = await db
      .insertInto('vault_keks')
      .values(kekRow(tenant, wrapped, this.#o.clock()))
      .onConflict((oc) => oc.columns(['tenant_id', 'version']).doNothing())
      .executeTakeFirst();
    // Another server created it first: forget ours, the caller loads the stored one.
    if (inserted.numInsertedOrUpdatedRows === 0n) keyring.unloadKek(tenant, 1);
  }

  /** A fresh DEK for `subject`, and its wrapped form under the tenant's active KEK. */
  async newDek(tenant: string, subject: string): Promise<{ dek: AeadKey; wrapped: WrappedKey }> {
    const state = await this.state(tenant);
    const dek = this.#o.keyring.generateDek(state.suite);
    try {
      return { dek, wrapped: this.#o.keyring.wrapDek(tenant, subject, dek) };
    } catch (error) {
      dek.destroy();
      throw error;
    }
  }

  /** `subject`'s DEK; re-reads the KEKs once if it is wrapped under a version not loaded here. */
  async unwrap(tenant: string, subject: string, wrapped: Uint8Array): Promise<AeadKey> {
    await this.state(tenant);
    try {
      return this.#o.keyring.unwrapDek(tenant, subject, wrapped);
    } catch (error) {
      if (!isCryptoError(error, 'KEK_NOT_LOADED')) throw error;
      await this.state(tenant, true);
      return this.#o.keyring.unwrapDek(tenant, subject, wrapped);
    }
  }

  #derive<K extends BlindIndexKey | FormatTokenKey>(
    name: string,
    make: (suite: Suite) => Promise<K>,
    tenant: string,
  ): Promise<K> {
    const key = `${name}\u0000${tenant}`;
    let derived = this.#derived.get(key) as Promise<K> | undefined;
    if (derived === undefined) {
      derived = this.state(tenant).then((s) => make(s.indexSuite));
      this.#derived.set(key, derived);
      derived.catch(() => this.#derived.delete(key));
    }
    return derived;
  }

  /** The blind-index key of (tenant, field), version 1. */
  blindIndex(tenant: string, field: string): Promise<BlindIndexKey> {
    return this.#derive(
      `bidx/${field}`,
      (suite) => deriveBlindIndexKey(this.#o.root, { tenant, field, version: 1, suite }),
      tenant,
    );
  }

  /** The key of the HMAC under which tokens are stored (`token_hash`). */
  tokenHash(tenant: string): Promise<BlindIndexKey> {
    return this.blindIndex(tenant, TOKEN_HASH_FIELD);
  }

  /** The key of deterministic tokens of (tenant, field). */
  deterministic(tenant: string, field: string): Promise<BlindIndexKey> {
    return this.blindIndex(tenant, deterministicField(field));
  }

  /** The FF1 key of format tokens of (tenant, field), version 1. */
  formatToken(tenant: string, field: string): Promise<FormatTokenKey> {
    return this.#derive(
      `ff1/${field}`,
      (suite) => deriveFormatTokenKey(this.#o.root, { tenant, field, version: 1, suite }),
      tenant,
    );
  }

  /** Forget cached state (after a rotation here, or in tests). */
  invalidate(tenant: string): void {
    this.#states.delete(tenant);
  }

  /** Zero derived FF1 keys (KEKs are the keyring's). */
  async close(): Promise<void> {
    for (const derived of this.#derived.values()) {
      const key = await derived.catch(() => undefined);
      if (key !== undefined && 'destroy' in key) key.destroy();
    }
    this.#derived.clear();
    this.#states.clear();
  }
}

/** The row of a newly created KEK (active). */
export function kekRow(tenant: string, wrapped: WrappedKey, now: Date) {
  return {
    tenant_id: tenant,
    version: wrapped.version,
    suite: wrapped.suite,
    wrapped: wrapped.bytes,
    state: 'active' as const,
    created_at: now.toISOString(),
    retired_at: null,
  };
}
