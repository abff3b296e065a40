/**
 * Prometheus metrics, one registry per app (so tests and several apps in a process never share
 * series). Labels are closed sets — method, route *pattern* (`/v1/keys/:id`, never the path with
 * its values), status, role, failure reason — so no PI or secret can reach a label.
 *
 * | series                                    | type      | labels                  |
 * |-------------------------------------------|-----------|-------------------------|
 * | `shiming_http_requests_total`             | counter   | method, route, status   |
 * | `shiming_http_request_duration_seconds`   | histogram | method, route, status   |
 * | `shiming_auth_failures_total`             | counter   | reason                  |
 * | `shiming_rate_limited_total`              | counter   | role                    |
 * | `shiming_audit_log_size`                  | gauge     | —                       |
 * | `shiming_audit_checkpoint_size`           | gauge     | —                       |
 * | `shiming_audit_unsigned_entries`          | gauge     | —  (the audit lag)      |
 * | `shiming_audit_checkpoint_age_seconds`    | gauge     | —  (alert with the lag) |
 * | `shiming_verifier_answers`                | gauge     | adapter, outcome        |
 * | `shiming_verifier_billable`               | gauge     | adapter (MATCH+MISMATCH) |
 * | `shiming_realname_enumeration_alerts`     | gauge     | —                       |
 *
 * The verifier series count since the server started (adapter ids come from the configuration,
 * outcomes are the normalized taxonomy): compare `billable` with the vendor's invoice.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditTables } from '../audit/log/schema.ts';
import type { RealnameStats } from '../realname/realname.ts';
import { toBigInt } from '../store/int8.ts';

export interface MetricsOptions {
  /** The committed size of the audit log. */
  readonly auditSize: () => bigint;
  /** The database holding the audit log (for the latest checkpoint's size and time). */
  readonly db: Kysely<AuditTables>;
  readonly clock: () => Date;
  /** The real-name service's counts (adapter answers, enumeration alerts), if it runs here. */
  readonly realname?: () => RealnameStats;
  /** Also export Node's process metrics (CPU, memory, event loop); default false. */
  readonly processMetrics?: boolean;
}

/** The app's registry and the instruments its hooks feed. */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #duration: Histogram<'method' | 'route' | 'status'>;
  readonly authFailures: Counter<'reason'>;
  readonly rateLimited: Counter<'role'>;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'shiming_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'shiming_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.authFailures = new Counter({
      name: 'shiming_auth_failures_total',
      help: 'Requests refused as unauthenticated, by reason (missing, malformed, unknown, revoked, mismatch)',
      labelNames: ['reason'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'shiming_rate_limited_total',
      help: 'Requests refused by the per-key rate limit, by role',
      labelNames: ['role'],
      registers,
    });
    new Gauge({
      name: 'shiming_audit_log_size',
      help: 'Entries committed to the audit log',
      registers,
      collect() {
        this.set(Number(options.auditSize()));
      },
    });
    this.#checkpointGauges(options);
    if (options.realname !== undefined) this.#realnameGauges(options.realname);
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  /** Size and time of the newest checkpoint; size 0 and the log's creation time before the first. */
  async #latestCheckpoint(db: Kysely<AuditTables>): Promise<{ size: bigint; at: Date }> {
    const row = await db
      .selectFrom('audit_checkpoints')
      .select(['size', 'created_at'])
      .where('log_id', '=', 'main')
      .orderBy('size', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row !== undefined) return { size: toBigInt(row.size), at: new Date(row.created_at) };
    const log = await db
      .selectFrom('audit_logs')
      .select('created_at')
      .where('log_id', '=', 'main')
      .executeTakeFirst();
    return { size: 0n, at: new Date(log?.created_at ?? 0) };
  }

  /** Counts one answered request. `route` must be a pattern, never a raw URL. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.#requests.inc(labels);
    this.#duration.observe(labels, seconds);
  }

  #realnameGauges(stats: () => RealnameStats): void {
    const registers = [this.registry];
    new Gauge({
      name: 'shiming_verifier_answers',
      help: 'Verification answers since start, by adapter and normalized outcome',
      labelNames: ['adapter', 'outcome'],
      registers,
      collect() {
        for (const [adapter, c] of Object.entries(stats().adapters)) {
          for (const [outcome, n] of Object.entries(c.outcomes)) this.set({ adapter, outcome }, n);
        }
      },
    });
    new Gauge({
      name: 'shiming_verifier_billable',
      help: 'Billable verification answers (MATCH + MISMATCH) since start, by adapter',
      labelNames: ['adapter'],
      registers,
      collect() {
        for (const [adapter, c] of Object.entries(stats().adapters)) this.set({ adapter }, c.billable);
      },
    });
    new Gauge({
      name: 'shiming_realname_enumeration_alerts',
      help: 'Bursts of failed verifications by one caller since start (see alert.verification-burst entries)',
      registers,
      collect() {
        this.set(stats().enumerationAlerts);
      },
    });
  }

  #checkpointGauges(options: MetricsOptions): void {
    const registers = [this.registry];
    // Two small queries per scrape, shared by the three gauges below.
    let pending: Promise<{ size: bigint; at: Date }> | undefined;
    const latest = () => {
      pending ??= this.#latestCheckpoint(options.db).finally(() => {
        setImmediate(() => {
          pending = undefined;
        });
      });
      return pending;
    };
    new Gauge({
      name: 'shiming_audit_checkpoint_size',
      help: 'Tree size of the latest signed checkpoint',
      registers,
      async collect() {
        this.set(Number((await latest()).size));
      },
    });
    new Gauge({
      name: 'shiming_audit_unsigned_entries',
      help: 'Entries committed but not yet covered by a signed checkpoint (audit lag)',
      registers,
      async collect() {
        const signed = (await latest()).size;
        const size = options.auditSize();
        this.set(Number(size > signed ? size - signed : 0n));
      },
    });
    new Gauge({
      name: 'shiming_audit_checkpoint_age_seconds',
      help: 'Seconds since the latest checkpoint was signed (since the log was created, before the first)',
      registers,
      async collect() {
        const cp = await latest();
        this.set(Math.max(0, (options.clock().getTime() - cp.at.getTime()) / 1000));
      },
    });
  }
}
