/**
 * Runs `shiming` from source in a child process, as a user would: exit code and both streams.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The CLI's entry point, run by the pinned Node straight from TypeScript. */
export const CLI_ENTRY = join(import.meta.dirname, '..', '..', 'src', 'cli', 'run.ts');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `shiming ...args` in `cwd` with `env` (added to this process's environment unless `replaceEnv`). */
export function runCli(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; replaceEnv?: boolean; maxBuffer?: number },
): Promise<CliRun> {
  const env = options.replaceEnv === true ? (options.env ?? {}) : { ...process.env, ...options.env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_ENTRY, ...args],
      { cwd: options.cwd, env, ...(options.maxBuffer === undefined ? {} : { maxBuffer: options.maxBuffer }) },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
