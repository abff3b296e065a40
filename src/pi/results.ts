/**
 * Building blocks of `Validation` results, shared by the type modules. Results are frozen and
 * reused: `validate` runs on every scan candidate and should not allocate.
 *
 * @module
 */
import type { Check, Validation } from './types.ts';

/** A named validation step. */
export const check = (name: string, passed: boolean | undefined): Check => ({ name, passed });

/** The format step passed. */
export const FORMAT_OK = check('format', true);

/** A frozen failed result: `reason` is a stable code, `score` stays 0 unless a type says otherwise. */
export const failure = (reason: string, checks: readonly Check[], score = 0): Validation =>
  Object.freeze({ valid: false, score, reason, checks: Object.freeze([...checks]) });

/** The value does not have the type's format at all. */
export const BAD_FORMAT: Validation = failure('BAD_FORMAT', [check('format', false)]);
