/**
 * The four example policies, parsed. The JSON files beside this module are the single source:
 * importing them here makes the compiler copy them into `dist/` (only what a module imports is
 * emitted), so {@link loadExamplePolicies} finds them there too, and a broken example fails at
 * load time instead of in a customer's hands.
 *
 * What each example serves, rule by rule: `docs/realname-policies.md`.
 *
 * @module
 */
import { parseServicePolicy } from '../policy.ts';
import type { ServicePolicy } from '../policy.types.ts';
import game from './game.json' with { type: 'json' };
import publicService from './public-service.json' with { type: 'json' };
import social from './social.json' with { type: 'json' };
import telecom from './telecom.json' with { type: 'json' };

export type ExamplePolicyName = 'telecom' | 'social' | 'game' | 'public-service';

/** Example policies by service id (the file name without `.json`). */
export const EXAMPLE_POLICIES: Readonly<Record<ExamplePolicyName, ServicePolicy>> = Object.freeze({
  telecom: parseServicePolicy(telecom),
  social: parseServicePolicy(social),
  game: parseServicePolicy(game),
  'public-service': parseServicePolicy(publicService),
});
