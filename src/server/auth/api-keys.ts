/**
 * API keys as the server and the CLI use them: create (the token is returned once), list, revoke,
 * and authenticate a token. Every creation and revocation is written to the audit log.
 *
 * @example
 * ```ts
 * const keys = new ApiKeys({ db: store.db, hasher, auditLog });
 * const { token } = await keys.create({ tenant: 'acme', role: 'auditor', name: 'regulator' }, CLI_ACTOR);
 * const result = await keys.authenticate(token); // { ok: true, principal: { keyId, tenant, role, name } }
 * ```
 * @module
 */
import type { Kysely } from 'kysely';
import { type AuditEvent, toEntry } from '../../audit/entry.ts';
import type { AuditLog } from '../../audit/log/audit-log.ts';
import { recordOrFail } from '../audit-record.ts';
import type { ApiKeyHasher } from './api-key-hasher.ts';
import { type ApiKeyRecord, ApiKeyStore, type StoredApiKey } from './api-key-store.ts';
import { generateToken, parseToken } from './api-key-token.ts';
import { isRole, type Principal, type Role } from './roles.ts';
import type { ServerTables } from './schema.ts';

/** Who performs a key operation, as the audit entry names them. */
export interface KeyActor {
  /** `key_…` for an API caller, `cli` for `shiming keys`, `bootstrap` for the first start. */
  readonly actor: string;
  readonly role: string;
  /** Correlation id of the HTTP request. */
  readonly request?: string;
}

export interface NewApiKey {
  readonly tenant: string;
  readonly role: Role;
  readonly name: string;
}

/** Why a token was refused (a metrics label; the caller only ever sees UNAUTHENTICATED). */
export type AuthFailure = 'malformed' | 'unknown' | 'revoked' | 'mismatch';

export type AuthResult =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: AuthFailure };

export interface ApiKeysOptions {
  readonly db: Kysely<ServerTables>;
  readonly hasher: ApiKeyHasher;
  readonly auditLog: Pick<AuditLog, 'record'>;
  readonly clock?: () => Date;
  /** Reuse a key's row for this long before reading it again (default 5000 ms; 0: always read). */
  readonly cacheMs?: number;
}

const CACHE_MAX = 10_000;
const DUMMY_HASH = new Uint8Array(32);

/** Key management and authentication over the `api_keys` table. */
export class ApiKeys {
  readonly #store: ApiKeyStore;
  readonly #hasher: ApiKeyHasher;
  readonly #audit: Pick<AuditLog, 'record'>;
  readonly #clock: () => Date;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { row: StoredApiKey; until: number }>();

  constructor(options: ApiKeysOptions) {
    this.#store = new ApiKeyStore(options.db);
    this.#hasher = options.hasher;
    this.#audit = options.auditLog;
    this.#clock = options.clock ?? (() => new Date());
    this.#cacheMs = options.cacheMs ?? 5000;
  }

  /**
   * Creates a key and returns its record and token (shown once: only a hash is kept). The audit
   * entry is checked before anything is written, and the key is removed again if the entry
   * cannot be recorded: a key must never exist without its `key.create` entry.
   */
  async create(input: NewApiKey, by: KeyActor): Promise<{ record: ApiKeyRecord; token: string }> {
    const { keyId, secret, token } = generateToken();
    const event = this.#event('key.create', input.tenant, [keyId, `role.${input.role}`], by);
    toEntry(event, this.#clock); // throws AuditEntryError (naming the field) before any write
    const record: ApiKeyRecord = {
      id: keyId,
      tenant: input.tenant,
      role: input.role,
      name: input.name,
      createdAt: this.#clock().toISOString(),
    };
    const hash = this.#hasher.hash({ tenant: input.tenant, keyId, role: input.role, secret });
    await this.#store.insert({ ...record, hash });
    try {
      await recordOrFail(this.#audit, event);
    } catch (error) {
      await this.#store.remove(input.tenant, keyId).catch(() => {});
      throw error;
    }
    return { record, token };
  }

  /** Keys of `tenant` (all tenants when undefined); never secrets or hashes. */
  list(tenant?: string): Promise<ApiKeyRecord[]> {
    return this.#store.list(tenant);
  }

  /** How many keys were ever created (revoked included): 0 only on a fresh database. */
  count(): Promise<number> {
    return this.#store.count();
  }

  /**
   * Revokes key `id` (in `tenant`, when given); `undefined` if there is no such key. The
   * revocation stands even if the audit entry then fails (the error is rethrown): an unlogged
   * revocation is harmless, a key kept alive because the log was down is not.
   */
  async revoke(id: string, by: KeyActor, tenant?: string): Promise<ApiKeyRecord | undefined> {
    const before = await this.#store.byId(id);
    if (before === undefined || (tenant !== undefined && before.tenant !== tenant)) return undefined;
    const record = await this.#store.revoke(id, this.#clock().toISOString(), tenant);
    this.#cache.delete(id);
    if (record === undefined) return undefined;
    if (before.revokedAt === undefined) {
      await recordOrFail(
        this.#audit,
        this.#event('key.revoke', record.tenant, [id, `role.${record.role}`], by),
      );
    }
    return record;
  }

  /** Checks a token: well-formed, known, not revoked, and its secret matches (constant time). */
  async authenticate(token: string): Promise<AuthResult> {
    const parsed = parseToken(token);
    if (parsed === undefined) return { ok: false, reason: 'malformed' };
    const row = await this.#row(parsed.keyId);
    if (row === undefined || !isRole(row.role)) {
      // Same work as a real check, so timing does not tell known ids from unknown ones.
      this.#hasher.verify({ tenant: '', keyId: parsed.keyId, role: '', secret: parsed.secret }, DUMMY_HASH);
      return { ok: false, reason: 'unknown' };
    }
    const material = { tenant: row.tenant, keyId: row.id, role: row.role, secret: parsed.secret };
    if (!this.#hasher.verify(material, row.hash)) return { ok: false, reason: 'mismatch' };
    if (row.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
    return { ok: true, principal: { keyId: row.id, tenant: row.tenant, role: row.role, name: row.name } };
  }

  async #row(id: string): Promise<StoredApiKey | undefined> {
    const now = performance.now();
    const cached = this.#cache.get(id);
    if (cached !== undefined && cached.until > now) return cached.row;
    const row = await this.#store.byId(id);
    if (row === undefined) {
      this.#cache.delete(id);
      return undefined;
    }
    if (this.#cacheMs > 0) {
      if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(id, { row, until: now + this.#cacheMs });
    }
    return row;
  }

  #event(action: string, tenant: string, fields: string[], by: KeyActor): AuditEvent {
    return {
      actor: by.actor,
      role: by.role,
      purpose: 'key-management',
      action,
      tenant,
      fields,
      outcome: 'ok',
      ...(by.request === undefined ? {} : { request: by.request }),
    };
  }
}
