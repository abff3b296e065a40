/**
 * The file-input layer of `shiming scan`: walk paths, sniff files, deliver UTF-8 chunks.
 *
 * @module
 */

export { SCAN_IO_ERROR_CODES, ScanIoError, type ScanIoErrorCode, toScanIoError } from './errors.ts';
export {
  DEFAULT_HIGH_WATER_MARK,
  type OpenedFile,
  type OpenOptions,
  openUtf8,
  openUtf8FromBytes,
  openUtf8FromStream,
} from './open.ts';
export {
  type FileFormat,
  type FileKind,
  formatFromName,
  innerName,
  SNIFF_BYTES,
  type SniffResult,
  sniff,
  type TextEncodingName,
} from './sniff.ts';
export { type WalkEntry, type WalkOptions, type WalkProblem, walk } from './walk.ts';
