/**
 * A service policy: the *scope* (which fields a service may collect and keep, for how long) and
 * the *means* (whether real name is required, at which assurance level, by which methods) of one
 * service, plus its accounts-per-identity limit, minors' handling, grace periods and
 * re-verification triggers. Parsed and checked by `policy.ts`; example policies in `policies/`.
 *
 * @module
 */
import type { PiTypeId } from '../pi/types.ts';
import type { AssuranceLevel, VerificationMethod } from './types.ts';

/** Days of the week as the play-window rules name them, plus statutory holidays. */
export type PlayDay = 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN' | 'HOLIDAY';

export interface PlayWindow {
  readonly days: readonly PlayDay[];
  /** `HH:MM` local time (the policy's time zone), inclusive. */
  readonly from: string;
  /** `HH:MM` local time, exclusive. */
  readonly to: string;
}

export interface MinorsPolicy {
  /** Below this age the service refuses the account outright (e.g. 16 for live-stream hosts). */
  readonly minimumAge?: number;
  /** Below this age a guardian's verified consent is required first (14 under the PI rules). */
  readonly guardianConsentUnder: number;
  /** Online games: when minors may play (NPPA 2021: Fri, Sat, Sun and holidays 20:00–21:00). */
  readonly play?: {
    readonly timeZone: string;
    readonly windows: readonly PlayWindow[];
    /** Statutory holidays (`YYYY-MM-DD`), played as `HOLIDAY`. */
    readonly holidays: readonly string[];
    /** Make-up working days (`YYYY-MM-DD`): never a weekend window even on a Saturday or Sunday. */
    readonly workdays: readonly string[];
  };
}

export interface RetainedField {
  readonly field: PiTypeId;
  /** Kept this many days after the account is closed, then erased (telecom: 730). */
  readonly daysAfterClose: number;
}

/** Re-verification deadlines, in hours, per risk trigger; an absent trigger is ignored. */
export interface ReverificationPolicy {
  readonly phoneChange?: number;
  readonly deviceChange?: number;
  readonly fraudFlag?: number;
}

export interface ServicePolicy {
  /** Service id (`[a-z0-9][a-z0-9_.-]{0,63}`), unique within the tenant. */
  readonly service: string;
  readonly version: 1;
  /** Human-readable name, shown to the user in the footprint. */
  readonly displayName: string;
  readonly realName: {
    readonly required: boolean;
    readonly minimumLevel: AssuranceLevel;
    /** Methods accepted, each reaching at least `minimumLevel`. */
    readonly methods: readonly VerificationMethod[];
    /** Days an unverified account may be used before it is notified. */
    readonly graceDays: number;
    /** Days from notice to restriction. */
    readonly noticeDays: number;
    /** Days from restriction to suspension. */
    readonly restrictDays: number;
  };
  readonly fields: {
    /** Fields a request may carry; any other is refused with `FIELD_OUT_OF_SCOPE`. */
    readonly collect: readonly PiTypeId[];
    /** Fields kept in the vault after verification (a subset of `collect`); the rest are dropped. */
    readonly retain: readonly RetainedField[];
  };
  /** Active accounts per identity, counted across every service of the tenant sharing `scope`. */
  readonly accountsPerIdentity?: { readonly limit: number; readonly scope: string };
  readonly minors: MinorsPolicy;
  readonly reverification: ReverificationPolicy;
}
