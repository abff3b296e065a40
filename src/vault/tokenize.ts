/**
 * Tokens stand for one field of one subject, so partners and logs can carry a reference instead of
 * the value. Three kinds:
 *
 * - `random` (default): `tok_` + 128 random bits. Each call gives a new token.
 * - `deterministic`: `tok_` + HMAC(key of (tenant, field), scope ‖ value), truncated to 128 bits:
 *   equal values give equal tokens within a scope (joins, de-duplication), unrelated ones across
 *   scopes.
 * - `format`: format-valid tokens for `CN_RESIDENT_ID` (18 characters, reserved leading `0`,
 *   valid MOD 11-2 check character) and `CN_MOBILE` (11 digits, leading `2`: no leading digit
 *   inside the mobile format can be reserved, see docs/crypto.md), FF1 per (tenant, field, scope).
 *
 * Every token is stored only as an HMAC (`token_hash`) pointing at (subject, field); detokenizing
 * goes through that row, so a token of an erased subject, or one this vault never issued, gives
 * nothing even when FF1 could reverse it.
 *
 * @module
 */
import type { Insertable } from 'kysely';
import { isCryptoError } from '../crypto/errors.ts';
import { convertLegacy15To18 } from '../pi/cn-resident-id.ts';
import type { PiTypeId } from '../pi/types.ts';
import { chunkRows } from '../store/batch.ts';
import {
  type AccessContext,
  auditEvent,
  checkBatch,
  checkContext,
  recordAudit,
  transact,
  type VaultCore,
} from './core.ts';
import { VaultError } from './errors.ts';
import { FORMAT_TOKEN_FIELDS, fieldId } from './fields.ts';
import { digestId, randomId, SUBJECT_ID_PATTERN, TOKEN_PREFIX } from './ids.ts';
import type { TokenKind, VaultTokensTable } from './schema.ts';
import { selectFields, selectSubjects } from './subject-rows.ts';
import { requireActive } from './update-subjects.ts';

/** One token to issue. */
export interface TokenRequest {
  readonly subject: string;
  readonly field: string;
  /** Default `random`. */
  readonly kind?: TokenKind;
  /** Partner or purpose the token is for: `[A-Za-z0-9_.:-]{0,128}` (default empty). */
  readonly scope?: string;
}

/** An issued token. */
export interface IssuedToken {
  readonly token: string;
  readonly subject: string;
  readonly field: PiTypeId;
  readonly kind: TokenKind;
  readonly scope: string;
}

const SCOPE = /^[A-Za-z0-9_.:-]{0,128}$/;
const KINDS: readonly TokenKind[] = ['random', 'deterministic', 'format'];
const utf8 = new TextDecoder();
const asIs = (value: string): string => value;

/** The HMAC a token is stored under. */
export async function tokenHash(core: VaultCore, tenant: string, token: string): Promise<Uint8Array> {
  return (await core.keys.tokenHash(tenant)).compute(token, asIs);
}

async function formatToken(core: VaultCore, tenant: string, field: PiTypeId, value: string, scope: string) {
  const key = await core.keys.formatToken(tenant, field);
  try {
    if (field === 'CN_MOBILE') return key.tokenizeMobile(value, scope);
    return key.tokenizeResidentId(value.length === 15 ? (convertLegacy15To18(value) ?? value) : value, scope);
  } catch (error) {
    if (!isCryptoError(error, 'INVALID_VALUE')) throw error;
    // 13-digit IoT numbers, or birth dates FF1 cannot pack: say so without the value.
    throw new VaultError('INVALID_FIELD', `this ${field} has no format token (${error.message})`, { field });
  }
}

/**
 * Issues tokens for fields of active subjects.
 * @throws VaultError `INVALID_FIELD` (unknown field, bad kind or scope, a field the subject does
 *   not have), `SUBJECT_NOT_FOUND`, `SUBJECT_ERASED`, `SUBJECT_ARCHIVED`, `AUDIT_UNAVAILABLE`
 */
