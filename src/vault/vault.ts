/**
 * The encrypted PI vault: data subjects with typed, encrypted fields, blind indexes, tokens, an
 * access policy per tenant, per-actor quotas, erasure by crypto-shredding, retention and KEK
 * rotation. Every method takes the caller's {@link AccessContext}; every access to PI is in the
 * audit log before anything is returned (fail closed). Batch forms are the primary ones.
 *
 * @example
 * ```ts
 * const vault = await Vault.open({ store, rootKey, audit: auditLog });
 * const registrar = { tenant: 'acme', actor: 'key_reg', role: 'registrar', purpose: 'registration' } as const;
 * const [id] = await vault.createSubjects(registrar, [{ fields: { CN_NAME: '张三', CN_MOBILE: '13812345678' } }]);
 * const agent = { tenant: 'acme', actor: 'key_cs', role: 'agent', purpose: 'customer-support' } as const;
 * const { subjects } = await vault.readSubjects(agent, [id]); // CN_MOBILE: '138****5678' if the policy allows
 * ```
 * @module
 */
import { sql } from 'kysely';
import { Keyring } from '../crypto/keyring.ts';
import type { RootKeyProvider } from '../crypto/root-key-provider.ts';
import type { Suite } from '../crypto/suite.ts';
import type { PiTypeId } from '../pi/types.ts';
import type { Store } from '../store/store.types.ts';
import {
  type AccessContext,
  auditEvent,
  checkContext,
  recordAudit,
  type VaultAudit,
  type VaultCore,
} from './core.ts';
import { createSubjects, type NewSubject } from './create-subjects.ts';
import { type Detokenized, type DetokenizeOptions, detokenize } from './detokenize.ts';
import {
  type ArchiveResult,
  archiveSubjects,
  type EraseResult,
  eraseSubjects,
  pruneExpired,
} from './erase-subjects.ts';
import { VaultError } from './errors.ts';
import { DEFAULT_INDEXED_FIELDS, DEFAULT_UNIQUE_FIELDS } from './fields.ts';
import {
  type KekStatus,
  kekStatus,
  type RewrapResult,
  type RotationResult,
  rewrapStep,
  rotateKek,
} from './kek-rotation.ts';
import { type LookupQuery, lookup } from './lookup.ts';
import { backfillMaskedViews } from './masked-view.ts';
import { checkPolicy, PolicyStore, type StoredPolicy } from './policy-store.ts';
import { QuotaTracker } from './quota.ts';
import { type ReadOptions, type ReadResult, readSubjects, type SubjectView } from './read-subjects.ts';
import type { VaultTables } from './schema.ts';
import { TenantKeys } from './tenant-keys.ts';
import { type IssuedToken, type TokenRequest, tokenize } from './tokenize.ts';
import { type SubjectUpdate, updateSubjects } from './update-subjects.ts';

export interface VaultOptions {
  /** A store migrated with `VAULT_MIGRATIONS` (the server's holds every layer's tables). */
  readonly store: Store<VaultTables>;
  /** Derives the tenant KEKs' wrapping keys and the index and token keys. Not closed by the vault. */
  readonly rootKey: RootKeyProvider;
  /** Where accesses are recorded (fail closed). */
  readonly audit: VaultAudit;
  /** Suite of new tenants' KEKs (default `intl`). */
  readonly suite?: Suite;
  /** Fields that must be unique per tenant (default `CN_RESIDENT_ID`). */
  readonly uniqueFields?: readonly PiTypeId[];
  /** Fields with a blind index (default: identifiers; see fields.ts). Unique fields are added. */
  readonly indexedFields?: readonly PiTypeId[];
  readonly clock?: () => Date;
  /** Policy cache time (default 5000 ms): a change on another server applies here within it. */
  readonly policyCacheMs?: number;
  /** How often KEK rows are re-read (default 30 s): a rotation on another server reaches this one. */
  readonly kekRefreshMs?: number;
  /** A retiring KEK is retired only this long after the rotation (default 2 × kekRefreshMs). */
  readonly retireGraceMs?: number;
  /** Quotas (default: a tracker on the vault's clock). */
  readonly quotas?: QuotaTracker;
}

/** The vault service. */
export class Vault {
  readonly #core: VaultCore;
  readonly #graceMs: number;

  private constructor(core: VaultCore, graceMs: number) {
    this.#core = core;
    this.#graceMs = graceMs;
  }

  /** Opens the vault on a migrated store. */
  static async open(options: VaultOptions): Promise<Vault> {
    const clock = options.clock ?? (() => new Date());
    const { store } = options;
    if (store.dialect === 'sqlite') {
      // Erased rows are overwritten with zeros instead of lingering in free pages of the file.
      await sql`pragma secure_delete = on`.execute(store.db);
    }
    const refreshMs = options.kekRefreshMs ?? 30_000;
    const unique = options.uniqueFields ?? DEFAULT_UNIQUE_FIELDS;
    const keys = new TenantKeys({
      db: store.db,
      root: options.rootKey,
      keyring: new Keyring(options.rootKey),
      suite: options.suite ?? 'intl',
      clock,
      refreshMs,
    });
    const core: VaultCore = {
      db: store.db,
      dialect: store.dialect,
      keys,
      audit: options.audit,
      policies: new PolicyStore(store.db, clock, options.policyCacheMs ?? 5000),
      quotas: options.quotas ?? new QuotaTracker(() => clock().getTime()),
      clock,
      uniqueFields: new Set(unique),
      indexedFields: new Set([...(options.indexedFields ?? DEFAULT_INDEXED_FIELDS), ...unique]),
    };
    return new Vault(core, options.retireGraceMs ?? 2 * refreshMs);
  }

