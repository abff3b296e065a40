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
  readonly overrides?: { readonly dataDir?: string; readonly databaseUrl?: string };
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

function section(json: Json, name: string): Json {
  const v = json[name];
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ConfigError('CONFIG_INVALID', `${name} must be an object`, name);
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
    keys: { rootKeyFile, signerStateFile: join(dirname(rootKeyFile), 'audit-signer-state.json') },
    audit: {
      origin,
      hashAlgorithm: hash,
      checkpointIntervalMs: interval,
      witnesses: ws,
      witnessQuorum: quorum,
    },
  };
}
