/**
 * The PI catalogue: type ids, validators, normalisers and masks.
 *
 * @module
 */
export { CATALOGUE, isPiTypeId, mask, piType, UnknownPiTypeError } from './catalogue.ts';
export type {
  Check,
  ContextWords,
  Description,
  MaskOptions,
  PiType,
  PiTypeId,
  ValidateOptions,
  Validation,
} from './types.ts';
export { PI_TYPE_IDS } from './types.ts';
