/**
 * Access policy: who may see which field, for which purpose, and how much of it.
 *
 * A tenant's policy is a list of rules `(roles, purposes, operations, fields) → access`, where
 * access is `PLAIN` (the value), `MASKED` (the catalogue's mask: 138****5678), `REDACTED`
 * (present but hidden: `[REDACTED]`) or `DENY`. Nothing is allowed unless a rule allows it
 * (default deny). When several rules match a field, an explicit `DENY` wins, then the most
 * permissive access (rules add capabilities, as Vault's policies do). A rule naming fields beats
 * none of the others: `"*"` is simply every field.
 *
 * Purposes are mandatory on every read; they are codes from the tenant's purpose list, so an
 * audit entry never carries free text.
 *
 * @example
 * ```json
 * { "version": 1,
 *   "purposes": ["customer-support", "fraud-investigation", "registration"],
 *   "rules": [
 *     { "roles": ["agent"], "purposes": ["customer-support"], "fields": ["CN_MOBILE", "CN_NAME"], "access": "MASKED" },
 *     { "roles": ["investigator"], "purposes": ["fraud-investigation"], "fields": ["*"], "access": "PLAIN" },
 *     { "roles": ["agent"], "purposes": ["*"], "fields": ["CN_BANK_CARD"], "access": "DENY" } ],
 *   "quotas": { "agent": { "reads": { "limit": 500, "windowSeconds": 3600 } } } }
 * ```
 * @module
 */

