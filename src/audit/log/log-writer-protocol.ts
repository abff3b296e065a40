/**
 * Messages between the audit log and its SQLite writer thread. Entries travel packed in one
 * transferred buffer (a thousand small typed arrays would each be cloned); errors travel as their
 * class name, code and message and are rebuilt on the other side, so callers still see the typed
 * errors they would see without the thread.
 *
 * @module
 */
import { StoreError, type StoreErrorCode } from '../../store/store-error.ts';
import { AuditError, StorageError, type StorageErrorCode } from '../errors.ts';
import type { TileData } from '../tree-appender.ts';

export interface WriterWorkerData {
  readonly file: string;
  readonly busyTimeoutMs?: number;
}

export type WriterRequest =
  | {
      readonly id: number;
      readonly op: 'batch';
      readonly logId: string;
      readonly oldSize: bigint;
      readonly entries: Uint8Array;
      readonly ends: Uint32Array;
      readonly tiles: TileData[];
      readonly root: Uint8Array;
    }
  | { readonly id: number; readonly op: 'index'; readonly logId: string; readonly maxEntries: number }
  | { readonly id: number; readonly op: 'open' }
  | { readonly id: number; readonly op: 'close' };

export interface WireError {
  readonly kind: 'storage' | 'store' | 'other';
  readonly code?: string;
  readonly dbCode?: string;
  readonly constraint?: string;
  readonly message: string;
}

export type WriterReply =
  | { readonly id: number; readonly ok: true; readonly indexed?: bigint; readonly size?: bigint }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

/** Entries as one buffer and the end offset of each. */
export function packEntries(entries: readonly Uint8Array[]): {
  entries: Uint8Array<ArrayBuffer>;
  ends: Uint32Array<ArrayBuffer>;
} {
  let total = 0;
  for (const e of entries) total += e.byteLength;
  const packed = new Uint8Array(total);
  const ends = new Uint32Array(entries.length);
  let at = 0;
  entries.forEach((e, i) => {
    packed.set(e, at);
    at += e.byteLength;
    ends[i] = at;
  });
  return { entries: packed, ends };
}

/** The entries of {@link packEntries}, as views of the one buffer. */
export function unpackEntries(packed: Uint8Array, ends: Uint32Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (const end of ends) {
    out.push(packed.subarray(start, end));
    start = end;
  }
  return out;
}

export function errorToWire(error: unknown): WireError {
  if (error instanceof StorageError) return { kind: 'storage', code: error.code, message: error.message };
  if (error instanceof StoreError) {
    return {
      kind: 'store',
      code: error.code,
      message: error.message,
      ...(error.dbCode === undefined ? {} : { dbCode: error.dbCode }),
      ...(error.constraint === undefined ? {} : { constraint: error.constraint }),
    };
  }
  if (error instanceof AuditError) return { kind: 'other', code: error.code, message: error.message };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

export function errorFromWire(wire: WireError): Error {
  if (wire.kind === 'storage') return new StorageError(wire.code as StorageErrorCode, wire.message);
  if (wire.kind === 'store') {
    return new StoreError(wire.code as StoreErrorCode, wire.message, {
      ...(wire.dbCode === undefined ? {} : { dbCode: wire.dbCode }),
      ...(wire.constraint === undefined ? {} : { constraint: wire.constraint }),
    });
  }
  return new Error(wire.message);
}
