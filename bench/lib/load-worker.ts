/**
 * The worker side of `load.ts`: builds the requests its plan describes and runs autocannon.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import { mobile } from '../../test/synth/contacts.ts';
import { residentId } from '../../test/synth/ids.ts';
import { name } from '../../test/synth/names.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import type { LoadOptions } from './load.ts';

const options = workerData as LoadOptions;
const { plan } = options;

function setupRequest(): (req: autocannon.Request) => autocannon.Request {
  let n = 0;
  if (plan.kind === 'paths') {
    return (req) => ({ ...req, path: plan.paths[n++ % plan.paths.length]! });
  }
  if (plan.kind === 'vault-create') {
    const rng = mulberry32(plan.seed);
    const subject = () => ({
      fields: {
        CN_RESIDENT_ID: residentId(rng),
        CN_MOBILE: mobile(rng, { format: 'plain' }),
        CN_NAME: name(rng),
      },
    });
    return (req) => {
      if (plan.per === 1) {
        return { ...req, method: 'POST', path: '/v1/subjects', body: JSON.stringify(subject()) };
      }
      const items = Array.from({ length: plan.per }, subject);
      return { ...req, method: 'POST', path: '/v1/subjects/batch', body: JSON.stringify({ items }) };
    };
  }
  return (req) => {
    const p = plan.people[n++ % plan.people.length]!;
    const body = {
      service: plan.service,
      verification: { method: 'id-two-factor', fields: { CN_NAME: p.name, CN_RESIDENT_ID: p.residentId } },
    };
    return { ...req, method: 'POST', path: '/v1/accounts', body: JSON.stringify(body) };
  };
}

const opts = {
  url: options.url,
  connections: options.connections,
  ...(options.duration !== undefined ? { duration: options.duration } : {}),
  ...(options.amount !== undefined ? { amount: options.amount } : {}),
  headers: options.headers,
};
// Off the main thread autocannon returns its raw per-worker result (it expects to be one of its
// own workers); aggregating it gives the usual shape.
const raw = await autocannon({ ...opts, requests: [{ setupRequest: setupRequest() }] });
const result = autocannon.aggregateResult([raw], opts);
// Only what the benchmarks read (the full result holds histograms that need not cross threads).
parentPort!.postMessage({
  requests: { total: result.requests.total, average: result.requests.average },
  latency: { p50: result.latency.p50, p99: result.latency.p99, average: result.latency.average },
  non2xx: result.non2xx,
  errors: result.errors,
  duration: result.duration,
  '2xx': result['2xx'],
} satisfies autocannon.Result);
