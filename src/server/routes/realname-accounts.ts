/**
 * `/v1/accounts`: real-name accounts of the tenant's services. Registrars (the services' back
 * ends) register accounts, verify them by one of their service's methods (two- and three-factor
 * checks against the identity authority, or the national network identity, which takes no
 * plaintext identity at all), flag risks, close them and ask the minors' play-window decision;
 * admins ban; agents and auditors read. Answers carry no PI: an account is its state, level,
 * deadline and what its holder may do. Purpose `registration` (ban: `policy-management`).
 *
 * @module
 */
import { Type } from 'typebox';
import type { AccessContext } from '../../realname/core.ts';
import { isRealnameError } from '../../realname/errors.ts';
import type { PlayReason } from '../../realname/minors.ts';
import type { Realname } from '../../realname/realname.ts';
import type { NewAccount } from '../../realname/register.ts';
import { RISK_TRIGGERS, type RiskTrigger } from '../../realname/transitions.ts';
import type { VerificationInput } from '../../realname/verify.ts';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { ApiError } from '../errors.ts';
import { NoQuery, withErrors } from '../schemas.ts';
import {
  AccountId,
  AccountView,
  Method,
  realnameApiError,
  runRealname,
  ServiceId,
  VerificationRecord,
  Verified,
  verificationOut,
  verifiedOut,
} from './realname-http.ts';
import { accessOf, FieldsIn } from './vault-http.ts';

const MAX = 1000;
const PLAY_REASONS: readonly PlayReason[] = ['ADULT', 'IN_WINDOW', 'OUTSIDE_WINDOW', 'NOT_A_GAME'];
const strict = { additionalProperties: false } as const;
const PURPOSE = 'registration';

const Verification = Type.Object(
  {
    method: Method,
    fields: Type.Optional(FieldsIn),
    networkIdentity: Type.Optional(
      Type.Object(
        {
          bizSeq: Type.String({
            pattern: '^[A-Za-z0-9]{32}$',
            description: 'from the network-identity start',
          }),
          authData: Type.String({
            minLength: 1,
            maxLength: 4096,
            description: "the user's identity app's credential data (opaque)",
          }),
        },
        strict,
      ),
    ),
    guardianAccountId: Type.Optional(AccountId),
  },
  { ...strict, description: 'a verification: the method and what it needs' },
);
const Register = Type.Object(
  { service: ServiceId, fields: Type.Optional(FieldsIn), verification: Type.Optional(Verification) },
  strict,
);
const RegisterBatch = Type.Object(
  {
    items: Type.Array(Type.Object({ service: ServiceId, fields: Type.Optional(FieldsIn) }, strict), {
      minItems: 1,
      maxItems: MAX,
    }),
  },
  strict,
);
const IdParams = Type.Object({ id: AccountId }, strict);
const Transition = Type.Object({
  seq: Type.Integer(),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.String(),
  reason: Type.String(),
  actor: Type.String(),
  at: Type.String({ format: 'date-time' }),
});
const Risk = Type.Object(
  {
    trigger: Type.Enum(Object.keys(RISK_TRIGGERS) as RiskTrigger[], {
      description: 'what happened: the holder must re-verify before the policy deadline',
    }),
  },
  strict,
);
const Close = Type.Object({ by: Type.Union([Type.Literal('user'), Type.Literal('provider')]) }, strict);
const Guardian = Type.Object({ guardianAccountId: AccountId }, strict);
const PlayQuery = Type.Object(
  { at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'default: now' })) },
  strict,
);
const PlayOut = Type.Object({
  allowed: Type.Boolean(),
  reason: Type.Enum(PLAY_REASONS),
  windowEndsAt: Type.Optional(Type.String({ format: 'date-time' })),
  nextWindowStartsAt: Type.Optional(Type.String({ format: 'date-time' })),
  account: AccountView,
});

/** The schema admits only strings (optional keys make TypeScript add `undefined`). */
const values = (fields: Record<string, string | undefined> | undefined) =>
  fields as Record<string, string> | undefined;

function newAccount(item: { service: string; fields?: Record<string, string | undefined> }): NewAccount {
  const fields = values(item.fields);
  return { service: item.service, ...(fields === undefined ? {} : { fields }) };
}

