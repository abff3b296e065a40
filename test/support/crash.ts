/**
 * What the crash tests share: run a child that prints one line per acknowledged write, SIGKILL it
 * after enough, and give PostgreSQL runs a database of their own.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Runs `script` with `env`, hands each stdout line to `onLine`, and SIGKILLs the child once
 * `onLine` has returned true `acks` times. Rejects if the child exits by itself.
 */
export function runThenKill(
  script: string,
  env: NodeJS.ProcessEnv,
  acks: number,
  onLine: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = 0;
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        onLine(line);
        seen++;
      }
      if (seen >= acks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`${script} exited on its own: ${stderr.slice(-2000)}`));
    });
  });
}

/** A new, empty database on the server of `SHIMING_TEST_PG_URL`: its URL, and how to drop it. */
export async function freshPgDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.SHIMING_TEST_PG_URL ?? '';
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
