/**
 * A process that appends audit entries as fast as it can and prints each index the log
 * acknowledged, one per line, the moment `record` resolves. The crash test kills it with SIGKILL
 * mid-stream and then checks that every printed index survived. Configured by the usual SHIMING_*
 * environment (data directory, database URL, key file, checkpoint interval).
 */
import { openAuditLog } from '../../src/audit/log/open-from-config.ts';
import { loadConfig } from '../../src/config/config.ts';

const opened = await openAuditLog(loadConfig());
const log = opened.log;
const inFlight = Number(process.env.APPENDER_IN_FLIGHT ?? 64);
let n = 0;

async function worker(): Promise<void> {
  for (;;) {
    const i = n++;
    const [index] = await log.record({
      actor: `key_${i % 13}`,
      role: 'agent',
      purpose: 'support',
      action: 'subject.read',
      tenant: 'acme',
      subject: log.identifier('CN_MOBILE', `1391234${String(i % 10000).padStart(4, '0')}`),
      outcome: 'ok',
    });
    process.stdout.write(`${index}\n`);
  }
}

process.stderr.write('ready\n');
await Promise.all(Array.from({ length: inFlight }, worker));
