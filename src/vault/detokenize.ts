/**
 * Tokens back to values. The value comes MASKED unless the caller asks for more *and* the policy
 * allows the `detokenize` operation at that level for the caller's role and purpose. Each token
 * answers on its own (a batch mixes found, erased and unknown tokens); all of them count against
 * the `detokenizations` quota, and nothing is returned before the audit entries are durable.
 *
 * @module
 */

import type { AuditEvent } from '../audit/entry.ts';
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
import { type Granted, grant, present } from './fields.ts';
import { decide } from './policy.ts';
import { chunks, hex, selectFields, selectSubjects } from './subject-rows.ts';
import { tokenHash } from './tokenize.ts';

/** A token's answer. */
export type Detokenized =
  | { readonly ok: true; readonly field: PiTypeId; readonly value: string; readonly access: Granted }
  | {
      readonly ok: false;
      readonly error: 'TOKEN_NOT_FOUND' | 'SUBJECT_ERASED' | 'POLICY_DENIED';
      readonly field?: PiTypeId;
    };

/** What to return. */
export interface DetokenizeOptions {
  /** The most the caller wants to see (default `MASKED`). */
  readonly access?: Granted;
}

const MAX_TOKEN = 64;
const utf8 = new TextDecoder();

/**
 * Detokenizes `tokens`, answering each in order.
 * @throws VaultError `INVALID_FIELD`, `POLICY_DENIED` (purpose), `QUOTA_EXCEEDED`, `AUDIT_UNAVAILABLE`
 */
export async function detokenize(
  core: VaultCore,
  ctx: AccessContext,
  tokens: readonly string[],
  options: DetokenizeOptions = {},
): Promise<Detokenized[]> {
  checkContext(ctx);
  checkBatch(tokens, 'tokens');
  tokens.forEach((t, i) => {
    if (typeof t !== 'string' || t.length === 0 || t.length > MAX_TOKEN) {
      throw new VaultError('INVALID_FIELD', `tokens must be 1-${MAX_TOKEN} characters`, {
        field: 'tokens',
        item: i,
      });
    }
  });
  const requested = options.access ?? 'MASKED';
  const tenant = ctx.tenant;
  const { policy } = await core.policies.get(tenant);
  await requirePurpose(core, ctx, policy, 'token.detokenize', tokens.length);
  await takeQuota(core, ctx, policy, 'detokenizations', tokens.length, 'token.detokenize');

  const hashes: Uint8Array[] = [];
  for (const t of tokens) hashes.push(await tokenHash(core, tenant, t));
  const refs = new Map<string, { subject: string; field: PiTypeId }[]>();
  for (const chunk of chunks(hashes)) {
    const rows = await core.db
      .selectFrom('vault_tokens')
      .select(['token_hash', 'subject_id', 'field'])
      .where('tenant_id', '=', tenant)
      .where('token_hash', 'in', chunk)
      .execute();
    for (const r of rows) {
      const key = hex(r.token_hash);
      refs.set(key, [...(refs.get(key) ?? []), { subject: r.subject_id, field: r.field as PiTypeId }]);
    }
  }
  const subjectIds = [...refs.values()].flatMap((list) => list.map((r) => r.subject));
  const subjects = await selectSubjects(core.db, tenant, subjectIds);
  const live = [...subjects.values()].filter((s) => s.status !== 'erased').map((s) => s.id);
  const stored = await selectFields(core.db, tenant, live);

  const results: Detokenized[] = [];
  const events: AuditEvent[] = [];
  let unknown = 0;
  const deks = new Map<string, AeadKey>();
  try {
    for (const hash of hashes) {
      const candidates = refs.get(hex(hash)) ?? [];
      // A deterministic token of a shared value points at several subjects: any live one answers.
      const ref = candidates.find((c) => stored.get(c.subject)?.has(c.field));
      if (ref === undefined) {
        const erased = candidates.find((c) => subjects.get(c.subject)?.status === 'erased');
        if (erased === undefined) {
          unknown++;
          results.push({ ok: false, error: 'TOKEN_NOT_FOUND' });
        } else {
          events.push(
            auditEvent(ctx, 'token.detokenize', 'denied', {
              subject: erased.subject,
              fields: [erased.field],
            }),
          );
          results.push({ ok: false, error: 'SUBJECT_ERASED', field: erased.field });
        }
        continue;
      }
      const level = grant(decide(policy, ctx.role, ctx.purpose, 'detokenize', ref.field), requested);
      if (level === 'DENY') {
        events.push(
          auditEvent(ctx, 'token.detokenize', 'denied', { subject: ref.subject, fields: [ref.field] }),
        );
        results.push({ ok: false, error: 'POLICY_DENIED', field: ref.field });
        continue;
      }
      let value = '';
      if (level !== 'REDACTED') {
        let dek = deks.get(ref.subject);
        if (dek === undefined) {
          dek = await core.keys.unwrap(tenant, ref.subject, subjects.get(ref.subject)!.wrappedDek!);
          deks.set(ref.subject, dek);
        }
        const ciphertext = stored.get(ref.subject)!.get(ref.field)!;
        value = utf8.decode(core.keys.keyring.decryptField(tenant, ref.subject, ref.field, ciphertext, dek));
      }
      const action = level === 'PLAIN' ? 'token.detokenize.plain' : 'token.detokenize';
      events.push(auditEvent(ctx, action, 'ok', { subject: ref.subject, fields: [ref.field] }));
      results.push({ ok: true, field: ref.field, value: present(ref.field, value, level), access: level });
    }
  } finally {
    for (const dek of deks.values()) dek.destroy();
  }
  // Unknown tokens: one entry with their count (probing for tokens leaves a trace too).
  if (unknown > 0) events.push(auditEvent(ctx, 'token.detokenize', 'denied', { count: unknown }));
  await recordAudit(core, events);
  return results;
}
