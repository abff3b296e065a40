/**
 * The scanner: find PI in strings, byte streams, files and folders.
 *
 * @module
 */
export { type FileEvent, type FileSummary, scanFile, scanFileEvents } from './scan-file.ts';
export { type ScanEvent, type ScanPathsOptions, scanPaths } from './scan-paths.ts';
export { type StreamOptions, scanBuffer, scanStream, scanText } from './stream.ts';
export type { Explanation, Finding, ScanOptions, SourceFormat } from './types.ts';
