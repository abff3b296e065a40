/**
 * `shiming keys …`: API keys straight on the database, for bootstrapping and recovery (keys of
 * any tenant; a new admin key after losing the last one). Needs the root key, since stored keys
 * are hashed under a key derived from it. Every change is written to the audit log (actor `cli`).
 *
 * A server elsewhere may keep accepting a key revoked here for up to its auth cache time
 * (`server.authCacheMs`).
 *
 * @module
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, TENANT_PATTERN } from '../config/config.ts';
import type { ApiKeyRecord } from '../server/auth/api-key-store.ts';
import type { KeyActor } from '../server/auth/api-keys.ts';
import { isRole, ROLES, type Role } from '../server/auth/roles.ts';
import { openServerResources, type ServerResources } from '../server/open-server-resources.ts';
import type { CliIo } from './scan-command.ts';

interface DbFlags {
  data?: string;
  database?: string;
  json?: boolean;
}

const CLI_ACTOR: KeyActor = { actor: 'cli', role: 'operator' };

function parseRole(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value;
}

function parseTenant(value: string): string {
  if (!TENANT_PATTERN.test(value)) {
    throw new InvalidArgumentError('expected lower-case letters, digits and "-", starting with a letter');
  }
  return value;
}

function parseName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(value)) {
    throw new InvalidArgumentError('expected up to 64 letters, digits, spaces, ".", "_" or "-"');
  }
  return value;
}

function parseKeyId(value: string): string {
  if (!/^key_[A-Za-z0-9]{16}$/.test(value)) throw new InvalidArgumentError('expected a key id (key_…)');
  return value;
}

async function withResources<T>(flags: DbFlags, work: (r: ServerResources) => Promise<T>): Promise<T> {
  const config = loadConfig({
    overrides: {
      ...(flags.data === undefined ? {} : { dataDir: flags.data }),
      ...(flags.database === undefined ? {} : { databaseUrl: flags.database }),
    },
  });
  const resources = await openServerResources(config, { log: { checkpointIntervalMs: 0 } });
  try {
    return await work(resources);
  } finally {
    await resources.close();
  }
}

const line = (k: ApiKeyRecord) =>
  `${k.id}\t${k.tenant}\t${k.role}\t${k.name}\t${k.createdAt}\t${k.revokedAt === undefined ? 'active' : `revoked ${k.revokedAt}`}`;

const withDb = (cmd: Command) =>
  cmd
    .option('--data <dir>', 'data directory (default ./data, or SHIMING_DATA_DIR)')
    .option('--database <url>', 'database URL (postgres://… or sqlite:FILE)')
    .option('--json', 'print JSON');

export function keysCommand(io: CliIo, setExit: (code: number) => void): Command {
  const out = (s: string) => io.stdout.write(`${s}\n`);
  const keys = new Command('keys').description(
    'manage API keys directly on the database (bootstrap, recovery)',
  );

  withDb(keys.command('create'))
    .description('create an API key and print it (shown once)')
    .requiredOption('--role <role>', `role: ${ROLES.join(', ')}`, parseRole)
    .requiredOption('--tenant <tenant>', 'tenant id', parseTenant)
    .option('--name <name>', 'a label for people (default: the role)', parseName)
    .action(async (flags: DbFlags & { role: Role; tenant: string; name?: string }) => {
      await withResources(flags, async (r) => {
        const { record, token } = await r.keys.create(
          { tenant: flags.tenant, role: flags.role, name: flags.name ?? flags.role },
          CLI_ACTOR,
        );
        if (flags.json) out(JSON.stringify({ ...record, token }));
        else {
          out(token);
          io.stderr.write(
            `created ${record.id} (${record.role}, tenant ${record.tenant}); the key above is shown once\n`,
          );
        }
      });
    });

  withDb(keys.command('list'))
    .description('list API keys (never secrets)')
    .option('--tenant <tenant>', 'only this tenant', parseTenant)
    .action(async (flags: DbFlags & { tenant?: string }) => {
      await withResources(flags, async (r) => {
        const list = await r.keys.list(flags.tenant);
        for (const k of list) out(flags.json ? JSON.stringify(k) : line(k));
        if (!flags.json) io.stderr.write(`${list.length} keys\n`);
      });
    });

  withDb(keys.command('revoke'))
    .description('revoke an API key')
    .argument('<id>', 'key id (key_…)', parseKeyId)
    .action(async (id: string, flags: DbFlags) => {
      await withResources(flags, async (r) => {
        const record = await r.keys.revoke(id, CLI_ACTOR);
        if (record === undefined) {
          io.stderr.write(`shiming: no key ${id}\n`);
          setExit(2);
          return;
        }
        out(flags.json ? JSON.stringify(record) : line(record));
      });
    });

  return keys;
}
