/**
 * HTTP load from a worker thread: autocannon with its own event loop, so the server under test
 * does not also run the load generator's JavaScript (before, both shared one event loop, and
 * every request cost the server the client's work too). Both still share the machine's cores.
 *
 * Requests are described by data (structured-clone safe) and built in the worker:
 * - `paths`: GET (or `method`) the paths in turn;
 * - `vault-create`: POST `/v1/subjects` (`per` 1) or `/v1/subjects/batch` (`per` > 1) with fresh
 *   synthetic subjects from `seed`, so no two requests repeat a resident ID;
 * - `accounts`: POST `/v1/accounts` registering and verifying the given people in turn.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import type autocannon from 'autocannon';

export type LoadPlan =
  | { readonly kind: 'paths'; readonly paths: readonly string[] }
  | { readonly kind: 'vault-create'; readonly seed: number; readonly per: number }
  | {
      readonly kind: 'accounts';
      readonly service: string;
      readonly people: readonly { readonly name: string; readonly residentId: string }[];
    };

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Seconds to run (or `amount`). */
  readonly duration?: number;
  /** Requests to send, then stop. */
  readonly amount?: number;
  readonly headers: Record<string, string>;
  readonly plan: LoadPlan;
}

/** Runs autocannon in a worker thread and resolves with its result. */
export function runLoad(options: LoadOptions): Promise<autocannon.Result> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const worker = new Worker(new URL(`./load-worker${ext}`, import.meta.url), { workerData: options });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: autocannon.Result) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with code ${code}`));
    });
  });
}
