/**
 * The real-name layer's tables (DESIGN.md §7: `tenant_id` leads every key, no foreign keys, no
 * sequences, prefixed random ids, ISO 8601 UTC times that sort as they compare).
 *
 * Nothing here is PI. An identity is known only by its *identity reference*: a keyed HMAC of the
 * normalised resident ID (or of the opaque network identity number) under a per-tenant key derived
 * from the root key, which the database never holds. Retained fields live encrypted in the vault;
 * an account row names its vault subject.
 *
 * | table                    | one row per                                         | key                                 |
 * |--------------------------|-----------------------------------------------------|-------------------------------------|
 * | `realname_policies`      | service: its policy document                         | (tenant, service)                   |
 * | `realname_accounts`      | account of a service: state, level, deadline         | (tenant, account)                   |
 * | `realname_transitions`   | state change of an account: from, to, reason, actor  | (tenant, account, seq)              |
 * | `realname_verifications` | verification attempt: method, provider, outcome      | (tenant, verification)              |
 * | `realname_identities`    | verified identity: its vault subject for identity fields | (tenant, identity ref)          |
 * | `realname_slots`         | (limit scope, identity): accounts bound now          | (tenant, scope, identity ref)       |
 * | `realname_bans`          | (service, identity) barred from registering again    | (tenant, service, identity ref)     |
 * | `realname_reports`       | "not mine" report by a person about an account        | (tenant, report)                    |
 *
 * @module
 */
import { sql } from 'kysely';
import type { Migration } from '../store/migration.types.ts';
import type { AccountState } from './types.ts';

export interface RealnamePoliciesTable {
  tenant_id: string;
  service: string;
  version: number;
  document: string;
  updated_at: string;
  updated_by: string;
}

export interface RealnameAccountsTable {
  tenant_id: string;
  account_id: string;
  service: string;
  state: AccountState;
  /** Reason code of the last transition. */
  reason: string;
  /** Bumped by every transition: optimistic concurrency and the transition's sequence number. */
  seq: number;
  /** Level reached by the last successful verification. */
  level: string | null;
  method: string | null;
  verified_at: string | null;
  /** Identity reference, set by the first successful verification. */
  identity_ref: string | null;
  /** Limit scope the account holds a slot in (NULL: none). */
  slot_scope: string | null;
  /** Vault subject of the account's own retained fields (e.g. the login mobile). */
  subject_id: string | null;
  /** Next enforcement deadline (grace end, notice end, restriction end), or NULL. */
  deadline_at: string | null;
  /** Age band at verification. */
  age_band: string | null;
  /** For a minor verified by ID number: the date of the 18th birthday (`YYYY-MM-DD`); else NULL. */
  adult_on: string | null;
  /** The guardian's account that consented (minors under the policy's consent age). */
  guardian_account: string | null;
  /** Business serial of a network-identity attempt in progress. */
  pending_biz_seq: string | null;
  created_at: string;
  updated_at: string;
}

export interface RealnameTransitionsTable {
  tenant_id: string;
  account_id: string;
  seq: number;
  from_state: string | null;
  to_state: string;
  reason: string;
  actor: string;
  at: string;
}

export interface RealnameVerificationsTable {
  tenant_id: string;
  verification_id: string;
  account_id: string;
  method: string;
  provider: string;
  provider_request_id: string | null;
  outcome: string;
  level: string | null;
  /** Comma-separated mismatching elements. */
  mismatch: string | null;
  age_band: string | null;
  attempts: number;
  latency_ms: number;
  actor: string;
  at: string;
}

export interface RealnameIdentitiesTable {
  tenant_id: string;
  identity_ref: string;
  /** Vault subject holding the identity fields a policy retains (name, ID number); NULL if none. */
  subject_id: string | null;
  created_at: string;
}

export interface RealnameSlotsTable {
  tenant_id: string;
  scope: string;
  identity_ref: string;
  used: number;
}

export interface RealnameBansTable {
  tenant_id: string;
  service: string;
  identity_ref: string;
  reason: string;
  at: string;
  actor: string;
}

