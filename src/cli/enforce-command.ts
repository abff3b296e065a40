/**
 * `shiming enforce`: runs the real-name enforcement job once over every tenant — unverified
 * accounts past their grace period are notified, notified ones past their notice restricted,
 * restricted ones past their restriction suspended — and prints what it did. `--dry-run` prints
 * what it would do and changes nothing. The server runs the same job on a timer
 * (`realname.enforceIntervalMs`); running both at once is safe (each step is conditional).
 *
 * Exit codes: 0 done, 2 usage or configuration error.
 *
 * @module
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/config.ts';
import type { EnforceResult } from '../realname/enforce.ts';
import { openServerResources } from '../server/open-server-resources.ts';
import type { CliIo } from './scan-command.ts';

interface EnforceFlags {
  data?: string;
  database?: string;
  dryRun?: boolean;
  batch?: number;
  at?: Date;
  json?: boolean;
}

function parseBatch(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 5000) throw new InvalidArgumentError('expected 1 to 5000');
  return n;
}

function parseAt(value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime())) {
    throw new InvalidArgumentError('expected an ISO 8601 time, e.g. 2026-12-01T00:00:00Z');
  }
  return d;
}

function summary(r: EnforceResult): string {
  const lines = [
    `${r.dryRun ? 'would apply' : 'applied'}: ${Object.values(r.transitions).reduce((a, b) => a + (b ?? 0), 0)} transitions over ${r.examined} due accounts in ${(r.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const [reason, n] of Object.entries(r.transitions)) lines.push(`  ${reason.padEnd(22)} ${n}`);
  if (r.cleared > 0) lines.push(`  deadlines cleared      ${r.cleared}`);
  if (r.skipped > 0) lines.push(`  skipped (moved meanwhile) ${r.skipped}`);
  return `${lines.join('\n')}\n`;
}

export function enforceCommand(io: CliIo): Command {
  return new Command('enforce')
    .description('apply real-name deadlines once: notify, restrict, suspend (every tenant)')
    .option('--dry-run', 'print what would happen; change nothing')
    .option('--batch <n>', 'accounts per batch (1-5000, default 2000)', parseBatch)
    .option('--at <time>', 'compare deadlines with this time instead of now (ISO 8601)', parseAt)
    .option('--data <dir>', 'data directory (default ./data, or SHIMING_DATA_DIR)')
    .option('--database <url>', 'database URL (postgres://… or sqlite:FILE)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: EnforceFlags) => {
      const config = loadConfig({
        overrides: {
          ...(flags.data === undefined ? {} : { dataDir: flags.data }),
          ...(flags.database === undefined ? {} : { databaseUrl: flags.database }),
        },
      });
      const resources = await openServerResources(config, {
        log: { checkpointIntervalMs: 0 },
        vaultJobs: false,
        enforcement: false,
      });
      try {
        const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
        const result = await resources.realname.enforce({
          dryRun: flags.dryRun === true,
          ...(flags.batch === undefined ? {} : { batchSize: flags.batch }),
          ...(flags.at === undefined ? {} : { now: flags.at }),
          ...(tty ? { onProgress: (r) => io.stderr.write(`\r${r.examined} due accounts examined`) } : {}),
        });
        if (tty) io.stderr.write('\n');
        io.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : summary(result));
      } finally {
        await resources.close();
      }
    });
}
