/**
 * `shiming authority`: run the reference identity authority (docs/authority.md) so adapters, the
 * verifier chain and load tests have a real HTTP counterpart with synthetic people, injectable
 * latency, failures and rate limits. `shiming authority population` writes a synthetic population
 * file to serve later or to share between runs.
 *
 * The server prints its URL on stdout (one line, for scripts) and runs until SIGINT / SIGTERM.
 * Exit codes: 0 ok, 2 usage or input error (a bad population file names the line, not the value).
 *
 * @module
 */
import { Command, InvalidArgumentError } from 'commander';
import { startAuthority } from '../realname/authority/authority-server.ts';
import {
  MAX_POPULATION,
  PopulationError,
  populationStream,
  writePopulation,
} from '../realname/authority/population.ts';
import type { CliIo } from './scan-command.ts';

interface ServeFlags {
  population?: string;
  generate?: number;
  seed?: number;
  minorsShare?: number;
  host: string;
  port: number;
  latencyMs: number;
  jitterMs: number;
  failureRate: number;
  rateLimit: number;
  apiKey?: string[];
}

interface PopulationFlags {
  count: number;
  seed: number;
  out: string;
  minorsShare?: number;
  asOf?: Date;
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1))
    throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0) || !Number.isFinite(n))
    throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

function date(value: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('expected a date YYYY-MM-DD');
  // Noon in Shanghai, so the calendar day is the one written.
  return new Date(`${value}T12:00:00+08:00`);
}

function collect(value: string, previous: string[] = []): string[] {
  if (value.length < 8) throw new InvalidArgumentError('API keys must be at least 8 characters');
  return [...previous, value];
}

const SEED = integer(-2_147_483_648, 4_294_967_295);

export function authorityCommand(io: CliIo, setExit: (code: number) => void): Command {
  const err = (s: string) => io.stderr.write(`shiming authority: ${s}\n`);
  const authority = new Command('authority')
    .description('run the reference identity authority (synthetic people, real HTTP; see docs/authority.md)')
    .option('--population <file>', 'serve the people of this JSONL population file')
    .option('--generate <n>', 'serve n generated people instead of a file', integer(1, MAX_POPULATION))
    .option('--seed <s>', 'seed of the generated people (default 1)', SEED)
    .option('--minors-share <x>', 'share of minors aged 5-17 among generated people (default 0.2)', share)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', integer(0, 65_535), 8090)
    .option('--latency-ms <ms>', 'delay before each verification answer', nonNegative, 0)
    .option('--jitter-ms <ms>', 'random extra delay, 0..ms', nonNegative, 0)
    .option('--failure-rate <x>', 'probability of answering 503', share, 0)
    .option('--rate-limit <n>', 'requests per second per caller (0 = unlimited)', nonNegative, 0)
    .option('--api-key <key>', 'accept this bearer key (repeatable); without one, no key is needed', collect)
    .action(async (flags: ServeFlags) => {
      if ((flags.population === undefined) === (flags.generate === undefined)) {
        err('give either --population FILE or --generate N');
        setExit(2);
        return;
      }
      let server: Awaited<ReturnType<typeof startAuthority>>;
      try {
        server = await startAuthority({
          population:
            flags.population ??
            populationStream({
              count: flags.generate!,
              seed: flags.seed ?? 1,
              ...(flags.minorsShare === undefined ? {} : { minorsShare: flags.minorsShare }),
            }),
          host: flags.host,
          port: flags.port,
          latencyMs: flags.latencyMs,
          latencyJitterMs: flags.jitterMs,
          failureRate: flags.failureRate,
          rateLimit: flags.rateLimit,
          ...(flags.apiKey === undefined ? {} : { apiKeys: flags.apiKey }),
        });
      } catch (error) {
        if (!(error instanceof PopulationError)) throw error;
        err(error.message);
        setExit(2);
        return;
      }
      io.stdout.write(`${server.url}\n`);
      err(`serving ${server.population} synthetic people at ${server.url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          err(`${signal}, shutting down`);
          void server.close().finally(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      const s = server.stats();
      err(
        `stopped after ${s.requests} requests (${s.injectedFailures} injected failures, ${s.rateLimited} rate-limited)`,
      );
    });

  authority
    .command('population')
    .description('write a synthetic population as JSONL (deterministic by seed and --as-of)')
    .requiredOption('--count <n>', 'people to generate', integer(0, MAX_POPULATION))
    .requiredOption('--out <file>', 'output file, or - for stdout')
    .option('--seed <s>', 'seed (default 1)', SEED, 1)
    .option('--minors-share <x>', 'share of minors aged 5-17 (default 0.2)', share)
    .option('--as-of <date>', 'the date ages refer to, YYYY-MM-DD (default today in Asia/Shanghai)', date)
    .action(async (flags: PopulationFlags) => {
      const people = populationStream({
        count: flags.count,
        seed: flags.seed,
        ...(flags.minorsShare === undefined ? {} : { minorsShare: flags.minorsShare }),
        ...(flags.asOf === undefined ? {} : { asOf: flags.asOf }),
      });
      try {
        const n = await writePopulation(people, flags.out === '-' ? io.stdout : flags.out);
        err(`wrote ${n} synthetic people${flags.out === '-' ? '' : ` to ${flags.out}`}`);
      } catch (error) {
        if (!(error instanceof PopulationError)) throw error;
        err(error.message);
        setExit(2);
      }
    });
  return authority;
}
