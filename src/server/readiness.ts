/**
 * What `/readyz` checks before saying the server may take traffic. It fails closed: a check that
 * throws or takes too long makes the server not ready, since every PI access must be audited and
 * a server that cannot write the audit log must not serve.
 *
 * @module
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { AuditTables } from '../audit/log/schema.ts';

/** One named check; it throws when not ready. Route families may add their own. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** The database answers. */
export function databaseCheck<DB>(db: Kysely<DB>): ReadinessCheck {
  return {
    name: 'database',
    async check() {
      await sql`select 1`.execute(db);
    },
  };
}

const ROLLBACK = Symbol('rollback');

/**
 * The audit log can be written: a no-op update of the log's state row in a transaction that is
 * rolled back (so a read-only replica, a full disk or missing privileges show here, not at the
 * first PI read), and the signer's state file's directory is writable (checkpoints need it).
 */
export function auditWritableCheck(db: Kysely<AuditTables>, signerStateFile?: string): ReadinessCheck {
  return {
    name: 'audit-log',
    async check() {
      try {
        await db.transaction().execute(async (trx) => {
          await trx.updateTable('audit_logs').set({ size: sql`size` }).where('log_id', '=', 'main').execute();
          throw ROLLBACK;
        });
      } catch (error) {
        if (error !== ROLLBACK) throw error;
      }
      if (signerStateFile !== undefined) await access(dirname(signerStateFile), constants.W_OK);
    },
  };
}

/** A check that failed, with why (for the server log only). */
export interface FailedCheck {
  readonly name: string;
  readonly error: unknown;
}

/** Runs every check (at most `timeoutMs` each); resolves with those that failed. */
export async function failingChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs = 2000,
): Promise<FailedCheck[]> {
  const results = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      });
      try {
        await Promise.race([c.check(), timeout]);
        return undefined;
      } catch (error) {
        return { name: c.name, error };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return results.filter((f): f is FailedCheck => f !== undefined);
}
