/**
 * Shiming's configuration: `shiming.config.json` (optional) overlaid by `SHIMING_*` environment
 * variables, validated into one typed object. Every option is listed in docs/configuration.md.
 *
 * | option                      | environment                   | default                         |
 * |-----------------------------|-------------------------------|---------------------------------|
 * | `dataDir`                   | `SHIMING_DATA_DIR`            | `./data`                        |
 * | `databaseUrl`               | `SHIMING_DATABASE_URL`        | SQLite at `<dataDir>/shiming.db`|
 * | `keys.rootKeyFile`          | `SHIMING_ROOT_KEY_FILE`       | `./keys/root.key`               |
 * | (root key itself)           | `SHIMING_ROOT_KEY`            | — (the key file)                |
 * | `audit.origin`              | `SHIMING_AUDIT_ORIGIN`        | `shiming.local/audit`           |
 * | `audit.hashAlgorithm`       | `SHIMING_AUDIT_HASH`          | `sha256` (or `sm3`)             |
 * | `audit.checkpointIntervalMs`| `SHIMING_AUDIT_CHECKPOINT_MS` | `10000`                         |
 * | `audit.witnesses`           | —                             | `[]` (`{ url, key }` each)      |
 * | `audit.witnessQuorum`       | —                             | number of witnesses             |
 * | `server.host`               | `SHIMING_HOST`                | `127.0.0.1`                     |
 * | `server.port`               | `SHIMING_PORT`                | `8080` (0: any free port)       |
 * | `server.bodyLimit`          | `SHIMING_BODY_LIMIT`          | `1048576` (bytes)               |
 * | `server.logLevel`           | `SHIMING_LOG_LEVEL`           | `info`                          |
 * | `server.rateLimit.perSecond`| `SHIMING_RATE_LIMIT_RPS`      | `100` (per API key; 0: off)     |
 * | `server.rateLimit.burst`    | `SHIMING_RATE_LIMIT_BURST`    | `200`                           |
 * | `server.authCacheMs`        | `SHIMING_AUTH_CACHE_MS`       | `5000` (0: no cache)            |
 * | `server.bootstrapTenant`    | `SHIMING_BOOTSTRAP_TENANT`    | `default`                       |
 * | `vault.suite`               | `SHIMING_VAULT_SUITE`         | `intl` (or `gm`) for new tenants|
 * | `vault.policyFile`          | `SHIMING_VAULT_POLICY_FILE`   | — (policies set through the API)|
 * | `realname.authorities`      | `SHIMING_AUTHORITY_URL` (one) | `[]`: offline `document` only   |
 * | `realname.policyDir`        | `SHIMING_REALNAME_POLICY_DIR` | — (policies set through the API)|
 * | `realname.enforceIntervalMs`| `SHIMING_ENFORCE_INTERVAL_MS` | `60000` (0: not in the server)  |
 *
 * The root key and the signer's state live under the keys directory, never in the database or
 * the data directory, so that a copy of the data is not a copy of what protects it.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the database is: the embedded SQLite file, or a PostgreSQL server. */
export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface WitnessConfig {
  /** Base URL of the witness (`http://127.0.0.1:7380`). */
  readonly url: string;
  /** The witness's cosignature verifier key (C2SP vkey, type 0x04). */
  readonly key: string;
}

/** Log levels of the server (pino's, plus `silent`). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A tenant id: lower-case letters, digits and `-`, starting with a letter (no PI, no digits-only ids). */
export const TENANT_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** `shiming serve`: where it listens and how it treats callers. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit: number;
  readonly logLevel: LogLevel;
  /**
   * Token bucket per API key, in memory: with several servers behind a load balancer each keeps
   * its own buckets, so a key may make up to `perSecond` × servers requests a second.
   */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** How long a verified key's row is reused before it is read again (a revocation on another server takes this long to apply here). */
  readonly authCacheMs: number;
  /** Tenant of the admin key created at first start. */
  readonly bootstrapTenant: string;
}

export interface ShimingConfig {
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly keys: {
    readonly rootKeyFile: string;
    /** The checkpoint signer's memory of what it signed last. */
    readonly signerStateFile: string;
  };
  readonly audit: {
    readonly origin: string;
    readonly hashAlgorithm: 'sha256' | 'sm3';
    readonly checkpointIntervalMs: number;
    readonly witnesses: readonly WitnessConfig[];
    readonly witnessQuorum: number;
  };
  readonly server: ServerConfig;
  readonly vault: VaultConfig;
  readonly realname: RealnameConfig;
}

