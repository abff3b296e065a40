/**
 * `shiming audit witness` (run a witness for a regulator) and `shiming audit witness-key` (make its
 * key). The protocol lives in src/audit/witness; this file parses flags and runs the server.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { ED25519_COSIGNATURE, generateNoteKey, isValidKeyName } from '../audit/note-keys.ts';
import { Witness } from '../audit/witness/witness.ts';
import { parseWitnessLogFlags, readWitnessKeyFile } from '../audit/witness/witness-config.ts';
import { startWitnessServer } from '../audit/witness/witness-server.ts';
import { FileWitnessStateStore } from '../audit/witness/witness-state-file.ts';
import type { CliIo } from './scan-command.ts';

function listen(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:7380');
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function witnessCommand(io: CliIo, waitForStop: () => Promise<void> = stopSignal): Command {
  return new Command('witness')
    .description(
      'run a witness: cosign checkpoints of the given logs only when consistent with the last one seen',
    )
    .requiredOption('--state <dir>', 'where the witness keeps the last checkpoint of each log')
    .requiredOption('--key <file>', 'the witness signing key (PRIVATE+KEY+…, type 0x04; mode 0600)')
    .requiredOption(
      '--log <origin=vkey>',
      'a log to witness: its origin and checkpoint key (repeatable)',
      collect,
    )
    .option('--listen <host:port>', 'address to listen on', listen, { host: '127.0.0.1', port: 7380 })
    .action(
      async (opts: { state: string; key: string; log: string[]; listen: { host: string; port: number } }) => {
        let logs: ReturnType<typeof parseWitnessLogFlags>;
        try {
          logs = parseWitnessLogFlags(opts.log);
        } catch (error) {
          throw new InvalidArgumentError(`--log: ${(error as Error).message}`);
        }
        const witness = new Witness({
          key: await readWitnessKeyFile(opts.key),
          logs,
          store: await FileWitnessStateStore.open(opts.state),
          onRefusal: (r) => io.stderr.write(`witness: refused ${r.origin ?? '?'}: ${r.code} (${r.status})\n`),
        });
        const server = await startWitnessServer({ witness, host: opts.listen.host, port: opts.listen.port });
        io.stdout.write(
          `witness ${witness.name} listening on ${server.url}\nverifier key: ${witness.verifierKey}\n`,
        );
        await waitForStop();
        await server.close();
      },
    );
}

export function witnessKeyCommand(io: CliIo): Command {
  return new Command('witness-key')
    .description('make a witness key: writes the private key to FILE (mode 0600) and prints the verifier key')
    .requiredOption('--name <name>', 'the witness name, e.g. witness.regulator.example.cn/shiming-1')
    .requiredOption('--out <file>', 'where to write the private key (never overwritten)')
    .action(async (opts: { name: string; out: string }) => {
      if (!isValidKeyName(opts.name))
        throw new InvalidArgumentError('--name must be non-empty, without spaces or "+"');
      const { skey, vkey } = generateNoteKey(opts.name, ED25519_COSIGNATURE);
      // 'wx': refuse to replace a key someone already depends on.
      const file = await open(opts.out, 'wx', 0o600);
      try {
        await file.writeFile(`${skey}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      io.stdout.write(`${vkey}\n`);
    });
}

/** Resolves on SIGINT or SIGTERM. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
