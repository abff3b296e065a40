/**
 * The contract every PI type module in `src/pi/` fulfils.
 *
 * Type ids are stable public API (they appear in scan reports, SARIF rule ids and, later, vault
 * field types): never rename one.
 *
 * @module
 */

export const PI_TYPE_IDS = [
  'CN_RESIDENT_ID',
  'CN_MOBILE',
  'CN_LANDLINE',
  'CN_BANK_CARD',
  'CN_PASSPORT',
  'CN_HMT_PERMIT',
  'HK_ID',
  'MO_ID',
  'TW_ID',
  'CN_FOREIGNER_PR_ID',
  'CN_USCC',
  'CN_LICENSE_PLATE',
  'CN_NAME',
  'CN_ADDRESS',
  'BIRTH_DATE',
  'EMAIL',
  'IP_ADDRESS',
  'IMEI',
  'MAC_ADDRESS',
] as const;

export type PiTypeId = (typeof PI_TYPE_IDS)[number];

/** One named step of validation, kept so a finding can explain itself without showing the value. */
export interface Check {
  /** e.g. `format`, `checksum`, `date`, `region`, `prefix`, `luhn`, `surname`. */
  readonly name: string;
  /** `true` passed, `false` failed, `undefined` not applicable / can't tell (e.g. no checksum exists). */
  readonly passed: boolean | undefined;
}

/**
 * The outcome of `validate`. `valid` is the hard verdict a form field would use; `score` (0..1) is
 * the intrinsic evidence the value alone carries, before any context is considered. A value can be
 * invalid yet keep a small score (a card number failing Luhn is still possibly a card number).
 */
export interface Validation {
  readonly valid: boolean;
  readonly score: number;
  readonly checks: readonly Check[];
  /** Stable machine-readable reason when invalid, e.g. `BAD_CHECKSUM`, `BAD_DATE`. Never contains the value. */
  readonly reason?: string;
  /** Subtype when the type has several, e.g. `legacy15`, `residence-permit`, `unionpay`, `new-energy`. */
  readonly kind?: string;
}

export interface ValidateOptions {
  /** Reference "now" for date checks (birth dates not in the future). Defaults to the current time. */
  readonly now?: Date;
}

export interface MaskOptions {
  /** Characters kept in clear at the start; each type has its own default. */
  readonly keepStart?: number;
  /** Characters kept in clear at the end; each type has its own default. */
  readonly keepEnd?: number;
  /** The mask character, `*` by default. */
  readonly char?: string;
}

export interface Description {
  readonly zh: string;
  readonly en: string;
}

/** Context words that move a candidate's score when they appear within a few characters of it. */
export interface ContextWords {
  /** Words that raise the score (身份证, 手机, card no …). Matched case-insensitively for ASCII. */
  readonly raise: readonly string[];
  /** Words that lower it (订单号, 流水号, 金额 …). */
  readonly lower?: readonly string[];
}

export interface PiType {
  readonly id: PiTypeId;
  /** PIPL Art. 28 "sensitive personal information" (ID numbers, financial accounts, precise location…). */
  readonly sensitive: boolean;
  readonly description: Description;
  readonly context: ContextWords;
  /**
   * Column or JSON key names that mean "this field holds values of this type", lower-case for ASCII
   * (`id_card`, `sfzh`, `身份证号`). Compared after lower-casing and stripping `_`, `-`, spaces.
   */
  readonly fieldNames: readonly string[];
  /** The canonical form used for comparison, blind indexes and `validate` (e.g. full-width folded, separators removed, upper-case check letter). */
  normalise(value: string): string;
  validate(value: string, options?: ValidateOptions): Validation;
  /** A display mask following the Chinese conventions (GB/T 35273, Hutool `DesensitizedUtil`). */
  mask(value: string, options?: MaskOptions): string;
}
