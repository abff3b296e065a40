/**
 * The `document` method: an offline check of a resident ID number — format, MOD 11-2 check
 * character, a real birth date not in the future, a region code that existed — plus, when a name
 * is given, that it is shaped like a Chinese personal name. It reaches L1 only: it proves the
 * number is well formed, not that it belongs to the person typing it.
 *
 * It never touches the network and never bills, so it is the fallback when every authority is
 * down and the cheap first gate that stops typos before an authority call is paid for.
 *
 * @module
 */
import { cnName } from '../../pi/cn-name.ts';
import { cnResidentId } from '../../pi/cn-resident-id.ts';
import type {
  VerificationAdapter,
  VerificationOutcome,
  VerificationRequest,
  VerificationResult,
} from '../types.ts';
import { ageBandOfResidentId } from './age.ts';
import { AdapterError } from './errors.ts';

/** Options of {@link DocumentAdapter}. */
export interface DocumentAdapterOptions {
  /** Adapter id (default `document`). */
  readonly id?: string;
  /** Clock, for "born before today" and the age band (default the system clock). */
  readonly now?: () => Date;
  /** Check a submitted name's shape with the `CN_NAME` validator (default true). */
  readonly checkName?: boolean;
}

/** Offline resident-ID check (L1). */
export class DocumentAdapter implements VerificationAdapter {
  readonly id: string;
  readonly methods = ['document'] as const;
  readonly #now: () => Date;
  readonly #checkName: boolean;

  constructor(options: DocumentAdapterOptions = {}) {
    this.id = options.id ?? 'document';
    this.#now = options.now ?? (() => new Date());
    this.#checkName = options.checkName ?? true;
  }

  /** MATCH with level L1 and an age band, or INVALID_INPUT. Throws only for another method. */
  async verify(request: VerificationRequest): Promise<VerificationResult> {
    if (request.method !== 'document')
      throw new AdapterError('METHOD_NOT_SUPPORTED', `adapter ${this.id} does not provide ${request.method}`);
    const started = performance.now();
    const now = this.#now();
    const done = (
      outcome: VerificationOutcome,
      extra: Partial<VerificationResult> = {},
    ): VerificationResult => ({
      outcome,
      method: 'document',
      provider: this.id,
      ...extra,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
      attempts: 1,
    });
    const id = request.residentId;
    // Only the normalised 18-character form: legacy 15-digit numbers must be converted first.
    if (id === undefined || id.length !== 18) return done('INVALID_INPUT');
    if (!cnResidentId.validate(id, { now }).valid) return done('INVALID_INPUT');
    if (request.name !== undefined && this.#checkName && !cnName.validate(request.name).valid)
      return done('INVALID_INPUT');
    const ageBand = ageBandOfResidentId(id, now.getTime());
    if (ageBand === undefined) return done('INVALID_INPUT');
    return done('MATCH', { level: 'L1', ageBand });
  }
}