export async function tokenize(
  core: VaultCore,
  ctx: AccessContext,
  requests: readonly TokenRequest[],
): Promise<IssuedToken[]> {
  checkContext(ctx);
  checkBatch(requests, 'items');
  const tenant = ctx.tenant;
  const parsed = requests.map((r, i) => {
    if (typeof r?.subject !== 'string' || !SUBJECT_ID_PATTERN.test(r.subject)) {
      throw new VaultError('INVALID_FIELD', 'subject must be a subject id (sub_…)', {
        field: 'subject',
        item: i,
      });
    }
    const field = fieldId(r.field, i, 'field');
    const kind = r.kind ?? 'random';
    const scope = r.scope ?? '';
    if (!KINDS.includes(kind)) {
      throw new VaultError('INVALID_FIELD', 'kind must be random, deterministic or format', {
        field: 'kind',
        item: i,
      });
    }
    if (typeof scope !== 'string' || !SCOPE.test(scope)) {
      throw new VaultError('INVALID_FIELD', 'scope must be 0-128 characters of [A-Za-z0-9_.:-]', {
        field: 'scope',
        item: i,
      });
    }
    if (kind === 'format' && !FORMAT_TOKEN_FIELDS.includes(field)) {
      throw new VaultError(
        'INVALID_FIELD',
        `format tokens exist for ${FORMAT_TOKEN_FIELDS.join(' and ')} only`,
        {
          field: 'kind',
          item: i,
        },
      );
    }
    return { subject: r.subject, field, kind, scope };
  });
  const rows = await selectSubjects(
    core.db,
    tenant,
    parsed.map((p) => p.subject),
  );
  for (const [i, p] of parsed.entries()) requireActive(rows.get(p.subject), i);
  const stored = await selectFields(
    core.db,
    tenant,
    parsed.map((p) => p.subject),
  );

  const issued: IssuedToken[] = [];
  for (const [i, p] of parsed.entries()) {
    const ciphertext = stored.get(p.subject)?.get(p.field);
    if (ciphertext === undefined) {
      throw new VaultError('INVALID_FIELD', `the subject has no ${p.field}`, { field: p.field, item: i });
    }
    let token: string;
    if (p.kind === 'random') token = randomId(TOKEN_PREFIX);
    else {
      const dek = await core.keys.unwrap(tenant, p.subject, rows.get(p.subject)!.wrappedDek!);
      let value: string;
      try {
        value = utf8.decode(core.keys.keyring.decryptField(tenant, p.subject, p.field, ciphertext, dek));
      } finally {
        dek.destroy();
      }
      if (p.kind === 'format') token = await formatToken(core, tenant, p.field, value, p.scope);
      else {
        const key = await core.keys.deterministic(tenant, p.field);
        token = digestId(TOKEN_PREFIX, key.compute(`${p.scope}\u0000${value}`, asIs));
      }
    }
    issued.push({ token, ...p });
  }
  const at = core.clock().toISOString();
  const tokenRows: Insertable<VaultTokensTable>[] = [];
  for (const t of issued) {
    tokenRows.push({
      tenant_id: tenant,
      token_hash: await tokenHash(core, tenant, t.token),
      subject_id: t.subject,
      field: t.field,
      kind: t.kind,
      scope: t.scope,
      created_at: at,
    });
  }
  await recordAudit(
    core,
    issued.map((t) =>
      auditEvent(ctx, `token.create.${t.kind}`, 'ok', { subject: t.subject, fields: [t.field] }),
    ),
  );
  await transact(core, async (trx) => {
    for (const chunk of chunkRows(tokenRows, 7, core.dialect)) {
      // Deterministic and format tokens are issued again unchanged: the row is already there.
      await trx
        .insertInto('vault_tokens')
        .values(chunk)
        .onConflict((oc) => oc.columns(['tenant_id', 'token_hash', 'subject_id']).doNothing())
        .execute();
    }
  });
  return issued;
}
