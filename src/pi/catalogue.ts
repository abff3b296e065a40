/**
 * The PI catalogue: every type module by its stable id.
 *
 * @example
 * ```ts
 * import { piType } from 'shiming/pi';
 * piType('CN_MOBILE').mask('13812345678'); // '138****5678'
 * ```
 * @module
 */
import { birthDate } from './birth-date.ts';
import { cnAddress } from './cn-address.ts';
import { cnBankCard } from './cn-bank-card.ts';
import { cnForeignerPrId } from './cn-foreigner-pr-id.ts';
import { cnHmtPermit } from './cn-hmt-permit.ts';
import { cnLandline } from './cn-landline.ts';
import { cnLicensePlate } from './cn-license-plate.ts';
import { cnMobile } from './cn-mobile.ts';
import { cnName } from './cn-name.ts';
import { cnPassport } from './cn-passport.ts';
import { cnResidentId } from './cn-resident-id.ts';
import { cnUscc } from './cn-uscc.ts';
import { email } from './email.ts';
import { hkId } from './hk-id.ts';
import { imei } from './imei.ts';
import { ipAddress } from './ip-address.ts';
import { macAddress } from './mac-address.ts';
import { moId } from './mo-id.ts';
import { twId } from './tw-id.ts';
import { type MaskOptions, PI_TYPE_IDS, type PiType, type PiTypeId } from './types.ts';

const modules: readonly PiType[] = [
  cnResidentId,
  cnMobile,
  cnLandline,
  cnBankCard,
  cnPassport,
  cnHmtPermit,
  hkId,
  moId,
  twId,
  cnForeignerPrId,
  cnUscc,
  cnLicensePlate,
  cnName,
  cnAddress,
  birthDate,
  email,
  ipAddress,
  imei,
  macAddress,
];

/** All types, keyed by id. */
export const CATALOGUE: ReadonlyMap<PiTypeId, PiType> = new Map(modules.map((m) => [m.id, m]));

export class UnknownPiTypeError extends Error {
  readonly code = 'UNKNOWN_PI_TYPE';
  constructor(id: string) {
    super(`unknown PI type "${id}"; known types: ${PI_TYPE_IDS.join(', ')}`);
    this.name = 'UnknownPiTypeError';
  }
}

export function isPiTypeId(id: string): id is PiTypeId {
  return (PI_TYPE_IDS as readonly string[]).includes(id);
}

/** The module for a type id; throws `UnknownPiTypeError` for anything else. */
export function piType(id: string): PiType {
  const m = isPiTypeId(id) ? CATALOGUE.get(id) : undefined;
  if (!m) throw new UnknownPiTypeError(id);
  return m;
}

/**
 * Mask a value of the given type for display (GB/T 35273 conventions).
 *
 * @example
 * ```ts
 * mask('CN_RESIDENT_ID', '11010519491231002X'); // '110105********002X'
 * ```
 */
export function mask(type: PiTypeId | string, value: string, options?: MaskOptions): string {
  return piType(type).mask(value, options);
}
