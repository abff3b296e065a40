/**
 * Run a child process and measure it: wall time, exit status and peak resident memory (GNU
 * `/usr/bin/time -f %M` when available, else by polling `/proc/<pid>/status` VmHWM).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunOptions {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Write stdout here (else it is read line by line through `onLine`, or dropped). */
  readonly stdoutFile?: string;
  readonly onLine?: (line: string) => void;
  /** Measure peak RSS. */
  readonly rss?: boolean;
  readonly timeoutMs?: number;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly wallMs: number;
  /** Peak resident set size in kB (undefined when not measured). */
  readonly peakRssKB: number | undefined;
  readonly rssMethod: 'gnu-time' | 'proc-vmhwm' | 'none';
  readonly stderrTail: string;
  readonly timedOut: boolean;
}

const GNU_TIME = '/usr/bin/time';
let tmpCounter = 0;

function readVmHwm(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s*kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function run(opts: RunOptions): Promise<RunResult> {
  const useTime = opts.rss === true && existsSync(GNU_TIME);
  const timeFile = join(tmpdir(), `shiming-bench-time-${process.pid}-${tmpCounter++}.txt`);
  const cmd = useTime ? GNU_TIME : opts.cmd;
  const args = useTime ? ['-f', '%M', '-o', timeFile, opts.cmd, ...opts.args] : [...opts.args];
  const started = performance.now();
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', opts.stdoutFile || opts.onLine ? 'pipe' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-8000);
  });
  let fileDone: Promise<void> = Promise.resolve();
  if (opts.stdoutFile && child.stdout) {
    const ws = createWriteStream(opts.stdoutFile);
    fileDone = new Promise((res) => ws.on('close', () => res()));
    child.stdout.pipe(ws);
  } else if (opts.onLine && child.stdout) {
    const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
    rl.on('line', opts.onLine);
  }
  let polled: number | undefined;
  const poll =
    opts.rss === true && !useTime && child.pid !== undefined
      ? setInterval(() => {
          const v = readVmHwm(child.pid!);
          if (v !== undefined) polled = Math.max(polled ?? 0, v);
        }, 50)
      : undefined;
  let timedOut = false;
  const timer =
    opts.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', async (code, signal) => {
      const wallMs = performance.now() - started;
      await fileDone;
      if (poll) clearInterval(poll);
      if (timer) clearTimeout(timer);
      let peak: number | undefined = polled;
      if (useTime) {
        try {
          const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
          const n = Number(lines[lines.length - 1]);
          if (Number.isFinite(n)) peak = n;
          // GNU time reports "Command exited with non-zero status N" first; keep the child's code.
        } catch {
          // no report: leave undefined
        }
        rmSync(timeFile, { force: true });
      }
      resolve({
        code,
        signal,
        wallMs,
        peakRssKB: peak,
        rssMethod: opts.rss !== true ? 'none' : useTime ? 'gnu-time' : 'proc-vmhwm',
        stderrTail: stderr,
        timedOut,
      });
    });
  });
}
