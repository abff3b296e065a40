/**
 * Types shared by the app and its route families: the Fastify instance with the TypeBox type
 * provider, what every route plugin receives, and the request's `principal`.
 *
 * A route family (the vault's `/v1/subjects`, later) is an encapsulated Fastify plugin:
 *
 * ```ts
 * export const subjectRoutes: RoutePlugin = async (app, ctx) => {
 *   app.post('/', { preHandler: requireRole('registrar'), schema: { body, response: withErrors({ 201: Created }) } },
 *     async (request, reply) => { … ctx.auditLog.record(…) … });
 * };
 * // routes/index.ts: { prefix: '/subjects', tag: 'subjects', plugin: subjectRoutes }
 * ```
 *
 * Routes under `/v1` are authenticated and rate limited before they run; a route without a
 * `requireRole` preHandler is refused when the app starts.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, RawServerDefault } from 'fastify';
import type { AuditLog } from '../audit/log/audit-log.ts';
import type { AuditTables } from '../audit/log/schema.ts';
import type { ShimingConfig } from '../config/config.ts';
import type { Realname } from '../realname/realname.ts';
import type { RealnameTables } from '../realname/schema.ts';
import type { Store } from '../store/store.types.ts';
import type { VaultTables } from '../vault/schema.ts';
import type { Vault } from '../vault/vault.ts';
import type { ApiKeys } from './auth/api-keys.ts';
import type { Principal } from './auth/roles.ts';
import type { ServerTables } from './auth/schema.ts';

/** The tables the server's store holds (layers add theirs here). */
export type ServerDatabase = AuditTables & ServerTables & VaultTables & RealnameTables;

/** The app: Fastify with TypeBox inference of request and reply types. */
export type ShimingApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What every route family receives as its plugin options. */
export interface RouteContext {
  readonly config: ShimingConfig;
  readonly store: Store<ServerDatabase>;
  readonly auditLog: AuditLog;
  readonly keys: ApiKeys;
  /** The encrypted PI vault (subjects, lookups, tokens, policies, KEK rotation). */
  readonly vault: Vault;
  /** Real-name registration (service policies, accounts, verification, enforcement). */
  readonly realname: Realname;
  readonly clock: () => Date;
}

/** An encapsulated plugin adding one family of `/v1` routes. */
export type RoutePlugin = FastifyPluginAsync<RouteContext, RawServerDefault, TypeBoxTypeProvider>;

/** A route family and where it is mounted under `/v1`. */
export interface RouteFamily {
  /** Mount point below `/v1`, e.g. `/audit`. */
  readonly prefix: string;
  /** OpenAPI tag of its routes. */
  readonly tag: string;
  readonly plugin: RoutePlugin;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated key; `null` on routes that need none (/healthz, /readyz, /docs). */
    principal: Principal | null;
  }
}
