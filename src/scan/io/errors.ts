/**
 * Typed errors of the file-input layer.
 *
 * Messages name the path and the kind of failure, never file contents: a scan report (and a log)
 * must be safe to share even when the files it describes are full of personal information.
 *
 * @module
 */

/** Stable codes of {@link ScanIoError}; they appear in scan reports, so never rename one. */
export const SCAN_IO_ERROR_CODES = [
  'NOT_FOUND',
  'PERMISSION',
  'IS_BINARY',
  'IS_DIRECTORY',
  'READ_ERROR',
  'DECOMPRESS_ERROR',
  'SYMLINK_OUTSIDE',
  'SYMLINK_LOOP',
  'TOO_LARGE',
] as const;

/** One of {@link SCAN_IO_ERROR_CODES}. */
export type ScanIoErrorCode = (typeof SCAN_IO_ERROR_CODES)[number];

/** A per-file (or per-directory) input failure: the scan reports it and goes on. */
export class ScanIoError extends Error {
  /** Stable machine-readable code. */
  readonly code: ScanIoErrorCode;
  /** The path as the walker or caller named it (for reports). */
  readonly path: string;

  constructor(code: ScanIoErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScanIoError';
    this.code = code;
    this.path = path;
  }
}

/**
 * A file whose container cannot be unpacked (a damaged zip, a compound file with a broken sector
 * chain, malformed XML in a workbook): `DECOMPRESS_ERROR`, naming the file and what failed, never
 * its content.
 *
 * @param what - e.g. `cannot read the archive (damaged directory)`
 */
export function damagedFile(path: string, what: string, cause?: unknown): ScanIoError {
  return new ScanIoError('DECOMPRESS_ERROR', path, `${path}: ${what}`, { cause });
}

/** What a Node system error looks like, for the fields we read. */
interface ErrnoLike {
  code?: unknown;
  message?: unknown;
}

/**
 * Turns any thrown value from a filesystem call into a {@link ScanIoError} for `path`.
 *
 * @param what - the operation, for the message ("read", "open", "list directory" ...).
 */
export function toScanIoError(error: unknown, path: string, what: string): ScanIoError {
  if (error instanceof ScanIoError) return error;
  const errno = typeof error === 'object' && error !== null ? (error as ErrnoLike).code : undefined;
  switch (errno) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new ScanIoError('NOT_FOUND', path, `${path}: not found (${what})`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new ScanIoError('PERMISSION', path, `${path}: permission denied (${what})`, { cause: error });
    case 'EISDIR':
      return new ScanIoError('IS_DIRECTORY', path, `${path}: is a directory (${what})`, { cause: error });
    case 'ELOOP':
      return new ScanIoError('SYMLINK_LOOP', path, `${path}: too many levels of symbolic links (${what})`, {
        cause: error,
      });
    default: {
      // Node's own messages carry the syscall and path, never data, so the code is enough detail.
      const detail = typeof errno === 'string' ? errno : 'unknown error';
      return new ScanIoError('READ_ERROR', path, `${path}: cannot ${what} (${detail})`, { cause: error });
    }
  }
}
