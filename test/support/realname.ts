/**
 * The real-name service on a fresh test database (SQLite, or PostgreSQL when configured) over a
 * real vault and audit log, with the four example policies stored, a settable clock, a synthetic
 * population, and a scripted in-process verifier that answers from that population (tests that
 * need the real HTTP authority start `shiming authority`'s server instead).
 */
import type { AuditEntry } from '../../src/audit/entry.ts';
import { EXAMPLE_POLICIES } from '../../src/realname/policies/examples.ts';
import { parseServicePolicy } from '../../src/realname/policy.ts';
import { Realname, type RealnameOptions } from '../../src/realname/realname.ts';
import { REALNAME_MIGRATIONS, type RealnameTables } from '../../src/realname/schema.ts';
import {
  ageBandOf,
  METHOD_LEVELS,
  type MismatchElement,
  type VerificationRequest,
  type VerificationResult,
} from '../../src/realname/types.ts';
import type { Store, StoreDialect } from '../../src/store/index.ts';
import type { AccessContext } from '../../src/vault/core.ts';
import { mobile } from '../synth/contacts.ts';
import { residentId } from '../synth/ids.ts';
import { name } from '../synth/names.ts';
import { mulberry32, type Rng } from '../synth/rng.ts';
import { openVaultFixture, type VaultFixture } from './vault.ts';

/** A synthetic person. */
export interface Person {
  readonly name: string;
  readonly residentId: string;
  readonly mobile: string;
  readonly networkIdentity: string;
  readonly status: 'active' | 'deceased';
}

/** `count` synthetic people; ages by `birthYearRange`. */
export function people(
  count: number,
  seed = 1,
  birthYearRange: readonly [number, number] = [1960, 2000],
): Person[] {
  const rng: Rng = mulberry32(seed);
  const out: Person[] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    const id = residentId(rng, { birthYearRange });
    if (seen.has(id) || id.length !== 18) continue;
    seen.add(id);
    out.push({
      name: name(rng),
      residentId: id.toUpperCase(),
      mobile: mobile(rng),
      networkIdentity: `WH${Math.floor(rng() * 1e12)
        .toString(36)
        .toUpperCase()}${out.length}`,
      status: 'active',
    });
  }
  return out;
}

/** An in-process verifier answering from a population; `outage` makes every call unavailable. */
export class ScriptedVerifier {
  readonly byId = new Map<string, Person>();
  readonly byNid = new Map<string, Person>();
  /** authData → person: what the user's identity app would hand over. */
  readonly credentials = new Map<string, Person>();
  outage = false;
  calls = 0;
  readonly #now: () => Date;

  constructor(population: readonly Person[], now: () => Date) {
    for (const p of population) {
      this.byId.set(p.residentId, p);
      this.byNid.set(p.networkIdentity, p);
    }
    this.#now = now;
  }

  /** Simulates the user's identity app: credential data for `person`. */
  credentialFor(person: Person): string {
    const data = `cred-${person.networkIdentity}-${this.credentials.size}`;
    this.credentials.set(data, person);
    return data;
  }

  #band(id: string) {
    const y = Number(id.slice(6, 10));
    const m = Number(id.slice(10, 12));
    const d = Number(id.slice(12, 14));
    const now = this.#now();
    let age = now.getUTCFullYear() - y;
    if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--;
    return ageBandOf(age);
  }

  async verify(request: VerificationRequest): Promise<VerificationResult> {
    this.calls++;
    const base = { method: request.method, provider: 'scripted', latencyMs: 0, attempts: 1 } as const;
    if (this.outage) return { ...base, outcome: 'UPSTREAM_UNAVAILABLE' };
    if (request.method === 'network-identity') {
      const person = this.credentials.get(request.networkIdentity?.authData ?? '');
      if (person === undefined) return { ...base, outcome: 'MISMATCH' };
      this.credentials.delete(request.networkIdentity!.authData);
      return {
        ...base,
        outcome: 'MATCH',
        level: METHOD_LEVELS['network-identity'],
        networkIdentity: person.networkIdentity,
        ageBand: this.#band(person.residentId),
      };
    }
    const person = this.byId.get(request.residentId ?? '');
    if (person === undefined || person.status !== 'active') return { ...base, outcome: 'NO_RECORD' };
    const mismatch: MismatchElement[] = [];
    if (request.method !== 'document' && request.name !== person.name) mismatch.push('name');
    if (request.method === 'mobile-three-factor' && request.mobile !== person.mobile) mismatch.push('mobile');
    if (mismatch.length > 0) return { ...base, outcome: 'MISMATCH', mismatch };
    return {
      ...base,
      outcome: 'MATCH',
      level: METHOD_LEVELS[request.method],
      ageBand: this.#band(person.residentId),
    };
  }
}

export interface RealnameFixture extends Omit<VaultFixture, 'openAnother'> {
  readonly realname: Realname;
  readonly verifier: ScriptedVerifier;
  readonly population: Person[];
  /** Entries of the audit log, decoded. */
  entries(): Promise<AuditEntry[]>;
  /** Another real-name service on the same database and vault (another server). */
  openAnotherRealname(options?: Partial<RealnameOptions>): Promise<Realname>;
}

/** The vault policy real-name tests run under (footprint labels read masked). */
const VAULT_POLICY = {
  version: 1,
  purposes: ['registration', 'customer-support', 'policy-management', 'enforcement'],
  rules: [{ roles: ['registrar'], purposes: ['registration'], fields: ['*'], access: 'MASKED' }],
} as const;

export async function openRealnameFixture(
  dialect: StoreDialect,
  options: { population?: Person[]; realname?: Partial<RealnameOptions> } = {},
): Promise<RealnameFixture> {
  const t = await openVaultFixture(dialect, { migrations: REALNAME_MIGRATIONS });
  await t.vault.setPolicy(t.as('admin'), VAULT_POLICY);
  const population = options.population ?? people(50);
  const verifier = new ScriptedVerifier(population, t.clock);
  const open = (extra: Partial<RealnameOptions> = {}) =>
    Realname.open({
      store: t.store as unknown as Store<RealnameTables>,
      vault: t.vault,
      audit: t.auditLog,
      rootKey: t.root,
      verifier,
      clock: t.clock,
      policyCacheMs: 0,
      ...options.realname,
      ...extra,
    });
  const realname = await open();
  const admin: AccessContext = t.as('admin');
  for (const policy of Object.values(EXAMPLE_POLICIES))
    await realname.putPolicy(admin, parseServicePolicy(policy));
  return { ...t, realname, verifier, population, openAnotherRealname: open };
}
