/**
 * Fail closed: an operation that must be audited is not done (or not answered) when its entry
 * cannot be written. `recordOrFail` turns a failing log into `AUDIT_UNAVAILABLE` (503), keeping
 * the cause for the server log, while an invalid event stays an `AuditEntryError` (400 naming the
 * field: a purpose that looks like a phone number, say).
 *
 * @module
 */
import { AuditEntryError, type AuditEvent } from '../audit/entry.ts';
import type { AuditLog } from '../audit/log/audit-log.ts';
import { ApiError } from './errors.ts';

/** Records `event`; throws `ApiError('AUDIT_UNAVAILABLE')` if the log cannot take it. */
export async function recordOrFail(log: Pick<AuditLog, 'record'>, event: AuditEvent): Promise<bigint> {
  try {
    const [index] = await log.record(event);
    return index!;
  } catch (error) {
    if (error instanceof AuditEntryError) throw error;
    throw new ApiError('AUDIT_UNAVAILABLE', undefined, { cause: error });
  }
}
