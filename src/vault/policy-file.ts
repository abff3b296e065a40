/**
 * Policies from a file (`vault.policyFile`): a JSON object of tenant id → policy document,
 * applied when the server starts. A tenant whose stored policy differs gets the file's as a new
 * version, recorded in the audit log as `policy.update` by actor `policy-file`; the API can
 * change it afterwards, until the next start applies the file again. Tenants not in the file keep
 * what they have.
 *
 * ```json
 * { "acme": { "version": 1, "purposes": ["customer-support"], "rules": [ … ] } }
 * ```
 * @module
 */
import { readFile } from 'node:fs/promises';
import { VaultError } from './errors.ts';
import type { Policy } from './policy.ts';
import { checkPolicy } from './policy-store.ts';
import type { Vault } from './vault.ts';

const TENANT = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Reads and checks a policy file: tenant → policy.
 * @throws VaultError `INVALID_POLICY` naming the tenant and JSON path (never a value)
 */
export async function readPolicyFile(path: string): Promise<Map<string, Policy>> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const what = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new VaultError('INVALID_POLICY', `the policy file ${what}`, { field: '$', cause: error });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new VaultError('INVALID_POLICY', 'the policy file must hold an object of tenant → policy', {
      field: '$',
    });
  }
  const out = new Map<string, Policy>();
  for (const [tenant, policy] of Object.entries(doc)) {
    if (!TENANT.test(tenant)) {
      throw new VaultError('INVALID_POLICY', 'the policy file names a tenant that is not a tenant id', {
        field: '$',
      });
    }
    try {
      out.set(tenant, checkPolicy(policy));
    } catch (error) {
      if (error instanceof VaultError) {
        throw new VaultError('INVALID_POLICY', `policy of ${tenant}: ${error.message}`, {
          field: `${tenant}.${error.field ?? '$'}`,
        });
      }
      throw error;
    }
  }
  return out;
}

/** Applies the file's policies that differ from the stored ones; returns the tenants changed. */
export async function applyPolicyFile(vault: Vault, path: string): Promise<string[]> {
  const changed: string[] = [];
  for (const [tenant, policy] of await readPolicyFile(path)) {
    const stored = await vault.getPolicy(tenant);
    if (stored.version > 0 && JSON.stringify(stored.policy) === JSON.stringify(policy)) continue;
    await vault.setPolicy(
      { tenant, actor: 'policy-file', role: 'admin', purpose: 'policy-management' },
      policy,
    );
    changed.push(tenant);
  }
  return changed;
}
