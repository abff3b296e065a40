/**
 * The `api_keys` rows: insert, look up by id, list, revoke. No hashing and no rules here.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { withRetry } from '../../store/with-retry.ts';
import type { ServerTables } from './schema.ts';

/** A key as stored, without its hash. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly tenant: string;
  readonly role: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** A row with its hash, for verification. */
export interface StoredApiKey extends ApiKeyRecord {
  readonly hash: Uint8Array;
}

type Row = ServerTables['api_keys'];

function toRecord(row: Omit<Row, 'hash'>): ApiKeyRecord {
  return {
    id: row.key_id,
    tenant: row.tenant_id,
    role: row.role,
    name: row.name,
    createdAt: row.created_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}

const COLUMNS = ['tenant_id', 'key_id', 'role', 'name', 'created_at', 'revoked_at'] as const;

/** Queries on `api_keys`. Every write is retried on serialization failures (store's withRetry). */
export class ApiKeyStore {
  readonly #db: Kysely<ServerTables>;

  constructor(db: Kysely<ServerTables>) {
    this.#db = db;
  }

  async insert(key: StoredApiKey): Promise<void> {
    await withRetry(() =>
      this.#db
        .insertInto('api_keys')
        .values({
          tenant_id: key.tenant,
          key_id: key.id,
          role: key.role,
          name: key.name,
          hash: key.hash,
          created_at: key.createdAt,
          revoked_at: key.revokedAt ?? null,
        })
        .execute(),
    );
  }

  /** Removes a row that was just inserted (only when its creation could not be audited). */
  async remove(tenant: string, id: string): Promise<void> {
    await withRetry(() =>
      this.#db.deleteFrom('api_keys').where('tenant_id', '=', tenant).where('key_id', '=', id).execute(),
    );
  }

  /** The row of key `id`; `undefined` if there is none — or more than one (fail closed). */
  async byId(id: string): Promise<StoredApiKey | undefined> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .select([...COLUMNS, 'hash'])
      .where('key_id', '=', id)
      .limit(2)
      .execute();
    if (rows.length !== 1) return undefined;
    const row = rows[0]!;
    return { ...toRecord(row), hash: new Uint8Array(row.hash) };
  }

  /** Keys of `tenant` (every tenant when undefined), oldest first. */
  async list(tenant?: string): Promise<ApiKeyRecord[]> {
    let query = this.#db.selectFrom('api_keys').select(COLUMNS);
    if (tenant !== undefined) query = query.where('tenant_id', '=', tenant);
    const rows = await query.orderBy('created_at').orderBy('key_id').execute();
    return rows.map(toRecord);
  }

  /** How many keys exist, revoked ones included. */
  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Marks key `id` revoked at `at` unless it already is; returns the row afterwards, or
   * `undefined` if no such key (in `tenant`, when given).
   */
  async revoke(id: string, at: string, tenant?: string): Promise<ApiKeyRecord | undefined> {
    return withRetry(async () => {
      let update = this.#db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('key_id', '=', id)
        .where('revoked_at', 'is', null);
      if (tenant !== undefined) update = update.where('tenant_id', '=', tenant);
      await update.execute();
      let query = this.#db.selectFrom('api_keys').select(COLUMNS).where('key_id', '=', id);
      if (tenant !== undefined) query = query.where('tenant_id', '=', tenant);
      const row = await query.executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    });
  }
}
