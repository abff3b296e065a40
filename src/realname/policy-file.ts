/**
 * Service policies from JSON files: one policy per file, or a folder of them keyed by service id.
 *
 * Errors are {@link ServicePolicyError}s naming the file and the JSON path inside it, never its
 * contents: a JSON syntax error's own message quotes the text around the fault, so it is not
 * passed on as the cause.
 *
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseServicePolicy, ServicePolicyError } from './policy.ts';
import type { ServicePolicy } from './policy.types.ts';

/** The folder of the example policies (beside this module in `src/` and in `dist/`). */
export const EXAMPLE_POLICY_DIR: URL = new URL('./policies/', import.meta.url);

function nameOf(path: string | URL): string {
  return basename(typeof path === 'string' ? path : fileURLToPath(path));
}

/**
 * Reads and checks one policy file.
 * @throws ServicePolicyError `INVALID_POLICY`: `field` is `$` when the file cannot be read or is
 *   not JSON, otherwise the JSON path of the fault
 */
export async function loadPolicyFile(path: string | URL): Promise<ServicePolicy> {
  const file = nameOf(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServicePolicyError(`policy file ${file} cannot be read`, '$', { cause: error });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ServicePolicyError(`policy file ${file} is not valid JSON`, '$');
  }
  try {
    return parseServicePolicy(doc);
  } catch (error) {
    if (error instanceof ServicePolicyError)
      throw new ServicePolicyError(`policy file ${file}: ${error.message}`, error.field);
    throw error;
  }
}

/**
 * Reads every `*.json` file of a folder (in name order) as a policy, keyed by service id.
 * @throws ServicePolicyError as {@link loadPolicyFile}, or with `field` `service` when two files
 *   define the same service
 */
export async function loadPolicyDirectory(dir: string | URL): Promise<Map<string, ServicePolicy>> {
  const base = typeof dir === 'string' ? dir : fileURLToPath(dir);
  let names: string[];
  try {
    names = (await readdir(base)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    throw new ServicePolicyError(`policy folder ${nameOf(base)} cannot be read`, '$', { cause: error });
  }
  const out = new Map<string, ServicePolicy>();
  for (const name of names) {
    const policy = await loadPolicyFile(join(base, name));
    if (out.has(policy.service))
      throw new ServicePolicyError(
        `policy file ${name} defines a service another file already defines`,
        'service',
      );
    out.set(policy.service, policy);
  }
  return out;
}

/** The example policies of `policies/` (telecom, social, game, public-service). */
export function loadExamplePolicies(): Promise<Map<string, ServicePolicy>> {
  return loadPolicyDirectory(EXAMPLE_POLICY_DIR);
}
