/**
 * Finding subjects by value through blind indexes: the value is validated, normalised and
 * HMAC'd with the (tenant, field) index key; the index returns the subjects holding it. Nothing is
 * decrypted and no value is returned, only subject ids.
 *
 * A lookup is a confirmation oracle ("is this ID number registered here?"), so it needs a policy
 * rule allowing `lookup` on the field for the caller's role and purpose, counts against the
 * `lookups` quota, and is audited: one `subject.lookup` entry per subject found, or — when nothing
 * is found — one entry naming the value's audit HMAC, so that the searches for a person's number
 * can be found in the log later.
 *
 * @module
 */
import type { PiTypeId } from '../pi/types.ts';
import {
  type AccessContext,
  auditEvent,
  checkBatch,
  checkContext,
  recordAudit,
  requirePurpose,
  takeQuota,
  type VaultCore,
} from './core.ts';
import { VaultError } from './errors.ts';
import { fieldId, normaliseValue } from './fields.ts';
import { decide } from './policy.ts';
import { hex, selectByDigest } from './subject-rows.ts';

/** One value to look up. */
export interface LookupQuery {
  /** An indexed PI type id. */
  readonly field: string;
  readonly value: string;
}

const asIs = (value: string): string => value;

/**
 * The subjects holding each value (ids, sorted), in query order.
 * @throws VaultError `INVALID_FIELD` (unknown, not indexed, or invalid value), `POLICY_DENIED`,
 *   `QUOTA_EXCEEDED`, `AUDIT_UNAVAILABLE`
 */
export async function lookup(
  core: VaultCore,
  ctx: AccessContext,
  queries: readonly LookupQuery[],
): Promise<string[][]> {
  checkContext(ctx);
  checkBatch(queries, 'queries');
  const now = core.clock();
  const parsed = queries.map((q, i) => {
    const field = fieldId(q?.field, i, 'field');
    if (!core.indexedFields.has(field)) {
      throw new VaultError('INVALID_FIELD', `${field} has no blind index, so it cannot be looked up`, {
        field: 'field',
        item: i,
      });
    }
    return { field, value: normaliseValue(field, q.value, i, now) };
  });
  const { policy } = await core.policies.get(ctx.tenant);
  await requirePurpose(core, ctx, policy, 'subject.lookup', queries.length);
  for (const [i, q] of parsed.entries()) {
    if (decide(policy, ctx.role, ctx.purpose, 'lookup', q.field) === 'DENY') {
      await recordAudit(core, [auditEvent(ctx, 'subject.lookup', 'denied', { fields: [q.field] })]);
      throw new VaultError(
        'POLICY_DENIED',
        `the policy does not allow looking up ${q.field} for this purpose`,
        {
          field: q.field,
          item: i,
        },
      );
    }
  }
  await takeQuota(core, ctx, policy, 'lookups', queries.length, 'subject.lookup');

  const digests: Uint8Array[] = [];
  const byField = new Map<PiTypeId, Uint8Array[]>();
  for (const q of parsed) {
    const digest = (await core.keys.blindIndex(ctx.tenant, q.field)).compute(q.value, asIs);
    digests.push(digest);
    byField.set(q.field, [...(byField.get(q.field) ?? []), digest]);
  }
  const found = new Map<string, string[]>();
  for (const [field, list] of byField) {
    for (const [digest, subjects] of await selectByDigest(core.db, ctx.tenant, field, list)) {
      found.set(`${field}/${digest}`, subjects);
    }
  }
  const results = parsed.map((q, i) => found.get(`${q.field}/${hex(digests[i]!)}`) ?? []);
  const events = parsed.flatMap((q, i) => {
    const subjects = results[i]!;
    if (subjects.length === 0) {
      const subject = core.audit.identifier(q.field, q.value);
      return [auditEvent(ctx, 'subject.lookup', 'ok', { subject, fields: [q.field], count: 0 })];
    }
    return subjects.map((subject) => auditEvent(ctx, 'subject.lookup', 'ok', { subject, fields: [q.field] }));
  });
  await recordAudit(core, events);
  return results;
}
