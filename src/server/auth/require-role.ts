/**
 * `requireRole(...)`: the preHandler every authenticated route declares, admitting only keys of
 * the listed roles (403 `FORBIDDEN` otherwise). The roles are also readable from the route
 * (`rolesOf`), so the app can refuse to start with an unguarded route and the OpenAPI document can
 * show who may call what.
 *
 * @example
 * ```ts
 * app.get('/keys', { preHandler: requireRole('admin'), schema }, handler);
 * ```
 * @module
 */
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { ApiError } from '../errors.ts';
import type { Principal, Role } from './roles.ts';

const ROLES = Symbol('shiming.requiredRoles');

/** A preHandler that carries the roles it admits. */
export type RoleGuard = preHandlerAsyncHookHandler & { readonly [ROLES]: readonly Role[] };

/** The preHandler admitting `roles` (at least one). */
export function requireRole(...roles: [Role, ...Role[]]): RoleGuard {
  const allowed: ReadonlySet<string> = new Set(roles);
  const guard = async (request: FastifyRequest) => {
    const principal = request.principal;
    // No principal here means the route was mounted outside the authenticated scope: refuse.
    if (principal === null) throw new ApiError('UNAUTHENTICATED');
    if (!allowed.has(principal.role)) {
      throw new ApiError('FORBIDDEN', `this route needs one of the roles: ${roles.join(', ')}`);
    }
  };
  return Object.assign(guard, { [ROLES]: Object.freeze([...roles]) }) as RoleGuard;
}

/** The roles a route's preHandler(s) admit, or `undefined` if it has no `requireRole`. */
export function rolesOf(preHandler: unknown): readonly Role[] | undefined {
  const list = Array.isArray(preHandler) ? preHandler : [preHandler];
  for (const handler of list) {
    if (typeof handler === 'function' && ROLES in handler) return (handler as RoleGuard)[ROLES];
  }
  return undefined;
}

/** The authenticated caller; throws if there is none (a route outside the authenticated scope). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new ApiError('UNAUTHENTICATED');
  return request.principal;
}