/** An identity authority the verifier calls (`shiming authority`, or a vendor's gateway). */
export interface AuthorityConfig {
  /** Adapter id recorded as the provider of its verdicts. */
  readonly id: string;
  readonly url: string;
  /** Bearer key, if the authority wants one. */
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
}

/** Real-name registration (docs/realname.md). */
export interface RealnameConfig {
  /** Tried in order; the next one only when the previous is unavailable. */
  readonly authorities: readonly AuthorityConfig[];
  /** A folder of service policy files (`*.json`) applied at start-up. */
  readonly policyDir: string | undefined;
  /** How often the server runs the enforcement job (0: never; run `shiming enforce`). */
  readonly enforceIntervalMs: number;
}

/** The encrypted PI vault (docs/vault.md). */
export interface VaultConfig {
  /** Algorithm suite of a new tenant's first KEK: `intl` (AES-256-GCM) or `gm` (SM4-GCM). */
  readonly suite: 'intl' | 'gm';
  /** JSON file of tenant → policy, applied at start (tenants whose stored policy differs). */
  readonly policyFile: string | undefined;
}

export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_UNREADABLE';

/** A configuration that cannot be used; `field` names the option (never its value). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly field: string | undefined;
  constructor(code: ConfigErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

export const CONFIG_FILE = 'shiming.config.json';

export interface LoadConfigOptions {
  /** Environment (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Config file; default `./shiming.config.json` when it exists (`SHIMING_CONFIG` overrides). */
  readonly file?: string;
  /** Values that win over file and environment (CLI flags). */
  readonly overrides?: {
    readonly dataDir?: string;
    readonly databaseUrl?: string;
    readonly host?: string;
    readonly port?: number;
  };
}

type Json = Record<string, unknown>;

function readFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'CONFIG_UNREADABLE',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('CONFIG_INVALID', `${path} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('CONFIG_INVALID', `${path} must hold a JSON object`);
  }
  return parsed as Json;
}

function str(value: unknown, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ConfigError('CONFIG_INVALID', `${field} must be a string`, field);
  return value;
}

function int(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    throw new ConfigError('CONFIG_INVALID', `${field} must be an integer ≥ ${min}`, field);
  }
  return n;
}

function section(json: Json, name: string, path = name): Json {
  const v = json[name];
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ConfigError('CONFIG_INVALID', `${path} must be an object`, path);
  }
  return v as Json;
}

function database(url: string | undefined, dataDir: string): DatabaseConfig {
  if (url === undefined) return { kind: 'sqlite', path: join(dataDir, 'shiming.db') };
  if (/^postgres(?:ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: url.slice('sqlite:'.length) };
  // Never echo the URL: it may carry a password.
  throw new ConfigError(
    'CONFIG_INVALID',
    'databaseUrl must start with postgres://, postgresql:// or sqlite:',
    'databaseUrl',
  );
}

function witnesses(value: unknown): WitnessConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new ConfigError('CONFIG_INVALID', 'audit.witnesses must be a list', 'audit.witnesses');
  return value.map((w, i) => {
    const field = `audit.witnesses[${i}]`;
    if (typeof w !== 'object' || w === null)
      throw new ConfigError('CONFIG_INVALID', `${field} must be an object`, field);
    const url = str((w as Json).url, `${field}.url`);
    const key = str((w as Json).key, `${field}.key`);
    if (url === undefined || !/^https?:\/\//.test(url) || key === undefined) {
      throw new ConfigError('CONFIG_INVALID', `${field} needs an http(s) url and a key`, field);
    }
    return { url, key };
  });
}

/** Reads and validates the configuration. Throws `ConfigError` naming the bad option. */
export function loadConfig(options: LoadConfigOptions = {}): ShimingConfig {
  const env = options.env ?? process.env;
  const explicit = options.file ?? str(env.SHIMING_CONFIG, 'SHIMING_CONFIG');
  const file = explicit ?? (existsSync(CONFIG_FILE) ? CONFIG_FILE : undefined);
  const json = file === undefined ? {} : readFile(file);
  const base = file === undefined ? process.cwd() : dirname(resolve(file));
  // Paths in the file are relative to the file; paths from env and flags to the working directory.
  const fromFile = (p: string | undefined) => (p === undefined ? undefined : resolve(base, p));

  const dataDir =
    options.overrides?.dataDir ??
    str(env.SHIMING_DATA_DIR, 'SHIMING_DATA_DIR') ??
    fromFile(str(json.dataDir, 'dataDir')) ??
    './data';
  const databaseUrl =
    options.overrides?.databaseUrl ??
    str(env.SHIMING_DATABASE_URL, 'SHIMING_DATABASE_URL') ??
    str(json.databaseUrl, 'databaseUrl');
  const keys = section(json, 'keys');
  const rootKeyFile =
    str(env.SHIMING_ROOT_KEY_FILE, 'SHIMING_ROOT_KEY_FILE') ??
    fromFile(str(keys.rootKeyFile, 'keys.rootKeyFile')) ??
    './keys/root.key';
  const audit = section(json, 'audit');
  const origin =
    str(env.SHIMING_AUDIT_ORIGIN, 'SHIMING_AUDIT_ORIGIN') ??
    str(audit.origin, 'audit.origin') ??
    'shiming.local/audit';
  if (!/^[^\s+]{1,200}$/u.test(origin)) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'audit.origin must be 1–200 characters without spaces or "+"',
      'audit.origin',
    );
  }
  const hash =
    str(env.SHIMING_AUDIT_HASH, 'SHIMING_AUDIT_HASH') ??
    str(audit.hashAlgorithm, 'audit.hashAlgorithm') ??
    'sha256';
  if (hash !== 'sha256' && hash !== 'sm3') {
    throw new ConfigError(
      'CONFIG_INVALID',
      'audit.hashAlgorithm must be sha256 or sm3',
      'audit.hashAlgorithm',
    );
  }
  const interval =
    int(env.SHIMING_AUDIT_CHECKPOINT_MS, 'SHIMING_AUDIT_CHECKPOINT_MS', 0) ??
    int(audit.checkpointIntervalMs, 'audit.checkpointIntervalMs', 0) ??
    10_000;
  const ws = witnesses(audit.witnesses);
  const quorum = int(audit.witnessQuorum, 'audit.witnessQuorum', 0) ?? ws.length;
  if (quorum > ws.length) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'audit.witnessQuorum is larger than the number of witnesses',
      'audit.witnessQuorum',
    );
  }
  return {
    dataDir,
    database: database(databaseUrl, dataDir),
    server: serverConfig(json, env, options.overrides ?? {}),
    keys: { rootKeyFile, signerStateFile: join(dirname(rootKeyFile), 'audit-signer-state.json') },
    vault: vaultConfig(json, env, fromFile),
    realname: realnameConfig(json, env, fromFile),
    audit: {
      origin,
      hashAlgorithm: hash,
      checkpointIntervalMs: interval,
      witnesses: ws,
      witnessQuorum: quorum,
    },
  };
}

function realnameConfig(
  json: Json,
  env: Readonly<Record<string, string | undefined>>,
  fromFile: (p: string | undefined) => string | undefined,
): RealnameConfig {
  const rn = section(json, 'realname');
  const list = rn.authorities;
  if (list !== undefined && !Array.isArray(list)) {
    throw new ConfigError('CONFIG_INVALID', 'realname.authorities must be a list', 'realname.authorities');
  }
  const authorities: AuthorityConfig[] = (list ?? []).map((a: unknown, i: number) => {
    const field = `realname.authorities[${i}]`;
    if (typeof a !== 'object' || a === null)
      throw new ConfigError('CONFIG_INVALID', `${field} must be an object`, field);
    const o = a as Json;
    const id = str(o.id, `${field}.id`) ?? `authority-${i + 1}`;
    const url = str(o.url, `${field}.url`);
    if (url === undefined || !/^https?:\/\//.test(url) || !/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(id)) {
      throw new ConfigError(
        'CONFIG_INVALID',
        `${field} needs an http(s) url and an id of [a-z0-9_.-]`,
        field,
      );
    }
    return {
      id,
      url,
      apiKey: str(o.apiKey, `${field}.apiKey`),
      timeoutMs: int(o.timeoutMs, `${field}.timeoutMs`, 1) ?? 3000,
    };
  });
  const envUrl = str(env.SHIMING_AUTHORITY_URL, 'SHIMING_AUTHORITY_URL');
  if (envUrl !== undefined) {
    if (!/^https?:\/\//.test(envUrl)) {
      throw new ConfigError(
        'CONFIG_INVALID',
        'SHIMING_AUTHORITY_URL must be an http(s) URL',
        'SHIMING_AUTHORITY_URL',
      );
    }
    authorities.unshift({
      id: 'authority',
      url: envUrl,
      apiKey: str(env.SHIMING_AUTHORITY_KEY, 'SHIMING_AUTHORITY_KEY'),
      timeoutMs: 3000,
    });
  }
  const policyDir =
    str(env.SHIMING_REALNAME_POLICY_DIR, 'SHIMING_REALNAME_POLICY_DIR') ??
    fromFile(str(rn.policyDir, 'realname.policyDir'));
  const enforceIntervalMs =
    int(env.SHIMING_ENFORCE_INTERVAL_MS, 'SHIMING_ENFORCE_INTERVAL_MS', 0) ??
    int(rn.enforceIntervalMs, 'realname.enforceIntervalMs', 0) ??
    60_000;
  return { authorities, policyDir, enforceIntervalMs };
}

function vaultConfig(
  json: Json,
  env: Readonly<Record<string, string | undefined>>,
  fromFile: (p: string | undefined) => string | undefined,
): VaultConfig {
  const vault = section(json, 'vault');
  const suite =
    str(env.SHIMING_VAULT_SUITE, 'SHIMING_VAULT_SUITE') ?? str(vault.suite, 'vault.suite') ?? 'intl';
  if (suite !== 'intl' && suite !== 'gm') {
    throw new ConfigError('CONFIG_INVALID', 'vault.suite must be intl or gm', 'vault.suite');
  }
  const policyFile =
    str(env.SHIMING_VAULT_POLICY_FILE, 'SHIMING_VAULT_POLICY_FILE') ??
    fromFile(str(vault.policyFile, 'vault.policyFile'));
  return { suite, policyFile };
}

function serverConfig(
  json: Json,
  env: Readonly<Record<string, string | undefined>>,
  overrides: NonNullable<LoadConfigOptions['overrides']>,
): ServerConfig {
  const server = section(json, 'server');
  const rate = section(server, 'rateLimit', 'server.rateLimit');
  const host =
    overrides.host ?? str(env.SHIMING_HOST, 'SHIMING_HOST') ?? str(server.host, 'server.host') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'server.host must be a host name or an IP address',
      'server.host',
    );
  }
  const port =
    overrides.port ?? int(env.SHIMING_PORT, 'SHIMING_PORT', 0) ?? int(server.port, 'server.port', 0) ?? 8080;
  if (port > 65_535)
    throw new ConfigError('CONFIG_INVALID', 'server.port must be at most 65535', 'server.port');
  const level =
    str(env.SHIMING_LOG_LEVEL, 'SHIMING_LOG_LEVEL') ?? str(server.logLevel, 'server.logLevel') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `server.logLevel must be one of ${LOG_LEVELS.join(', ')}`,
      'server.logLevel',
    );
  }
  const tenant =
    str(env.SHIMING_BOOTSTRAP_TENANT, 'SHIMING_BOOTSTRAP_TENANT') ??
    str(server.bootstrapTenant, 'server.bootstrapTenant') ??
    'default';
  if (!TENANT_PATTERN.test(tenant)) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'server.bootstrapTenant must be lower-case letters, digits and "-", starting with a letter',
      'server.bootstrapTenant',
    );
  }
  return {
    host,
    port,
    bodyLimit:
      int(env.SHIMING_BODY_LIMIT, 'SHIMING_BODY_LIMIT', 1024) ??
      int(server.bodyLimit, 'server.bodyLimit', 1024) ??
      1_048_576,
    logLevel: level as LogLevel,
    rateLimit: {
      perSecond:
        int(env.SHIMING_RATE_LIMIT_RPS, 'SHIMING_RATE_LIMIT_RPS', 0) ??
        int(rate.perSecond, 'server.rateLimit.perSecond', 0) ??
        100,
      burst:
        int(env.SHIMING_RATE_LIMIT_BURST, 'SHIMING_RATE_LIMIT_BURST', 1) ??
        int(rate.burst, 'server.rateLimit.burst', 1) ??
        200,
    },
    authCacheMs:
      int(env.SHIMING_AUTH_CACHE_MS, 'SHIMING_AUTH_CACHE_MS', 0) ??
      int(server.authCacheMs, 'server.authCacheMs', 0) ??
      5000,
    bootstrapTenant: tenant,
  };
}
