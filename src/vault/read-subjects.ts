/**
 * Reading subjects, in batches. Each field comes out at the lesser of what the caller asks for
 * (MASKED unless it asks for more) and what the tenant's policy allows the caller's role for this
 * purpose; fields the policy denies are left out and listed by name. Nothing is returned before
 * the audit entries are durable (fail closed).
 *
 * Audit: one `subject.read` entry per subject, naming the fields returned; `subject.read.plain`
 * when at least one value was returned in full, so plain reads stand out in the log.
 *
 * @module
 */
import type { AeadKey } from '../crypto/aead-key.ts';
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
import { fieldId, type Granted, grant, present, REDACTED_VALUE } from './fields.ts';
import { SUBJECT_ID_PATTERN } from './ids.ts';
import { openMaskedView } from './masked-view.ts';
import { type Access, decide } from './policy.ts';
import type { SubjectStatus } from './schema.ts';
import { selectFields, selectSubjects } from './subject-rows.ts';

/** What to read. */
export interface ReadOptions {
  /** Only these fields (default: all the subject has). */
  readonly fields?: readonly string[];
  /** The most the caller wants to see (default `MASKED`); the policy may allow less. */
  readonly access?: Granted;
}

/** One subject as the caller may see it. */
export interface SubjectView {
  readonly id: string;
  readonly status: SubjectStatus;
  /** Field → value as granted (plain, masked, or `[REDACTED]`). */
  readonly fields: Record<string, string>;
  /** Field → the level each value was returned at. */
  readonly access: Record<string, Granted>;
  /** Fields the subject has that the policy does not let the caller see. */
  readonly denied: PiTypeId[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly retainUntil?: string;
  readonly erasedAt?: string;
}

/** The subjects found, in the order asked, and the ids that are not subjects of this tenant. */
export interface ReadResult {
  readonly subjects: SubjectView[];
  readonly notFound: string[];
}

const utf8 = new TextDecoder();

/** Checks a list of subject ids (`INVALID_FIELD` naming the list). */
export function checkIds(ids: readonly string[], name: string): void {
  checkBatch(ids, name);
  for (const [i, id] of ids.entries()) {
    if (typeof id !== 'string' || !SUBJECT_ID_PATTERN.test(id)) {
      throw new VaultError('INVALID_FIELD', `${name} must hold subject ids (sub_…)`, {
        field: name,
        item: i,
      });
    }
  }
}

/**
 * Reads subjects through the tenant's policy.
 * @throws VaultError `INVALID_FIELD`, `POLICY_DENIED` (purpose not on the list), `QUOTA_EXCEEDED`,
 *   `AUDIT_UNAVAILABLE`
 */
export async function readSubjects(
  core: VaultCore,
  ctx: AccessContext,
  ids: readonly string[],
  options: ReadOptions = {},
): Promise<ReadResult> {
  checkContext(ctx);
  checkIds(ids, 'ids');
  const only = options.fields === undefined ? undefined : new Set(options.fields.map((f) => fieldId(f)));
  const requested = options.access ?? 'MASKED';
  const { policy } = await core.policies.get(ctx.tenant);
  await requirePurpose(core, ctx, policy, 'subject.read', ids.length);
  await takeQuota(core, ctx, policy, 'reads', ids.length, 'subject.read');

  const levels = new Map<PiTypeId, Access>();
  const levelOf = (field: PiTypeId): Access => {
    let level = levels.get(field);
    if (level === undefined) {
      level = grant(decide(policy, ctx.role, ctx.purpose, 'read', field), requested);
      levels.set(field, level);
    }
    return level;
  };

  const rows = await selectSubjects(core.db, ctx.tenant, ids);
  // Nothing can come out in full (nor is everything redacted, which needs no decryption at all):
  // subjects with a masked view are read from it (masked-view.ts), the field rows only for others.
  const viewable = requested === 'MASKED';
  const live = [...rows.values()]
    .filter((r) => r.status !== 'erased' && !(viewable && r.maskedView !== null))
    .map((r) => r.id);
  const stored =
    live.length === 0
      ? new Map<string, Map<PiTypeId, Uint8Array>>()
      : await selectFields(core.db, ctx.tenant, live);
  const subjects: SubjectView[] = [];
  const notFound: string[] = [];
  const events = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (row === undefined) {
      notFound.push(id);
      continue;
    }
    const view: SubjectView = {
      id,
      status: row.status,
      fields: {},
      access: {},
      denied: [],
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      ...(row.retainUntil === null ? {} : { retainUntil: row.retainUntil }),
      ...(row.erasedAt === null ? {} : { erasedAt: row.erasedAt }),
    };
    let dek: AeadKey | undefined;
    try {
      if (viewable && row.maskedView !== null && row.status !== 'erased') {
        dek = await core.keys.unwrap(ctx.tenant, id, row.wrappedDek!);
        for (const [field, masked] of openMaskedView(
          core.keys.keyring,
          ctx.tenant,
          id,
          row.maskedView,
          dek,
        )) {
          if (only !== undefined && !only.has(field)) continue;
          // MASKED at most here (the caller did not ask for PLAIN).
          const level = levelOf(field);
          if (level === 'DENY') {
            view.denied.push(field);
            continue;
          }
          view.fields[field] = level === 'MASKED' ? masked : REDACTED_VALUE;
          view.access[field] = level as Granted;
        }
      }
      for (const [field, ciphertext] of stored.get(id) ?? []) {
        if (only !== undefined && !only.has(field)) continue;
        const level = levelOf(field);
        if (level === 'DENY') {
          view.denied.push(field);
          continue;
        }
        let value = '';
        if (level !== 'REDACTED') {
          dek ??= await core.keys.unwrap(ctx.tenant, id, row.wrappedDek!);
          value = utf8.decode(core.keys.keyring.decryptField(ctx.tenant, id, field, ciphertext, dek));
        }
        view.fields[field] = present(field, value, level);
        view.access[field] = level;
      }
    } finally {
      dek?.destroy();
    }
    const returned = Object.keys(view.fields);
    const plain = Object.values(view.access).includes('PLAIN');
    const outcome = returned.length === 0 && view.denied.length > 0 ? 'denied' : 'ok';
    events.push(
      auditEvent(ctx, plain ? 'subject.read.plain' : 'subject.read', outcome, {
        subject: id,
        fields: returned,
      }),
    );
    subjects.push(view);
  }
  await recordAudit(core, events);
  return { subjects, notFound };
}
