/**
 * Service policies in the database, one per (tenant, service), versioned, cached briefly so a
 * registration does not re-read and re-parse its policy (a change on another server applies here
 * within the cache time).
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { RealnameError } from './errors.ts';
import { parseServicePolicy } from './policy.ts';
import type { ServicePolicy } from './policy.types.ts';
import type { RealnameTables } from './schema.ts';

export interface StoredServicePolicy {
  readonly policy: ServicePolicy;
  readonly version: number;
  readonly updatedAt: string;
}

export class PolicyStore {
  readonly #db: Kysely<RealnameTables>;
  readonly #clock: () => Date;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { at: number; value: StoredServicePolicy }>();

  constructor(db: Kysely<RealnameTables>, clock: () => Date, cacheMs = 5000) {
    this.#db = db;
    this.#clock = clock;
    this.#cacheMs = cacheMs;
  }

  /**
   * The policy of `service` in `tenant`.
   * @throws RealnameError `POLICY_NOT_FOUND`
   */
  async get(tenant: string, service: string): Promise<StoredServicePolicy> {
    const key = `${tenant}\u0000${service}`;
    const now = this.#clock().getTime();
    const hit = this.#cache.get(key);
    if (hit !== undefined && now - hit.at < this.#cacheMs) return hit.value;
    const row = await this.#db
      .selectFrom('realname_policies')
      .select(['document', 'version', 'updated_at'])
      .where('tenant_id', '=', tenant)
      .where('service', '=', service)
      .executeTakeFirst();
    if (row === undefined) {
      throw new RealnameError('POLICY_NOT_FOUND', 'no policy for this service in this tenant', {
        field: 'service',
      });
    }
    const value = {
      policy: parseServicePolicy(JSON.parse(row.document)),
      version: row.version,
      updatedAt: row.updated_at,
    };
    this.#cache.set(key, { at: now, value });
    return value;
  }

  /** Every service policy of `tenant`, by service id. */
  async list(tenant: string): Promise<StoredServicePolicy[]> {
    const rows = await this.#db
      .selectFrom('realname_policies')
      .select(['document', 'version', 'updated_at'])
      .where('tenant_id', '=', tenant)
      .orderBy('service')
      .execute();
    return rows.map((row) => ({
      policy: parseServicePolicy(JSON.parse(row.document)),
      version: row.version,
      updatedAt: row.updated_at,
    }));
  }

  /** Stores `policy` (already parsed) as the next version of its service. */
  async put(tenant: string, policy: ServicePolicy, actor: string): Promise<StoredServicePolicy> {
    const at = this.#clock().toISOString();
    const document = JSON.stringify(policy);
    const version = await this.#db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('realname_policies')
        .select('version')
        .where('tenant_id', '=', tenant)
        .where('service', '=', policy.service)
        .executeTakeFirst();
      const next = (current?.version ?? 0) + 1;
      if (current === undefined) {
        await trx
          .insertInto('realname_policies')
          .values({
            tenant_id: tenant,
            service: policy.service,
            version: next,
            document,
            updated_at: at,
            updated_by: actor,
          })
          .execute();
      } else {
        await trx
          .updateTable('realname_policies')
          .set({ version: next, document, updated_at: at, updated_by: actor })
          .where('tenant_id', '=', tenant)
          .where('service', '=', policy.service)
          .where('version', '=', current.version)
          .execute();
      }
      return next;
    });
    const value = { policy, version, updatedAt: at };
    this.#cache.set(`${tenant}\u0000${policy.service}`, { at: this.#clock().getTime(), value });
    return value;
  }
}
