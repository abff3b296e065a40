/**
 * Real-name registration as a service: per-service policies (scope and means), accounts bound to
 * verified identities, verification through pluggable adapters, the account lifecycle and its
 * enforcement, accounts-per-identity limits, minors, the identity footprint and reports. Every
 * step is audited; identity data lives only in the vault; identities are known by keyed HMACs.
 *
 * @example
 * ```ts
 * const realname = await Realname.open({ store, vault, audit: auditLog, rootKey, verifier });
 * await realname.putPolicy(admin, SOCIAL_POLICY);
 * const [account] = await realname.register(registrar, [{ service: 'social', fields: { CN_MOBILE: '13812345678' } }]);
 * const { account: verified } = await realname.verify(registrar, account.id, {
 *   method: 'id-two-factor',
 *   fields: { CN_NAME: '张三', CN_RESIDENT_ID: '11010519491231002X' },
 * });
 * ```
 * @module
 */
import type { RootKeyProvider } from '../crypto/root-key-provider.ts';
import type { Suite } from '../crypto/suite.ts';
import type { Store } from '../store/store.types.ts';
import type { VaultAudit } from '../vault/core.ts';
import type { Vault } from '../vault/vault.ts';
import type { AccountView } from './account-view.ts';
import { accountView } from './account-view.ts';
import type { AdapterCounters } from './adapters/chain.ts';
import { newBizSeq } from './adapters/network-identity.ts';
import { AttemptGuard, type AttemptLimits, type EnumerationAlert } from './attempt-guard.ts';
import { type AccessContext, event, loadAccount, type RealnameCore, record, type Verifier } from './core.ts';
import { type EnforceOptions, type EnforceResult, enforceDeadlines } from './enforce.ts';
import { RealnameError } from './errors.ts';
import {
  type FootprintEntry,
  identityFootprint,
  listReports,
  type ReportResolution,
  type ReportView,
  reportNotMine,
  resolveReport,
} from './footprint.ts';
import { IdentityRefs } from './identity-ref.ts';
import {
  accountHistory,
  accountVerifications,
  banAccount,
  closeAccount,
  flagRisk,
  getAccount,
  giveGuardianConsent,
  type TransitionRecord,
} from './lifecycle.ts';
import { ageAt, type PlayDecision, playDecision } from './minors.ts';
import { parseServicePolicy } from './policy.ts';
import type { ServicePolicy } from './policy.types.ts';
import { PolicyStore, type StoredServicePolicy } from './policy-store.ts';
import { type NewAccount, registerAccounts } from './register.ts';
import { type RealnameReport, realnameReport } from './reports.ts';
import type { RealnameTables } from './schema.ts';
import type { RiskTrigger } from './transitions.ts';
import {
  startNetworkIdentity,
  type VerificationInput,
  type VerificationOutcome,
  verifyAccount,
} from './verify.ts';
import { WriteBatcher } from './write-batcher.ts';

/** What {@link Realname.stats} reports. */
export interface RealnameStats {
  /** Adapter id → calls, billable answers (MATCH + MISMATCH), failures and answers by outcome. */
  readonly adapters: Readonly<Record<string, AdapterCounters>>;
  readonly enumerationAlerts: number;
}

export interface RealnameOptions {
  /** A store migrated with the vault's and `REALNAME_MIGRATIONS`. */
  readonly store: Store<RealnameTables>;
  readonly vault: Vault;
  readonly audit: VaultAudit;
  /** Derives the per-tenant identity-reference keys. Not closed here. */
  readonly rootKey: RootKeyProvider;
  /** Suite of identity references (default `intl`: HMAC-SHA256; `gm`: HMAC-SM3). */
  readonly suite?: Suite;
  /** The adapters, behind retry and failover (`VerifierChain`). */
  readonly verifier: Verifier;
  readonly clock?: () => Date;
  readonly attemptLimits?: Partial<AttemptLimits>;
  /** Called on a burst of failed verifications by one caller (also recorded in the audit log). */
  readonly onAlert?: (alert: EnumerationAlert) => void;
  /** Policy cache time in ms (default 5000). */
  readonly policyCacheMs?: number;
}

export class Realname {
  readonly #core: RealnameCore;

  private constructor(core: RealnameCore) {
    this.#core = core;
  }

  static async open(options: RealnameOptions): Promise<Realname> {
    const clock = options.clock ?? (() => new Date());
    return new Realname({
      db: options.store.db,
      dialect: options.store.dialect,
      vault: options.vault,
      audit: options.audit,
      refs: new IdentityRefs(options.rootKey, options.suite ?? 'intl'),
      verifier: options.verifier,
      policies: new PolicyStore(options.store.db, clock, options.policyCacheMs ?? 5000),
      guard: new AttemptGuard(options.attemptLimits, () => clock().getTime(), options.onAlert),
      clock,
      batcher: new WriteBatcher(options.store.db),
    });
  }

