/**
 * `shiming serve`: the HTTP API. On a first start with no configuration it creates `./data/` (the
 * SQLite database), the root key file, and an admin API key that it prints once — like Vault's dev
 * mode — then listens on 127.0.0.1:8080. SIGINT / SIGTERM stop it gracefully: no new connections,
 * requests in flight finish, the audit sequencer commits what it holds, the database closes.
 *
 * @module
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, type ShimingConfig } from '../config/config.ts';
import { buildApp } from '../server/app.ts';
import type { ApiKeys } from '../server/auth/api-keys.ts';
import { openServerResources } from '../server/open-server-resources.ts';
import type { CliIo } from './scan-command.ts';

interface ServeFlags {
  host?: string;
  port?: number;
  data?: string;
  database?: string;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65_535)
    throw new InvalidArgumentError('expected a port from 0 to 65535');
  return n;
}

/** Creates the first admin key when the database has never had one; returns its token. */
async function bootstrapAdminKey(keys: ApiKeys, config: ShimingConfig): Promise<string | undefined> {
  if ((await keys.count()) > 0) return undefined;
  const { token } = await keys.create(
    { tenant: config.server.bootstrapTenant, role: 'admin', name: 'bootstrap-admin' },
    { actor: 'bootstrap', role: 'system' },
  );
  return token;
}

function keyBanner(token: string, tenant: string): string {
  const rule = '='.repeat(78);
  return [
    rule,
    ` First start: created an admin API key for tenant "${tenant}".`,
    ' It is shown ONCE and cannot be recovered (only a keyed hash is stored):',
    '',
    `     ${token}`,
    '',
    ' Keep it in a password manager. Use it as `Authorization: Bearer <key>`; create',
    ' further keys with POST /v1/keys or `shiming keys create`.',
    rule,
    '',
  ].join('\n');
}

export function serveCommand(io: CliIo): Command {
  return new Command('serve')
    .description(
      'run the HTTP API (OpenAPI at /docs); creates data, keys and an admin API key on first start',
    )
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or SHIMING_HOST)')
    .option(
      '--port <port>',
      'port to listen on; 0 picks a free one (default 8080, or SHIMING_PORT)',
      parsePort,
    )
    .option('--data <dir>', 'data directory (default ./data, or SHIMING_DATA_DIR)')
    .option(
      '--database <url>',
      'database URL (postgres://… or sqlite:FILE; default SQLite in the data directory)',
    )
    .action(async (flags: ServeFlags) => {
      const config = loadConfig({
        overrides: {
          ...(flags.data === undefined ? {} : { dataDir: flags.data }),
          ...(flags.database === undefined ? {} : { databaseUrl: flags.database }),
          ...(flags.host === undefined ? {} : { host: flags.host }),
          ...(flags.port === undefined ? {} : { port: flags.port }),
        },
      });
      const resources = await openServerResources(config);
      let app: Awaited<ReturnType<typeof buildApp>> | undefined;
      try {
        const token = await bootstrapAdminKey(resources.keys, config);
        if (token !== undefined) io.stdout.write(keyBanner(token, config.server.bootstrapTenant));
        app = await buildApp({
          config,
          store: resources.store,
          auditLog: resources.auditLog,
          keys: resources.keys,
          vault: resources.vault,
          realname: resources.realname,
          logger: { level: config.server.logLevel },
          processMetrics: true,
        });
        const address = await app.listen({ host: config.server.host, port: config.server.port });
        io.stderr.write(`shiming: listening on ${address} (OpenAPI at ${address}/docs)\n`);
      } catch (error) {
        await app?.close().catch(() => {});
        await resources.close().catch(() => {});
        throw error;
      }
      const running = app;
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals) => {
          if (stopping) {
            io.stderr.write(`shiming: ${signal} again, exiting now\n`);
            process.exit(1);
          }
          stopping = true;
          io.stderr.write(`shiming: ${signal}, shutting down\n`);
          // Stop accepting and finish requests in flight, then flush the audit log and close.
          running
            .close()
            .catch((error: unknown) => running.log.error({ err: error }, 'closing the server failed'))
            .then(() => resources.close())
            .catch((error: unknown) => io.stderr.write(`shiming: closing failed: ${String(error)}\n`))
            .finally(() => {
              process.off('SIGINT', stop);
              process.off('SIGTERM', stop);
              resolve();
            });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      io.stderr.write('shiming: stopped\n');
    });
}
