/**
 * Office 97–2003 files, by what their compound file (cfb.ts) holds: a `Workbook` stream is an
 * Excel workbook (xls.ts), a `WordDocument` stream a Word document (doc.ts), a `PowerPoint
 * Document` stream a presentation (ppt.ts), message property streams an Outlook message (msg.ts).
 * Anything else in a compound file (an MSI, a Visio drawing) stays a skipped binary file.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { CfbError, readCompoundFile } from './cfb.ts';
import { docFromCompound } from './doc.ts';
import { damagedFile, ScanIoError } from './errors.ts';
import { type MsgContent, readMsg } from './msg.ts';
import type { OfficeDocument } from './ooxml.ts';
import { pptFromCompound } from './ppt.ts';
import { xlsFromCompound } from './xls.ts';

/** What a compound file turned out to hold. */
export type CompoundContent = { readonly office: OfficeDocument } | { readonly msg: MsgContent } | undefined;

/** Largest compound file read into memory. */
export const MAX_COMPOUND_BYTES = 512 * 1024 * 1024;

/** Names that promise an Office 97–2003 file (WPS's own extensions too). */
export const COMPOUND_NAME = /\.(xls|xlt|doc|dot|wps|et|msg|ppt|pps|dps)$/i;

/**
 * Reads a compound file held in memory as an Excel or Word 97–2003 file or an Outlook message;
 * `undefined` for other compound files.
 * @throws ScanIoError `DECOMPRESS_ERROR` when the container is damaged
 */
export function compoundContent(bytes: Buffer, label: string): CompoundContent {
  try {
    const cf = readCompoundFile(bytes);
    const office = xlsFromCompound(cf) ?? docFromCompound(cf) ?? pptFromCompound(cf);
    if (office !== undefined) return { office };
    const root = cf.root();
    if (
      root.some((e) => e.name === '__properties_version1.0') &&
      root.some((e) => e.name.startsWith('__substg1.0_'))
    ) {
      return { msg: readMsg(root) };
    }
    return undefined;
  } catch (error) {
    if (error instanceof CfbError)
      throw damagedFile(label, `cannot read the Office file (${error.message})`, error);
    throw error;
  }
}

/** Reads the file at `path` (see {@link compoundContent}). */
export async function openCompound(path: string): Promise<CompoundContent> {
  const bytes = await readFile(path);
  if (bytes.length > MAX_COMPOUND_BYTES) {
    throw new ScanIoError('TOO_LARGE', path, `${path}: larger than ${MAX_COMPOUND_BYTES} bytes`);
  }
  return compoundContent(bytes, path);
}
