/**
 * Choose and open the root-key provider from a small config object.
 *
 * `source: 'auto'` (the default) uses `SHIMING_ROOT_KEY` when it is set and the key file
 * otherwise. KMS/HSM providers are not built in: the application registers factories by name
 * and selects one with `source: 'kms'`, so `src/crypto` gains no cloud SDK dependencies.
 * @module
 */
import { openEnvRootKey, ROOT_KEY_ENV_VAR } from './env-root-key-provider.ts';
import { CryptoError } from './errors.ts';
import { DEFAULT_ROOT_KEY_FILE, openFileRootKey } from './file-root-key-provider.ts';
import type { RootKeyProvider } from './root-key-provider.ts';

/** Where the root key comes from. */
export type RootKeySource = 'auto' | 'file' | 'env' | 'kms';

/** Creates a KMS-backed provider from its (provider-specific, non-secret) options. */
export type KmsProviderFactory = (options: Readonly<Record<string, unknown>>) => Promise<RootKeyProvider>;

/** Root-key configuration; every field is optional. */
export interface RootKeyConfig {
  /** Default `'auto'`: env if `SHIMING_ROOT_KEY` is set, else the key file. */
  readonly source?: RootKeySource;
  /** Key file path (default `keys/root.key` under the working directory). */
  readonly file?: string;
  /** Create the key file at first start (default `true`). */
  readonly createFile?: boolean;
  /** Name of a factory in `kmsProviders` (required when `source` is `'kms'`). */
  readonly kms?: string;
  /** Options passed to the KMS factory (key ARN, region, endpoint...). Never the key itself. */
  readonly kmsOptions?: Readonly<Record<string, unknown>>;
}

/** Environment and plug-ins for {@link openRootKeyProvider}. */
export interface RootKeyContext {
  /** Environment to read; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** KMS provider factories by name. */
  readonly kmsProviders?: Readonly<Record<string, KmsProviderFactory>>;
}

/** The source `config` resolves to, without opening anything (for logs and `--dry-run`). */
export function resolveRootKeySource(
  config: RootKeyConfig = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Exclude<RootKeySource, 'auto'> {
  const source = config.source ?? 'auto';
  switch (source) {
    case 'auto':
      return (env[ROOT_KEY_ENV_VAR] ?? '').trim() !== '' ? 'env' : 'file';
    case 'file':
    case 'env':
    case 'kms':
      return source;
    default:
      throw new CryptoError(
        'ROOT_KEY_CONFIG_INVALID',
        `unknown root key source "${String(source)}"; use auto, file, env or kms`,
      );
  }
}

/**
 * Open the configured root-key provider.
 *
 * @example
 * ```ts
 * const root = await openRootKeyProvider({ file: '/srv/shiming/keys/root.key' });
 * const auditKey = await deriveAuditHmacKey(root, 'main', 'intl');
 * ```
 * @throws CryptoError `ROOT_KEY_CONFIG_INVALID`, or whatever the chosen provider throws
 */
export async function openRootKeyProvider(
  config: RootKeyConfig = {},
  context: RootKeyContext = {},
): Promise<RootKeyProvider> {
  const env = context.env ?? process.env;
  const source = resolveRootKeySource(config, env);
  if (source === 'env') return openEnvRootKey({ env });
  if (source === 'file') {
    return openFileRootKey(config.file ?? DEFAULT_ROOT_KEY_FILE, { create: config.createFile ?? true });
  }
  const name = config.kms;
  const factory = name === undefined ? undefined : context.kmsProviders?.[name];
  if (name === undefined || factory === undefined || !Object.hasOwn(context.kmsProviders ?? {}, name)) {
    const known = Object.keys(context.kmsProviders ?? {}).join(', ') || 'none registered';
    throw new CryptoError(
      'ROOT_KEY_CONFIG_INVALID',
      `root key source "kms" needs a registered provider name (${known})`,
    );
  }
  try {
    return await factory(config.kmsOptions ?? {});
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw new CryptoError('KMS_FAILURE', `KMS provider "${name}" failed to open`, { cause: error });
  }
}
