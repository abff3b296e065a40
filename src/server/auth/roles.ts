/**
 * The roles an API key carries. Each route declares the roles it admits with `requireRole`; the
 * table in docs/api.md lists them route by route.
 *
 * | role           | for                                   | may call                                              |
 * |----------------|---------------------------------------|-------------------------------------------------------|
 * | `admin`        | the operator                          | API keys of its tenant, policies, key rotation, audit log reads, sign a checkpoint, metrics (no PI) |
 * | `registrar`    | service back ends                     | create, update, erase and look up subjects; tokenize  |
 * | `agent`        | customer service                      | read subjects and detokenize, at most MASKED          |
 * | `investigator` | fraud / legal staff                   | reads as the policy allows (PLAIN with a purpose); audit hash and find (own tenant) |
 * | `auditor`      | compliance staff, regulators          | audit log reads (checkpoint, tiles, proofs, key), audit hash and find, metrics |
 *
 * What each role actually sees of a field is the tenant's policy's decision (src/vault/policy.ts):
 * the role admits the route, the policy the data. Every role may call `GET /v1/whoami`. Admins deliberately cannot search the log by value:
 * whoever manages keys should not also be able to look people up.
 *
 * @module
 */

/** All roles, in the order the docs list them. */
export const ROLES = ['admin', 'registrar', 'agent', 'investigator', 'auditor'] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** True if `value` names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who is calling: the key that authenticated the request. */
export interface Principal {
  /** `key_…`: what audit entries name as the actor. */
  readonly keyId: string;
  readonly tenant: string;
  readonly role: Role;
  readonly name: string;
}
