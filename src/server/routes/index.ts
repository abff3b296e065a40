/**
 * The `/v1` route families, in the order they are mounted. A new family (the vault's subjects,
 * tokens…) is one file under routes/ with its test beside it, and one line here.
 *
 * @module
 */
import type { RouteFamily } from '../app.types.ts';
import { auditRoutes } from './audit.ts';
import { auditProofRoutes } from './audit-proofs.ts';
import { auditSearchRoutes } from './audit-search.ts';
import { keyRoutes } from './keys.ts';
import { lookupRoutes } from './lookup.ts';
import { policyRoutes } from './policies.ts';
import { realnameAccountRoutes } from './realname-accounts.ts';
import { realnameIdentityRoutes } from './realname-identity.ts';
import { realnameReportRoutes } from './realname-reports.ts';
import { realnameServiceRoutes } from './realname-services.ts';
import { rotationRoutes } from './rotation.ts';
import { subjectRetentionRoutes } from './subject-retention.ts';
import { subjectRoutes } from './subjects.ts';
import { tokenRoutes } from './tokens.ts';
import { whoamiRoutes } from './whoami.ts';

export const V1_ROUTES: readonly RouteFamily[] = [
  { prefix: '', tag: 'keys', plugin: whoamiRoutes },
  { prefix: '/keys', tag: 'keys', plugin: keyRoutes },
  { prefix: '/audit', tag: 'audit', plugin: auditRoutes },
  { prefix: '/audit', tag: 'audit', plugin: auditProofRoutes },
  { prefix: '/audit', tag: 'audit', plugin: auditSearchRoutes },
  { prefix: '/subjects', tag: 'vault', plugin: subjectRoutes },
  { prefix: '/subjects', tag: 'vault', plugin: subjectRetentionRoutes },
  { prefix: '/lookup', tag: 'vault', plugin: lookupRoutes },
  { prefix: '', tag: 'vault', plugin: tokenRoutes },
  { prefix: '/policies', tag: 'vault', plugin: policyRoutes },
  { prefix: '/keys', tag: 'vault', plugin: rotationRoutes },
  { prefix: '/services', tag: 'realname', plugin: realnameServiceRoutes },
  { prefix: '/accounts', tag: 'realname', plugin: realnameAccountRoutes },
  { prefix: '/identity', tag: 'realname', plugin: realnameIdentityRoutes },
  { prefix: '/realname', tag: 'realname', plugin: realnameReportRoutes },
];
