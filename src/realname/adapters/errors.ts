/**
 * The one error verification adapters and the chain throw: a programming or configuration error
 * (a method nobody provides, an adapter handed a method it does not implement). Provider problems
 * are never thrown; they are `UPSTREAM_UNAVAILABLE` results. Messages name methods and adapter ids
 * only, never a submitted value.
 *
 * @module
 */

/** Stable codes of {@link AdapterError}. */
export type AdapterErrorCode =
  /** No configured adapter provides the requested method (or the method is unknown). */
  | 'METHOD_NOT_AVAILABLE'
  /** An adapter was called with a method it does not implement. */
  | 'METHOD_NOT_SUPPORTED'
  /** An adapter or chain was built with invalid options. */
  | 'BAD_CONFIGURATION';

export class AdapterError extends Error {
  override readonly name = 'AdapterError';
  readonly code: AdapterErrorCode;
  constructor(code: AdapterErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