  /** Stores a service policy (parsed and checked first); its new version. */
  async putPolicy(ctx: AccessContext, document: unknown): Promise<StoredServicePolicy> {
    let policy: ServicePolicy;
    try {
      policy = parseServicePolicy(document);
    } catch (error) {
      await record(this.#core, [
        event(ctx, 'realname.policy.update', 'denied', { reason: 'INVALID_POLICY' }),
      ]);
      throw error;
    }
    await record(this.#core, [event(ctx, 'realname.policy.update', 'ok')]);
    return this.#core.policies.put(ctx.tenant, policy, ctx.actor);
  }

  getPolicy(ctx: AccessContext, service: string): Promise<StoredServicePolicy> {
    return this.#core.policies.get(ctx.tenant, service);
  }

  listPolicies(ctx: AccessContext): Promise<StoredServicePolicy[]> {
    return this.#core.policies.list(ctx.tenant);
  }

  /** Registers accounts (all or nothing). */
  register(ctx: AccessContext, items: readonly NewAccount[]): Promise<AccountView[]> {
    return registerAccounts(this.#core, ctx, items);
  }

  /** Verifies an account by one of its service's methods. */
  verify(ctx: AccessContext, accountId: string, input: VerificationInput): Promise<VerificationOutcome> {
    return verifyAccount(this.#core, ctx, accountId, input);
  }

  /** Starts a network-identity attempt: the serial the user's identity app signs for. */
  startNetworkIdentity(
    ctx: AccessContext,
    accountId: string,
  ): Promise<{ bizSeq: string; account: AccountView }> {
    return startNetworkIdentity(this.#core, ctx, accountId, newBizSeq);
  }

  guardianConsent(ctx: AccessContext, accountId: string, guardianAccountId: string): Promise<AccountView> {
    return giveGuardianConsent(this.#core, ctx, accountId, guardianAccountId);
  }

  getAccount(ctx: AccessContext, accountId: string): Promise<AccountView> {
    return getAccount(this.#core, ctx, accountId);
  }

  history(ctx: AccessContext, accountId: string): Promise<TransitionRecord[]> {
    return accountHistory(this.#core, ctx, accountId);
  }

  verifications(ctx: AccessContext, accountId: string) {
    return accountVerifications(this.#core, ctx, accountId);
  }

  flagRisk(ctx: AccessContext, accountId: string, trigger: RiskTrigger): Promise<AccountView> {
    return flagRisk(this.#core, ctx, accountId, trigger);
  }

  close(ctx: AccessContext, accountId: string, by: 'user' | 'provider'): Promise<AccountView> {
    return closeAccount(this.#core, ctx, accountId, by);
  }

  ban(ctx: AccessContext, accountId: string): Promise<AccountView> {
    return banAccount(this.#core, ctx, accountId);
  }

  footprint(ctx: AccessContext, accountId: string): Promise<FootprintEntry[]> {
    return identityFootprint(this.#core, ctx, accountId);
  }

  reportNotMine(ctx: AccessContext, reporterAccountId: string, accountId: string) {
    return reportNotMine(this.#core, ctx, reporterAccountId, accountId);
  }

  /** The "not mine" reports of the tenant: the review queue. */
  listReports(ctx: AccessContext, status?: 'open' | 'resolved', limit?: number): Promise<ReportView[]> {
    return listReports(this.#core, ctx, status, limit);
  }

  /** A reviewer's decision on an open "not mine" report. */
  resolveReport(ctx: AccessContext, reportId: string, resolution: ReportResolution): Promise<ReportView> {
    return resolveReport(this.#core, ctx, reportId, resolution);
  }

  report(ctx: AccessContext, since?: Date): Promise<RealnameReport> {
    return realnameReport(this.#core, ctx, since);
  }

  /**
   * May the holder of a game account play now? Adults always; minors only inside the policy's
   * windows; unverified accounts of a service that requires real name never.
   */
  async playDecision(
    ctx: AccessContext,
    accountId: string,
    at: Date = this.#core.clock(),
  ): Promise<PlayDecision & { account: AccountView }> {
    const row = await loadAccount(this.#core.db, ctx.tenant, accountId);
    const { policy } = await this.#core.policies.get(ctx.tenant, row.service);
    const account = accountView(row, policy, at);
    if (
      account.access === 'none' ||
      (policy.minors.play !== undefined && row.state !== 'verified' && row.state !== 'notified')
    ) {
      return { allowed: false, reason: 'OUTSIDE_WINDOW', account };
    }
    let age: number | undefined;
    if (row.adult_on !== null) {
      const [y, m, d] = row.adult_on.split('-').map(Number) as [number, number, number];
      age = ageAt({ year: y - 18, month: m, day: d }, at);
    }
    const decision = playDecision(policy, {
      at,
      ...(age === undefined ? {} : { age }),
      ...(age === undefined && row.age_band !== null ? { ageBand: row.age_band as never } : {}),
    });
    return { ...decision, account };
  }

  /** Operational counts (no PI): the adapters' answers, and enumeration alerts since start. */
  stats(): RealnameStats {
    return {
      adapters: this.#core.verifier.counters?.() ?? {},
      enumerationAlerts: this.#core.guard.alerts,
    };
  }

  /** Runs the enforcement job once. */
  enforce(options?: EnforceOptions): Promise<EnforceResult> {
    return enforceDeadlines(this.#core, options);
  }
}

export { RealnameError };
