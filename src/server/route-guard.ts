/**
 * onRoute hooks of the authenticated scope. `guardRoutes` fails the app's start when a route
 * there has no `requireRole` preHandler — an unguarded route is a bug to catch at boot, not in
 * production — and writes the admitted roles and the security scheme into the route's OpenAPI
 * entry. `tagRoutes` gives a family's routes their OpenAPI tag.
 *
 * @module
 */
import type { RouteOptions } from 'fastify';
import { rolesOf } from './auth/require-role.ts';

/** One route of the app, as `routesOf(app)` lists it. */
export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  readonly schema: unknown;
}

type MutableSchema = {
  description?: string;
  security?: Record<string, string[]>[];
  tags?: string[];
};

function schemaOf(route: RouteOptions): MutableSchema {
  route.schema ??= {};
  return route.schema as MutableSchema;
}

/** Refuses a route without `requireRole`; documents its roles and the API-key scheme. */
export function guardRoutes(route: RouteOptions): void {
  const roles = rolesOf(route.preHandler);
  if (roles === undefined) {
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
    throw new Error(
      `route ${method} ${route.url} has no requireRole(...) preHandler: every API route needs one`,
    );
  }
  const schema = schemaOf(route);
  schema.security = [{ apiKey: [] }];
  const note = `Roles: ${roles.join(', ')}.`;
  if (!(schema.description ?? '').includes(note)) {
    schema.description = schema.description === undefined ? note : `${schema.description}\n\n${note}`;
  }
}

/** Tags a family's routes (unless a route chose its own). */
export function tagRoutes(tag: string): (route: RouteOptions) => void {
  return (route) => {
    const schema = schemaOf(route);
    schema.tags ??= [tag];
  };
}