export const ACCESS_LEVELS = ['DENY', 'REDACTED', 'MASKED', 'PLAIN'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

export const OPERATIONS = ['read', 'lookup', 'detokenize', 'export'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const ROLES = ['admin', 'registrar', 'agent', 'investigator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface PolicyRule {
  readonly roles: readonly Role[];
  /** Purpose codes, or `["*"]` for any purpose on the tenant's list. */
  readonly purposes: readonly string[];
  /** Operations the rule covers (default: read and detokenize). */
  readonly operations: readonly Operation[];
  /** Field names (PI type ids or custom fields), or `["*"]`. */
  readonly fields: readonly string[];
  readonly access: Access;
}

export interface Quota {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** Per-role limits on how many records an actor may touch per window. */
export type Quotas = Readonly<
  Partial<Record<Role, Partial<Record<'reads' | 'lookups' | 'detokenizations', Quota>>>>
>;

export interface Policy {
  readonly version: 1;
  readonly purposes: readonly string[];
  readonly rules: readonly PolicyRule[];
  readonly quotas: Quotas;
}

export type PolicyErrorCode = 'INVALID_POLICY';

/** A policy document that cannot be used; `field` is a JSON path into it. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code: PolicyErrorCode = 'INVALID_POLICY';
  readonly field: string;
  constructor(message: string, field: string) {
    super(message);
    this.field = field;
  }
}

const CODE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const FIELD = /^(?:\*|[A-Za-z][A-Za-z0-9_]{0,63})$/;
const MAX_RULES = 1000;

function list<T extends string>(v: unknown, path: string, ok: (s: string) => boolean, what: string): T[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 256)
    throw new PolicyError(`${path} must be a non-empty list`, path);
  return v.map((x, i) => {
    if (typeof x !== 'string' || !ok(x))
      throw new PolicyError(`${path}[${i}] is not ${what}`, `${path}[${i}]`);
    return x as T;
  });
}

const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);
const isOperation = (s: string): s is Operation => (OPERATIONS as readonly string[]).includes(s);
const isAccess = (s: string): s is Access => (ACCESS_LEVELS as readonly string[]).includes(s);

/** Validates a policy document (from a file or the API). Throws `PolicyError` naming the path. */
export function parsePolicy(doc: unknown): Policy {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new PolicyError('policy must be an object', '$');
  const d = doc as Record<string, unknown>;
  if (d.version !== 1) throw new PolicyError('version must be 1', 'version');
  const purposes = list<string>(d.purposes, 'purposes', (s) => CODE.test(s), 'a purpose code ([a-z0-9_.-])');
  if (!Array.isArray(d.rules) || d.rules.length > MAX_RULES)
    throw new PolicyError(`rules must be a list of at most ${MAX_RULES}`, 'rules');
  const rules = d.rules.map((r, i): PolicyRule => {
    const p = `rules[${i}]`;
    if (typeof r !== 'object' || r === null) throw new PolicyError(`${p} must be an object`, p);
    const rule = r as Record<string, unknown>;
    const rulePurposes = list<string>(
      rule.purposes,
      `${p}.purposes`,
      (s) => s === '*' || purposes.includes(s),
      'a purpose on the list or "*"',
    );
    const access = rule.access;
    if (typeof access !== 'string' || !isAccess(access))
      throw new PolicyError(`${p}.access must be one of ${ACCESS_LEVELS.join(', ')}`, `${p}.access`);
    return {
      roles: list<Role>(rule.roles, `${p}.roles`, isRole, `a role (${ROLES.join(', ')})`),
      purposes: rulePurposes,
      operations:
        rule.operations === undefined
          ? ['read', 'detokenize']
          : list<Operation>(
              rule.operations,
              `${p}.operations`,
              isOperation,
              `an operation (${OPERATIONS.join(', ')})`,
            ),
      fields: list<string>(rule.fields, `${p}.fields`, (s) => FIELD.test(s), 'a field name or "*"'),
      access,
    };
  });
  return { version: 1, purposes, rules, quotas: parseQuotas(d.quotas) };
}

function parseQuotas(v: unknown): Quotas {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new PolicyError('quotas must be an object', 'quotas');
  const out: Record<string, Record<string, Quota>> = {};
  for (const [role, limits] of Object.entries(v)) {
    if (!isRole(role)) throw new PolicyError(`quotas.${role} is not a role`, `quotas.${role}`);
    if (typeof limits !== 'object' || limits === null)
      throw new PolicyError(`quotas.${role} must be an object`, `quotas.${role}`);
    out[role] = {};
    for (const [kind, q] of Object.entries(limits)) {
      const p = `quotas.${role}.${kind}`;
      if (kind !== 'reads' && kind !== 'lookups' && kind !== 'detokenizations')
        throw new PolicyError(`${p}: unknown counter`, p);
      const quota = q as Partial<Quota>;
      if (
        !Number.isSafeInteger(quota?.limit) ||
        quota.limit! < 0 ||
        !Number.isSafeInteger(quota.windowSeconds) ||
        quota.windowSeconds! < 1
      ) {
        throw new PolicyError(`${p} needs integer limit ≥ 0 and windowSeconds ≥ 1`, p);
      }
      out[role][kind] = { limit: quota.limit!, windowSeconds: quota.windowSeconds! };
    }
  }
  return out as Quotas;
}

const RANK: Readonly<Record<Access, number>> = { DENY: 0, REDACTED: 1, MASKED: 2, PLAIN: 3 };

/** What a request may see of one field. `DENY` unless a rule allows it. */
export function decide(
  policy: Policy,
  role: Role,
  purpose: string,
  operation: Operation,
  field: string,
): Access {
  if (!policy.purposes.includes(purpose)) return 'DENY';
  let best: Access = 'DENY';
  let allowed = false;
  for (const rule of policy.rules) {
    if (!rule.roles.includes(role) || !rule.operations.includes(operation)) continue;
    if (!rule.purposes.includes('*') && !rule.purposes.includes(purpose)) continue;
    if (!rule.fields.includes('*') && !rule.fields.includes(field)) continue;
    if (rule.access === 'DENY') return 'DENY'; // an explicit deny overrides every allow
    if (!allowed || RANK[rule.access] > RANK[best]) best = rule.access;
    allowed = true;
  }
  return best;
}

/** The policy a new tenant starts with: nothing is readable until an admin says so. */
export const EMPTY_POLICY: Policy = Object.freeze({
  version: 1,
  purposes: ['maintenance'],
  rules: [],
  quotas: {},
});
