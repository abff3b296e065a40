/**
 * The real-name service as `shiming serve` and `shiming enforce` open it: the verifier chain from
 * the configured authorities (each one's two- and three-factor checks, and its network-identity
 * flow behind the no-plaintext guard), always with the offline `document` check last; the service
 * policy files applied; and the enforcement job on a timer.
 *
 * @module
 */
import type { RealnameConfig } from '../config/config.ts';
import { VerifierChain } from './adapters/chain.ts';
import { DocumentAdapter } from './adapters/document.ts';
import { HttpAuthorityAdapter } from './adapters/http-authority.ts';
import { NetworkIdentityAdapter } from './adapters/network-identity.ts';
import type { AccessContext } from './core.ts';
import { loadPolicyDirectory } from './policy-file.ts';
import type { Realname } from './realname.ts';
import type { VerificationAdapter } from './types.ts';

/** The adapters of `config`, in order: every authority, then the offline document check. */
export function verifierFromConfig(
  config: RealnameConfig,
  clock: () => Date = () => new Date(),
): VerifierChain {
  const adapters: VerificationAdapter[] = [];
  for (const a of config.authorities) {
    const common = {
      baseUrl: a.url,
      timeoutMs: a.timeoutMs,
      ...(a.apiKey === undefined ? {} : { apiKey: a.apiKey }),
    };
    adapters.push(
      new HttpAuthorityAdapter({ ...common, id: a.id, methods: ['id-two-factor', 'mobile-three-factor'] }),
    );
    adapters.push(
      new NetworkIdentityAdapter(
        new HttpAuthorityAdapter({ ...common, id: `${a.id}.nid`, methods: ['network-identity'] }),
      ),
    );
  }
  adapters.push(new DocumentAdapter({ now: clock }));
  return new VerifierChain({ adapters });
}

/** Applies every policy file of `dir` to `tenant` (one service per file). */
export async function applyPolicyDirectory(
  realname: Realname,
  ctx: AccessContext,
  dir: string,
): Promise<number> {
  const policies = await loadPolicyDirectory(dir);
  for (const policy of policies.values()) await realname.putPolicy(ctx, policy);
  return policies.size;
}

/** Runs the enforcement job every `intervalMs` (one run at a time); returns a stop function. */
export function startEnforcement(
  realname: Realname,
  intervalMs: number,
  onError: (error: unknown) => void = () => {},
): () => Promise<void> {
  if (intervalMs <= 0) return async () => {};
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = realname
      .enforce()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
