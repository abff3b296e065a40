/**
 * Registering accounts, in batches: each item names a service; its fields are checked against the
 * service's scope (a field the policy does not collect is refused with `FIELD_OUT_OF_SCOPE` and
 * nothing is stored); the account-level fields the policy retains (a login mobile, an address) go
 * encrypted into a vault subject of the account's own; the account starts `unverified`, with a
 * grace deadline if the service requires real name.
 *
 * Identity fields (name, ID number) are not taken here: they are submitted with a verification,
 * checked against the authority, and kept only if the policy retains them.
 *
 * @module
 */
import type { Insertable } from 'kysely';
import { randomId } from '../vault/ids.ts';
import { type AccountView, accountView } from './account-view.ts';
import {
  type AccessContext,
  type AccountRow,
  event,
  graceDeadline,
  MAX_BATCH,
  type RealnameCore,
  record,
  recordQuietly,
  transact,
} from './core.ts';
import { RealnameError } from './errors.ts';
import { IDENTITY_FIELDS, splitRetained } from './fields.ts';
import { checkScope } from './policy.ts';
import type { ServicePolicy } from './policy.types.ts';
import type { RealnameAccountsTable } from './schema.ts';

/** One account to register. */
export interface NewAccount {
  readonly service: string;
  /** PI type id → value: only fields the service's policy collects. */
  readonly fields?: Readonly<Record<string, string>>;
}

export const ACCOUNT_PREFIX = 'acc_';

/**
 * Registers accounts (all or nothing); their views in order.
 * @throws RealnameError `POLICY_NOT_FOUND`, `FIELD_OUT_OF_SCOPE`, `INVALID_FIELD`, `AUDIT_UNAVAILABLE`
 */
export async function registerAccounts(
  core: RealnameCore,
  ctx: AccessContext,
  items: readonly NewAccount[],
): Promise<AccountView[]> {
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH) {
    throw new RealnameError('INVALID_FIELD', `accounts must hold 1 to ${MAX_BATCH} items`, {
      field: 'accounts',
    });
  }
  const now = core.clock();
  const policies: ServicePolicy[] = [];
  const retained: Record<string, string>[] = [];
  for (const [i, item] of items.entries()) {
    const policy = (await core.policies.get(ctx.tenant, item.service)).policy;
    const fields = item.fields ?? {};
    checkScope(policy, fields);
    for (const name of Object.keys(fields)) {
      if ((IDENTITY_FIELDS as readonly string[]).includes(name)) {
        throw new RealnameError(
          'INVALID_FIELD',
          `${name} is an identity field: submit it with a verification, not at registration`,
          { field: `accounts[${i}].fields.${name}` },
        );
      }
    }
    policies.push(policy);
    retained.push(splitRetained(policy, fields).account);
  }

  // Retained account fields go to the vault first (validated there; a bad value fails the batch
  // before any account exists). The vault records its own entries.
  const withFields = retained.flatMap((f, i) => (Object.keys(f).length > 0 ? [i] : []));
  const subjects = new Map<number, string>();
  if (withFields.length > 0) {
    const ids = await core.vault.createSubjects(
      ctx,
      withFields.map((i) => ({ fields: retained[i]! })),
    );
    for (const [k, i] of withFields.entries()) subjects.set(i, ids[k]!);
  }

  const at = now.toISOString();
  const rows: Insertable<RealnameAccountsTable>[] = items.map((item, i) => ({
    tenant_id: ctx.tenant,
    account_id: randomId(ACCOUNT_PREFIX),
    service: item.service,
    state: 'unverified',
    reason: 'REGISTERED',
    seq: 1,
    level: null,
    method: null,
    verified_at: null,
    identity_ref: null,
    slot_scope: null,
    subject_id: subjects.get(i) ?? null,
    deadline_at: graceDeadline(policies[i]!, now),
    age_band: null,
    adult_on: null,
    guardian_account: null,
    pending_biz_seq: null,
    created_at: at,
    updated_at: at,
  }));
  const events = rows.map((r, i) =>
    event(ctx, 'account.unverified', 'ok', {
      subject: r.account_id,
      reason: 'REGISTERED',
      fields: Object.keys(retained[i]!),
    }),
  );
  await record(core, events);
  try {
    await transact(core, async (trx) => {
      for (let i = 0; i < rows.length; i += 200) {
        await trx
          .insertInto('realname_accounts')
          .values(rows.slice(i, i + 200))
          .execute();
      }
      for (let i = 0; i < rows.length; i += 200) {
        await trx
          .insertInto('realname_transitions')
          .values(
            rows.slice(i, i + 200).map((r) => ({
              tenant_id: r.tenant_id,
              account_id: r.account_id,
              seq: 1,
              from_state: null,
              to_state: 'unverified',
              reason: 'REGISTERED',
              actor: ctx.actor,
              at,
            })),
          )
          .execute();
      }
    });
  } catch (error) {
    recordQuietly(
      core,
      rows.map((r) =>
        event(ctx, 'account.unverified', 'error', { subject: r.account_id, reason: 'REGISTERED' }),
      ),
    );
    throw error;
  }
  return rows.map((r, i) => accountView(r as AccountRow, policies[i], now));
}