function verificationInput(body: {
  method: VerificationInput['method'];
  fields?: Record<string, string | undefined>;
  networkIdentity?: { bizSeq: string; authData: string };
  guardianAccountId?: string;
}): VerificationInput {
  const fields = values(body.fields);
  return {
    method: body.method,
    ...(fields === undefined ? {} : { fields }),
    ...(body.networkIdentity === undefined ? {} : { networkIdentity: body.networkIdentity }),
    ...(body.guardianAccountId === undefined ? {} : { guardianAccountId: body.guardianAccountId }),
  };
}

/**
 * A scope refusal in a batch names the field, not the item: the first item carrying that field
 * whose service does not collect it, as the path prefix (`items[3].`).
 */
async function itemAtFault(
  realname: Realname,
  access: AccessContext,
  items: readonly NewAccount[],
  error: unknown,
): Promise<string | undefined> {
  if (!isRealnameError(error, 'FIELD_OUT_OF_SCOPE') || error.field === undefined) return undefined;
  const field = error.field;
  for (const [i, item] of items.entries()) {
    if (item.fields?.[field] === undefined) continue;
    const stored = await realname.getPolicy(access, item.service).catch(() => undefined);
    if (stored !== undefined && !(stored.policy.fields.collect as readonly string[]).includes(field)) {
      return `items[${i}].`;
    }
  }
  return undefined;
}

