/**
 * The reference identity authority: a synthetic population and an HTTP server speaking the wire
 * contract of `docs/authority.md`, for exercising verification adapters end to end.
 *
 * @module
 */
export {
  AUTHORITY_ROUTES,
  type AuthorityOptions,
  type AuthorityRequestEvent,
  type AuthorityServer,
  type AuthorityStats,
  type InvalidReason,
  startAuthority,
} from './authority-server.ts';
export {
  IdentityAppError,
  type IdentityAppErrorCode,
  type RequestAuthDataOptions,
  requestAuthData,
} from './identity-app.ts';
export {
  CARRIERS,
  carrierOfMobile,
  type GeneratePopulationOptions,
  generatePopulation,
  isNetworkIdentity,
  MAX_POPULATION,
  PERSON_STATUSES,
  type Person,
  type PersonMobile,
  type PersonStatus,
  PopulationError,
  type PopulationErrorCode,
  personToLine,
  populationStream,
  readPopulation,
  residentIdProblem,
  validatePerson,
  writePopulation,
} from './population.ts';
export { PopulationIndex, type RegisteredMobile, type RegisteredPerson } from './registry.ts';
