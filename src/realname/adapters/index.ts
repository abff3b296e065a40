/**
 * Verification adapters: the offline `document` check, an HTTP identity authority (reference wire
 * contract), the network-identity flow, and the chain that retries and fails over on outages only.
 *
 * @module
 */
export { ageBandOfResidentId, ageOn, type CalendarDate, dateOfDayNumber, shanghaiDate } from './age.ts';
export { type AdapterCounters, VerifierChain, type VerifierChainOptions } from './chain.ts';
export { DocumentAdapter, type DocumentAdapterOptions } from './document.ts';
export { AdapterError, type AdapterErrorCode } from './errors.ts';
export {
  AUTHORITY_METHODS,
  type AuthorityMethod,
  HttpAuthorityAdapter,
  type HttpAuthorityAdapterOptions,
  retryAfterMs,
} from './http-authority.ts';
export {
  isBizSeq,
  NetworkIdentityAdapter,
  type NetworkIdentityAdapterOptions,
  newBizSeq,
} from './network-identity.ts';
