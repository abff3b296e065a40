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

/** One accepted form of a number that has no public check digit. */
export interface DocumentForm {
  readonly re: RegExp;
  readonly kind: string;
  readonly score: number;
}

const NO_CHECKSUM: readonly Check[] = Object.freeze([check('format', true), check('checksum', undefined)]);

/**
 * `validate` for numbers checked by format only (passports, travel permits): the first form that
 * matches the normalised value decides kind and score; lengths outside `[min, max]` fail at once.
 */
export function formsValidator(
  forms: readonly DocumentForm[],
  minLength: number,
  maxLength: number,
  normalise: (value: string) => string,
): (value: string) => Validation {
  const results = forms.map((f) =>
    Object.freeze({ valid: true, score: f.score, kind: f.kind, checks: NO_CHECKSUM }),
  );
  return (value) => {
    const s = normalise(value);
    if (s.length < minLength || s.length > maxLength) return BAD_FORMAT;
    for (let i = 0; i < forms.length; i++) if (forms[i]!.re.test(s)) return results[i]!;
    return BAD_FORMAT;
  };
}
