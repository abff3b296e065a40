/**
 * A process that opens the vault as `shiming serve` does (`openServerResources(loadConfig())`,
 * configured by the usual SHIMING_* environment), sets a test policy on its first start, then
 * creates subjects in batches as fast as it can and prints each acknowledged subject, the moment
 * `createSubjects` resolves, as `<id> <sha256 of its values>` — one per line. The crash test kills
 * it with SIGKILL mid-stream and checks that every printed subject reads back with those values.
 * Values are synthetic (test/synth), never real people's data. WRITER_SEED varies them per run.
 */
import { createHash } from 'node:crypto';
import { loadConfig } from '../../src/config/config.ts';
import { openServerResources } from '../../src/server/open-server-resources.ts';
import type { AccessContext } from '../../src/vault/core.ts';
import { isVaultError } from '../../src/vault/errors.ts';
import { email, mobile } from '../synth/contacts.ts';
import { residentId } from '../synth/ids.ts';
import { name } from '../synth/names.ts';
import { mulberry32 } from '../synth/rng.ts';

/** Investigators may read everything in full: the crash test reads back with it. */
export const WRITER_POLICY = {
  version: 1,
  purposes: ['registration', 'fraud-investigation'],
  rules: [{ roles: ['investigator'], purposes: ['fraud-investigation'], fields: ['*'], access: 'PLAIN' }],
} as const;

export const WRITER_TENANT = 'acme';

/** The digest printed for a subject's values (key order does not matter). */
export function digestOf(fields: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(fields)
    .sort()
    .map((k) => [k, fields[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

async function main(): Promise<void> {
  const resources = await openServerResources(loadConfig());
  const vault = resources.vault;
  const admin: AccessContext = {
    tenant: WRITER_TENANT,
    actor: 'key_crashadmin00000',
    role: 'admin',
    purpose: 'policy-management',
  };
  const registrar: AccessContext = {
    tenant: WRITER_TENANT,
    actor: 'key_crashregistrar0',
    role: 'registrar',
    purpose: 'registration',
  };
  if ((await vault.getPolicy(WRITER_TENANT)).version === 0) await vault.setPolicy(admin, WRITER_POLICY);

  const rng = mulberry32(Number(process.env.WRITER_SEED ?? 1));
  const batchSize = Number(process.env.WRITER_BATCH ?? 16);
  const inFlight = Number(process.env.WRITER_IN_FLIGHT ?? 4);

  async function worker(): Promise<void> {
    for (;;) {
      const items = Array.from({ length: batchSize }, () => ({
        fields: {
          CN_RESIDENT_ID: residentId(rng),
          CN_MOBILE: mobile(rng, { format: 'plain' }),
          CN_NAME: name(rng),
          EMAIL: email(rng),
        },
      }));
      let ids: string[];
      try {
        ids = await vault.createSubjects(registrar, items);
      } catch (error) {
        // A random resident ID met an earlier one: the batch was not written; try another.
        if (isVaultError(error, 'DUPLICATE_SUBJECT')) continue;
        throw error;
      }
      let out = '';
      for (const [i, id] of ids.entries()) out += `${id} ${digestOf(items[i]!.fields)}\n`;
      process.stdout.write(out);
    }
  }

  process.stderr.write('ready\n');
  await Promise.all(Array.from({ length: inFlight }, worker));
}

if (process.argv[1] === import.meta.filename) await main();