  /** Creates subjects (all or nothing); their ids in order. */
  createSubjects(ctx: AccessContext, items: readonly NewSubject[]): Promise<string[]> {
    return createSubjects(this.#core, ctx, items);
  }

  /** Creates one subject; its id. */
  async createSubject(ctx: AccessContext, fields: NewSubject['fields']): Promise<string> {
    return (await this.createSubjects(ctx, [{ fields }]))[0]!;
  }

  /** Reads subjects through the policy (masked unless PLAIN is asked for and allowed). */
  readSubjects(ctx: AccessContext, ids: readonly string[], options?: ReadOptions): Promise<ReadResult> {
    return readSubjects(this.#core, ctx, ids, options);
  }

  /**
   * Reads one subject.
   * @throws VaultError `SUBJECT_NOT_FOUND`, `SUBJECT_ERASED`, and those of {@link readSubjects}
   */
  async readSubject(ctx: AccessContext, id: string, options?: ReadOptions): Promise<SubjectView> {
    const { subjects } = await this.readSubjects(ctx, [id], options);
    const view = subjects[0];
    if (view === undefined) throw new VaultError('SUBJECT_NOT_FOUND', 'no such subject in this tenant');
    if (view.status === 'erased') throw new VaultError('SUBJECT_ERASED', 'this subject was erased');
    return view;
  }

  /** Changes fields of subjects (all or nothing); `null` removes a field. */
  updateSubjects(ctx: AccessContext, updates: readonly SubjectUpdate[]): Promise<void> {
    return updateSubjects(this.#core, ctx, updates);
  }

  /** Changes fields of one subject. */
  updateSubject(ctx: AccessContext, id: string, fields: SubjectUpdate['fields']): Promise<void> {
    return this.updateSubjects(ctx, [{ id, fields }]);
  }

  /** Crypto-shreds subjects now. */
  eraseSubjects(ctx: AccessContext, ids: readonly string[]): Promise<EraseResult> {
    return eraseSubjects(this.#core, ctx, ids);
  }

  /** Archives subjects under a retention hold until `retainUntil`. */
  archiveSubjects(ctx: AccessContext, ids: readonly string[], retainUntil: Date): Promise<ArchiveResult> {
    return archiveSubjects(this.#core, ctx, ids, retainUntil);
  }

  /** Erases archived subjects whose hold is over at `now` (default: the clock); how many. */
  pruneExpired(now: Date = this.#core.clock(), batchSize?: number): Promise<number> {
    return pruneExpired(this.#core, now, batchSize);
  }

  /** Subjects holding each value, through blind indexes. */
  lookup(ctx: AccessContext, queries: readonly LookupQuery[]): Promise<string[][]> {
    return lookup(this.#core, ctx, queries);
  }

  /** Issues tokens for subjects' fields. */
  tokenize(ctx: AccessContext, requests: readonly TokenRequest[]): Promise<IssuedToken[]> {
    return tokenize(this.#core, ctx, requests);
  }

  /** Values of tokens, MASKED unless PLAIN is asked for and allowed. */
  detokenize(
    ctx: AccessContext,
    tokens: readonly string[],
    options?: DetokenizeOptions,
  ): Promise<Detokenized[]> {
    return detokenize(this.#core, ctx, tokens, options);
  }

  /** The tenant's policy (version 0: the empty one, nothing allowed). */
  getPolicy(tenant: string): Promise<StoredPolicy> {
    return this.#core.policies.get(tenant);
  }

  /**
   * Replaces the tenant's policy (checked with `parsePolicy`); the change is audited first.
   * @throws VaultError `INVALID_POLICY` naming the JSON path, `AUDIT_UNAVAILABLE`
   */
  async setPolicy(ctx: AccessContext, document: unknown): Promise<StoredPolicy> {
    checkContext(ctx);
    const policy = checkPolicy(document);
    await recordAudit(this.#core, [auditEvent(ctx, 'policy.update', 'ok')]);
    return this.#core.policies.put(ctx.tenant, policy, ctx.actor);
  }

  /** Makes a new KEK version active for the caller's tenant. */
  rotateKek(ctx: AccessContext, suite?: Suite): Promise<RotationResult> {
    return rotateKek(this.#core, ctx, suite);
  }

  /** The tenant's KEK versions and how many DEKs each wraps. */
  kekStatus(tenant: string): Promise<KekStatus[]> {
    return kekStatus(this.#core, tenant);
  }

  /** Rewraps up to `limit` DEKs under retiring KEKs (all tenants, or one); retires versions no DEK uses. */
  rewrapStep(limit = 500, tenant?: string): Promise<RewrapResult> {
    return rewrapStep(this.#core, limit, this.#graceMs, tenant);
  }

  /**
   * Builds the masked view of up to `limit` subjects stored before views existed (all tenants);
   * returns how many it built (0: none left).
   */
  backfillMaskedViews(limit = 500): Promise<number> {
    return backfillMaskedViews(this.#core, limit);
  }

  /** Zeroes the keys held in memory. The store, audit log and root key are the caller's. */
  async close(): Promise<void> {
    const keyring = this.#core.keys.keyring;
    await this.#core.keys.close();
    await keyring.close();
  }
}