export const realnameAccountRoutes: RoutePlugin = async (app, ctx) => {
  const registrar = requireRole('registrar');
  const readers = requireRole('registrar', 'agent', 'auditor');
  const realname = ctx.realname;

  app.post(
    '',
    {
      preHandler: registrar,
      schema: {
        summary: 'Register an account (and, with `verification`, verify it in the same call)',
        body: Register,
        response: withErrors({
          201: Type.Object({ account: AccountView, verification: Type.Optional(VerificationRecord) }),
        }),
      },
    },
    async (request, reply) => {
      const access = accessOf(request, PURPOSE);
      const [account] = await runRealname(() => realname.register(access, [newAccount(request.body)]), {
        typed: 'fields',
      });
      const verification = request.body.verification;
      if (verification === undefined) {
        void reply.status(201);
        return { account: account! };
      }
      try {
        const outcome = await realname.verify(access, account!.id, verificationInput(verification));
        void reply.status(201);
        return verifiedOut(outcome);
      } catch (error) {
        // The account exists: say where, so the caller can retry the verification on it.
        const api = realnameApiError(error, { prefix: 'verification.', typed: 'fields' });
        if (!(api instanceof ApiError)) throw api;
        throw new ApiError(api.code, api.message, {
          ...(api.field === undefined ? {} : { field: api.field }),
          headers: { ...api.headers, Location: `/v1/accounts/${account!.id}` },
          cause: error,
        });
      }
    },
  );

  app.post(
    '/batch',
    {
      preHandler: registrar,
      schema: {
        summary: 'Register up to 1000 accounts at once (all or nothing)',
        body: RegisterBatch,
        response: withErrors({ 201: Type.Object({ accounts: Type.Array(AccountView) }) }),
      },
    },
    async (request, reply) => {
      const access = accessOf(request, PURPOSE);
      const items = request.body.items.map(newAccount);
      try {
        const accounts = await realname.register(access, items);
        void reply.status(201);
        return { accounts };
      } catch (error) {
        const prefix = await itemAtFault(realname, access, items, error);
        throw realnameApiError(error, {
          list: 'items',
          typed: 'fields',
          ...(prefix === undefined ? {} : { prefix }),
        });
      }
    },
  );

  app.get(
    '/:id',
    {
      preHandler: readers,
      schema: {
        summary: 'An account: state, level, deadline and what its holder may do (no PI)',
        params: IdParams,
        querystring: NoQuery,
        response: withErrors({ 200: AccountView }),
      },
    },
    async (request) => runRealname(() => realname.getAccount(accessOf(request, PURPOSE), request.params.id)),
  );

  app.get(
    '/:id/history',
    {
      preHandler: readers,
      schema: {
        summary: "An account's state transitions, oldest first",
        params: IdParams,
        querystring: NoQuery,
        response: withErrors({ 200: Type.Object({ transitions: Type.Array(Transition) }) }),
      },
    },
    async (request) => ({
      transitions: await runRealname(() => realname.history(accessOf(request, PURPOSE), request.params.id)),
    }),
  );

  app.post(
    '/:id/verifications',
    {
      preHandler: registrar,
      schema: {
        summary: 'Verify an account by one of its service’s methods',
        params: IdParams,
        body: Verification,
        response: withErrors({ 200: Verified }),
      },
    },
    async (request) =>
      verifiedOut(
        await runRealname(
          () =>
            realname.verify(accessOf(request, PURPOSE), request.params.id, verificationInput(request.body)),
          { typed: 'fields' },
        ),
      ),
  );

  app.get(
    '/:id/verifications',
    {
      preHandler: readers,
      schema: {
        summary: "An account's verification records, newest first (never the inputs)",
        params: IdParams,
        querystring: NoQuery,
        response: withErrors({ 200: Type.Object({ verifications: Type.Array(VerificationRecord) }) }),
      },
    },
    async (request) => {
      const list = await runRealname(() =>
        realname.verifications(accessOf(request, PURPOSE), request.params.id),
      );
      return { verifications: list.map(verificationOut) };
    },
  );

  app.post(
    '/:id/network-identity',
    {
      preHandler: registrar,
      schema: {
        summary: 'Start a network-identity verification: the serial the user’s identity app signs for',
        params: IdParams,
        response: withErrors({
          200: Type.Object({
            bizSeq: Type.String({ description: 'pass to the identity app, then back with its authData' }),
            account: AccountView,
          }),
        }),
      },
    },
    async (request) =>
      runRealname(() => realname.startNetworkIdentity(accessOf(request, PURPOSE), request.params.id)),
  );

  app.post(
    '/:id/guardian-consent',
    {
      preHandler: registrar,
      schema: {
        summary: "A guardian's verified adult account consents to a minor's account",
        params: IdParams,
        body: Guardian,
        response: withErrors({ 200: AccountView }),
      },
    },
    async (request) =>
      runRealname(() =>
        realname.guardianConsent(
          accessOf(request, PURPOSE),
          request.params.id,
          request.body.guardianAccountId,
        ),
      ),
  );

  app.post(
    '/:id/risk',
    {
      preHandler: registrar,
      schema: {
        summary: 'A risk signal: the verified holder must re-verify before the policy deadline',
        params: IdParams,
        body: Risk,
        response: withErrors({ 200: AccountView }),
      },
    },
    async (request) =>
      runRealname(() =>
        realname.flagRisk(accessOf(request, PURPOSE), request.params.id, request.body.trigger as RiskTrigger),
      ),
  );

  app.post(
    '/:id/close',
    {
      preHandler: registrar,
      schema: {
        summary: 'Close an account (retained fields are kept for the policy’s days, then erased)',
        params: IdParams,
        body: Close,
        response: withErrors({ 200: AccountView }),
      },
    },
    async (request) =>
      runRealname(() => realname.close(accessOf(request, PURPOSE), request.params.id, request.body.by)),
  );

  app.post(
    '/:id/ban',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'Ban an account and bar its identity from registering with the service again',
        params: IdParams,
        response: withErrors({ 200: AccountView }),
      },
    },
    async (request) =>
      runRealname(() => realname.ban(accessOf(request, 'policy-management'), request.params.id)),
  );

  app.get(
    '/:id/play',
    {
      preHandler: registrar,
      schema: {
        summary: "May the account's holder play now (minors' play windows)?",
        params: IdParams,
        querystring: PlayQuery,
        response: withErrors({ 200: PlayOut }),
      },
    },
    async (request) => {
      const at = request.query.at === undefined ? undefined : new Date(request.query.at);
      const d = await runRealname(() =>
        realname.playDecision(accessOf(request, PURPOSE), request.params.id, at),
      );
      return {
        allowed: d.allowed,
        reason: d.reason,
        ...(d.windowEndsAt === undefined ? {} : { windowEndsAt: d.windowEndsAt.toISOString() }),
        ...(d.nextWindowStartsAt === undefined
          ? {}
          : { nextWindowStartsAt: d.nextWindowStartsAt.toISOString() }),
        account: d.account,
      };
    },
  );
};