export interface RealnameReportsTable {
  tenant_id: string;
  report_id: string;
  account_id: string;
  /** The account of the person who reported (same identity). */
  reporter_account: string;
  status: 'open' | 'resolved';
  created_at: string;
}

export interface RealnameTables {
  realname_policies: RealnamePoliciesTable;
  realname_accounts: RealnameAccountsTable;
  realname_transitions: RealnameTransitionsTable;
  realname_verifications: RealnameVerificationsTable;
  realname_identities: RealnameIdentitiesTable;
  realname_slots: RealnameSlotsTable;
  realname_bans: RealnameBansTable;
  realname_reports: RealnameReportsTable;
}

/** Applied after the vault's. */
export const REALNAME_MIGRATIONS: readonly Migration[] = [
  {
    id: 'realname/0001-tables',
    async up(db) {
      await db.schema
        .createTable('realname_policies')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('realname_policies_pk', ['tenant_id', 'service'])
        .execute();
      await db.schema
        .createTable('realname_accounts')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('level', 'text')
        .addColumn('method', 'text')
        .addColumn('verified_at', 'text')
        .addColumn('identity_ref', 'text')
        .addColumn('slot_scope', 'text')
        .addColumn('subject_id', 'text')
        .addColumn('deadline_at', 'text')
        .addColumn('age_band', 'text')
        .addColumn('adult_on', 'text')
        .addColumn('guardian_account', 'text')
        .addColumn('pending_biz_seq', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('realname_accounts_pk', ['tenant_id', 'account_id'])
        .addCheckConstraint(
          'realname_accounts_state',
          sql`state in ('unverified', 'pending', 'verified', 'rejected', 'notified', 'restricted', 'suspended', 'closed', 'banned')`,
        )
        .execute();
      // The enforcement job: accounts whose deadline has passed, across tenants, in deadline order
      // (partial: verified accounts without a deadline are not in it).
      await db.schema
        .createIndex('realname_accounts_deadline')
        .on('realname_accounts')
        .columns(['deadline_at', 'tenant_id', 'account_id'])
        .where(sql.ref('deadline_at'), 'is not', null)
        .execute();
      // The footprint: every account of one identity.
      await db.schema
        .createIndex('realname_accounts_identity')
        .on('realname_accounts')
        .columns(['tenant_id', 'identity_ref'])
        .where(sql.ref('identity_ref'), 'is not', null)
        .execute();
      // Reports: counts by service and state.
      await db.schema
        .createIndex('realname_accounts_service_state')
        .on('realname_accounts')
        .columns(['tenant_id', 'service', 'state'])
        .execute();
      await db.schema
        .createTable('realname_transitions')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('realname_transitions_pk', ['tenant_id', 'account_id', 'seq'])
        .execute();
      await db.schema
        .createTable('realname_verifications')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('verification_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('provider_request_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('level', 'text')
        .addColumn('mismatch', 'text')
        .addColumn('age_band', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('realname_verifications_pk', ['tenant_id', 'verification_id'])
        .execute();
      await db.schema
        .createIndex('realname_verifications_account')
        .on('realname_verifications')
        .columns(['tenant_id', 'account_id', 'at'])
        .execute();
      await db.schema
        .createTable('realname_identities')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('identity_ref', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('realname_identities_pk', ['tenant_id', 'identity_ref'])
        .execute();
      await db.schema
        .createTable('realname_slots')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('identity_ref', 'text', (c) => c.notNull())
        .addColumn('used', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('realname_slots_pk', ['tenant_id', 'scope', 'identity_ref'])
        .addCheckConstraint('realname_slots_used', sql`used >= 0`)
        .execute();
      await db.schema
        .createTable('realname_bans')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('identity_ref', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('realname_bans_pk', ['tenant_id', 'service', 'identity_ref'])
        .execute();
      await db.schema
        .createTable('realname_reports')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('report_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('reporter_account', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('realname_reports_pk', ['tenant_id', 'report_id'])
        .execute();
    },
  },
];
