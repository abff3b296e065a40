/**
 * The root key from an environment variable (`SHIMING_ROOT_KEY` by default).
 *
 * Accepted forms, after trimming surrounding ASCII whitespace (a trailing newline from
 * `$(cat file)` or a secrets mount is common):
 * - 64 hex digits (either case);
 * - 44 characters of canonical standard base64 (RFC 4648 §4, `+/`, with the `=` pad).
 * Anything else — base64url, missing padding, non-canonical trailing bits, embedded whitespace,
 * other lengths, all-zero keys — is refused with a `CryptoError`, never decoded leniently.
 * @module
 */
import { CryptoError } from './errors.ts';
import { InMemoryRootKeyProvider, isAllZero, ROOT_KEY_LENGTH } from './root-key-provider.ts';

/** The default variable name. */
export const ROOT_KEY_ENV_VAR = 'SHIMING_ROOT_KEY';

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Parse a 32-byte root key written as hex or base64.
 *
 * @param text - the encoded key
 * @param source - name of where it came from, for the error message (e.g. the variable name)
 * @throws CryptoError `ROOT_KEY_WRONG_LENGTH` / `ROOT_KEY_MALFORMED`; the message never echoes `text`
 */
export function parseRootKey(text: string, source = ROOT_KEY_ENV_VAR): Uint8Array {
  const s = text.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  let bytes: Buffer | undefined;
  if (HEX.test(s)) {
    bytes = Buffer.from(s, 'hex');
  } else if (BASE64.test(s)) {
    bytes = Buffer.from(s, 'base64');
    // Reject non-zero bits after the 256th: they would be silently dropped by the decoder.
    if (bytes.toString('base64') !== s) bytes = undefined;
  } else if (/^[0-9a-fA-F]*$/.test(s) || /^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    throw new CryptoError(
      'ROOT_KEY_WRONG_LENGTH',
      `${source} must encode exactly ${ROOT_KEY_LENGTH} bytes: 64 hex digits or 44 base64 characters`,
    );
  }
  if (bytes === undefined || bytes.length !== ROOT_KEY_LENGTH) {
    throw new CryptoError(
      'ROOT_KEY_MALFORMED',
      `${source} must be ${ROOT_KEY_LENGTH} bytes as 64 hex digits or canonical padded base64; ` +
        'generate one with: openssl rand -base64 32',
    );
  }
  if (isAllZero(bytes)) {
    throw new CryptoError('ROOT_KEY_MALFORMED', `${source} must not be all zero bytes`);
  }
  return new Uint8Array(bytes);
}

/** Options for {@link openEnvRootKey}. */
export interface EnvRootKeyOptions {
  /** Environment to read; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Variable name; defaults to `SHIMING_ROOT_KEY`. */
  readonly variable?: string;
}

/**
 * A provider whose root key comes from the environment.
 *
 * @throws CryptoError `ROOT_KEY_MISSING` if the variable is unset or empty, or a parse error
 */
export async function openEnvRootKey(options: EnvRootKeyOptions = {}): Promise<InMemoryRootKeyProvider> {
  const variable = options.variable ?? ROOT_KEY_ENV_VAR;
  const value = (options.env ?? process.env)[variable];
  if (value === undefined || value.trim() === '') {
    throw new CryptoError('ROOT_KEY_MISSING', `${variable} is not set`);
  }
  const root = parseRootKey(value, variable);
  try {
    return new InMemoryRootKeyProvider(root, `env:${variable}`);
  } finally {
    root.fill(0);
  }
}
