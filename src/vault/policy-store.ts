/**
 * Each tenant's policy document, stored as JSON with a version that goes up by one per change, and
 * cached for `cacheMs` (a change made on another server applies here within that time; a change
 * made here applies at once).
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import { VaultError } from './errors.ts';
import { EMPTY_POLICY, type Policy, PolicyError, parsePolicy } from './policy.ts';
import type { VaultTables } from './schema.ts';

/** A tenant's policy and its version (0: the built-in {@link EMPTY_POLICY}, nothing allowed). */
export interface StoredPolicy {
  readonly version: number;
  readonly policy: Policy;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
}

/**
 * Checks a policy document; `INVALID_POLICY` naming its JSON path otherwise.
 * @throws VaultError `INVALID_POLICY`
 */
export function checkPolicy(document: unknown): Policy {
  try {
    return parsePolicy(document);
  } catch (error) {
    if (error instanceof PolicyError) {
      throw new VaultError('INVALID_POLICY', error.message, { field: error.field });
    }
    throw error;
  }
}

/** Stored policies with a short cache. */
export class PolicyStore {
  readonly #db: Kysely<VaultTables>;
  readonly #clock: () => Date;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { at: number; value: Promise<StoredPolicy> }>();

  constructor(db: Kysely<VaultTables>, clock: () => Date, cacheMs: number) {
    this.#db = db;
    this.#clock = clock;
    this.#cacheMs = cacheMs;
  }

  /** The tenant's policy (the empty one until an admin sets one). */
  get(tenant: string): Promise<StoredPolicy> {
    const now = this.#clock().getTime();
    const hit = this.#cache.get(tenant);
    if (hit !== undefined && now - hit.at < this.#cacheMs) return hit.value;
    const value = this.#read(tenant);
    const entry = { at: now, value };
    this.#cache.set(tenant, entry);
    value.catch(() => {
      if (this.#cache.get(tenant) === entry) this.#cache.delete(tenant);
    });
    return value;
  }

  async #read(tenant: string): Promise<StoredPolicy> {
    const row = await this.#db
      .selectFrom('vault_policies')
      .select(['version', 'document', 'updated_at', 'updated_by'])
      .where('tenant_id', '=', tenant)
      .executeTakeFirst();
    if (row === undefined) return { version: 0, policy: EMPTY_POLICY };
    return {
      version: row.version,
      // Stored documents were parsed on the way in; parsing again guards against edited rows.
      policy: checkPolicy(JSON.parse(row.document)),
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }

  /** Stores `policy` (already checked) as the tenant's next version. */
  async put(tenant: string, policy: Policy, by: string): Promise<StoredPolicy> {
    const now = this.#clock().toISOString();
    const document = JSON.stringify(policy);
    // One statement, so concurrent changes each get their own version.
    const row = await this.#db
      .insertInto('vault_policies')
      .values({ tenant_id: tenant, version: 1, document, updated_at: now, updated_by: by })
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet({
          version: sql`vault_policies.version + 1`,
          document,
          updated_at: now,
          updated_by: by,
        }),
      )
      .returning('version')
      .executeTakeFirstOrThrow();
    const stored: StoredPolicy = { version: Number(row.version), policy, updatedAt: now, updatedBy: by };
    this.#cache.set(tenant, { at: this.#clock().getTime(), value: Promise.resolve(stored) });
    return stored;
  }
}
