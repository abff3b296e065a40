/**
 * What an account looks like from outside: state, level, deadline and what the holder may do, with
 * no identity reference, no vault subject id and no birth date (only whether the holder is a minor).
 *
 * @module
 */
import type { AccountRow } from './core.ts';
import type { ServicePolicy } from './policy.types.ts';
import { type ServiceAccess, serviceAccess } from './transitions.ts';
import type { AccountState, AgeBand, AssuranceLevel, VerificationMethod } from './types.ts';

export interface AccountView {
  readonly id: string;
  readonly service: string;
  readonly state: AccountState;
  /** Reason code of the last transition. */
  readonly reason: string;
  /** What the holder may do now. */
  readonly access: ServiceAccess;
  readonly level: AssuranceLevel | null;
  readonly method: VerificationMethod | null;
  readonly verifiedAt: string | null;
  /** When enforcement takes the next step unless the holder verifies. */
  readonly deadlineAt: string | null;
  readonly ageBand: AgeBand | null;
  /** True while the verified holder is under 18. */
  readonly minor: boolean;
  /** True if the account is bound to a verified identity. */
  readonly bound: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** True from 00:00 Beijing time on `adultOn` (China has no daylight saving time). */
function adultAt(adultOn: string, now: Date): boolean {
  return now.getTime() >= Date.parse(`${adultOn}T00:00:00+08:00`);
}

/** The outside view of `row` under its service's `policy`, at `now`. */
export function accountView(row: AccountRow, policy: ServicePolicy | undefined, now: Date): AccountView {
  const requiredWithoutGrace = policy?.realName.required === true && policy.realName.graceDays === 0;
  const minor =
    row.adult_on !== null ? !adultAt(row.adult_on, now) : row.age_band !== null && row.age_band !== '18+';
  return {
    id: row.account_id,
    service: row.service,
    state: row.state,
    reason: row.reason,
    access: serviceAccess(row.state, requiredWithoutGrace),
    level: row.level as AssuranceLevel | null,
    method: row.method as VerificationMethod | null,
    verifiedAt: row.verified_at,
    deadlineAt: row.deadline_at,
    ageBand: row.age_band as AgeBand | null,
    minor,
    bound: row.identity_ref !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
