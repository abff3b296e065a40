/**
 * Configuration helpers for `shiming audit witness`: the `--log ORIGIN=VKEY` flags and the
 * `--key FILE` holding the witness's skey.
 *
 * @module
 */
import { lstat, readFile } from 'node:fs/promises';
import { noteVerifier } from '../note-keys.ts';
import type { WitnessLog } from './witness.ts';
import { WitnessError } from './witness-error.ts';

/** Splits `ORIGIN=VKEY`: at the first `=` after which a valid Ed25519 note vkey follows. */
function splitLogFlag(flag: string): { origin: string; vkey: string } {
  // Origins may contain `=`; a vkey's key ID commits to its name, so only one split point parses.
  for (let at = flag.indexOf('='); at > 0; at = flag.indexOf('=', at + 1)) {
    const vkey = flag.slice(at + 1);
    try {
      noteVerifier(vkey);
      return { origin: flag.slice(0, at), vkey };
    } catch {
      // not here; try the next `=`
    }
  }
  throw new WitnessError('INVALID_CONFIG', '--log must be ORIGIN=VKEY with an Ed25519 (0x01) log vkey');
}

/**
 * The logs of `--log ORIGIN=VKEY` flags. Repeating an origin adds a key (e.g. during key rotation).
 *
 * @throws {@link WitnessError} `INVALID_CONFIG`.
 * @example
 * ```ts
 * parseWitnessLogFlags(['example.cn/pi-audit/t42=example.cn/pi-audit/t42+1a2b3c4d+AU…']);
 * ```
 */
export function parseWitnessLogFlags(flags: readonly string[]): WitnessLog[] {
  const keys = new Map<string, string[]>();
  for (const flag of flags) {
    const { origin, vkey } = splitLogFlag(flag);
    if (/[\u0000-\u001f]/.test(origin))
      throw new WitnessError('INVALID_CONFIG', 'a log origin must be one line');
    const list = keys.get(origin) ?? [];
    if (!list.includes(vkey)) list.push(vkey);
    keys.set(origin, list);
  }
  return [...keys].map(([origin, vkeys]) => ({ origin, verifiers: vkeys.map((v) => noteVerifier(v)) }));
}

/**
 * Reads the witness's skey from `path` (one line, surrounding whitespace ignored).
 *
 * @throws {@link WitnessError} `INVALID_CONFIG` if the file is not a regular file, or group or
 *   others can access it (POSIX only; fix with `chmod 600`).
 */
export async function readWitnessKeyFile(path: string): Promise<string> {
  const info = await lstat(path);
  if (!info.isFile()) throw new WitnessError('INVALID_CONFIG', 'the witness key path is not a regular file');
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new WitnessError('INVALID_CONFIG', 'the witness key file is accessible to others (chmod 600 it)');
  }
  return (await readFile(path, 'utf8')).trim();
}
