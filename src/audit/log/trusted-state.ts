/**
 * A regulator's trusted state for one log: the pinned log key, the pinned witnesses, and the last
 * checkpoint verified. `shiming audit verify --trusted FILE` reads it and, only after a successful
 * verification, replaces it atomically with the newer checkpoint.
 *
 * ```json
 * { "v": 1, "logKey": "shiming.local/audit+1a2b3c4d+AQ…", "witnessKeys": [], "quorum": 0,
 *   "checkpoint": "shiming.local/audit\n42\n…\n\n— shiming.local/audit …\n" }
 * ```
 *
 * @module
 */
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FormatError } from '../errors.ts';
import { parseVerifierKey } from '../note-keys.ts';

export interface TrustedState {
  readonly logKey: string;
  readonly witnessKeys: readonly string[];
  readonly quorum: number;
  /** The last verified checkpoint note; absent before the first verification. */
  readonly checkpoint?: string;
}

const MAX_FILE = 1 << 20;

/** Reads the file; `undefined` if it does not exist. Throws `FormatError` when it is malformed. */
export async function readTrustedState(path: string): Promise<TrustedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const bad = (why: string) => new FormatError('INVALID_ARGUMENT', `trusted state ${path}: ${why}`);
  if (text.length > MAX_FILE) throw bad('too large');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const r = raw as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || r.v !== 1) throw bad('unknown format');
  if (typeof r.logKey !== 'string') throw bad('logKey missing');
  parseVerifierKey(r.logKey);
  const witnessKeys = r.witnessKeys ?? [];
  if (!Array.isArray(witnessKeys) || !witnessKeys.every((k) => typeof k === 'string'))
    throw bad('witnessKeys');
  for (const k of witnessKeys) parseVerifierKey(k as string);
  const quorum = r.quorum ?? witnessKeys.length;
  if (!Number.isInteger(quorum) || (quorum as number) < 0 || (quorum as number) > witnessKeys.length) {
    throw bad('quorum');
  }
  if (r.checkpoint !== undefined && typeof r.checkpoint !== 'string') throw bad('checkpoint');
  return {
    logKey: r.logKey,
    witnessKeys: witnessKeys as string[],
    quorum: quorum as number,
    ...(typeof r.checkpoint === 'string' ? { checkpoint: r.checkpoint } : {}),
  };
}

/** Replaces the file atomically (temporary file, fsync, rename). */
export async function writeTrustedState(path: string, state: TrustedState): Promise<void> {
  const body = `${JSON.stringify({ v: 1, ...state }, null, 2)}\n`;
  const tmp = `${path}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
