/**
 * Office 97–2003 files, by what their compound file (cfb.ts) holds: a `Workbook` stream is an
 * Excel workbook (xls.ts), a `WordDocument` stream a Word document (doc.ts). Anything else in a
 * compound file (an MSI, a Visio drawing, PowerPoint 97) stays a skipped binary file.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { CfbError, readCompoundFile } from './cfb.ts';
import { docFromCompound } from './doc.ts';
import { damagedFile, ScanIoError } from './errors.ts';
import type { OfficeDocument } from './ooxml.ts';
import { xlsFromCompound } from './xls.ts';

/** Largest compound file read into memory. */
export const MAX_COMPOUND_BYTES = 512 * 1024 * 1024;

/** Names that promise an Office 97–2003 file (WPS's own extensions too). */
export const COMPOUND_NAME = /\.(xls|xlt|doc|dot|wps|et)$/i;

/**
 * Reads a compound file held in memory as an Excel or Word 97–2003 file; `undefined` for other
 * compound files.
 * @throws ScanIoError `DECOMPRESS_ERROR` when the container is damaged
 */
export function officeFromCompound(bytes: Buffer, label: string): OfficeDocument | undefined {
  try {
    const cf = readCompoundFile(bytes);
    return xlsFromCompound(cf) ?? docFromCompound(cf);
  } catch (error) {
    if (error instanceof CfbError)
      throw damagedFile(label, `cannot read the Office file (${error.message})`, error);
    throw error;
  }
}

/** Reads the file at `path` (see {@link officeFromCompound}). */
export async function openCompound(path: string): Promise<OfficeDocument | undefined> {
  const bytes = await readFile(path);
  if (bytes.length > MAX_COMPOUND_BYTES) {
    throw new ScanIoError('TOO_LARGE', path, `${path}: larger than ${MAX_COMPOUND_BYTES} bytes`);
  }
  return officeFromCompound(bytes, path);
}
