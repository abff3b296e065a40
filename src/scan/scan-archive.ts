/**
 * Scanning what is inside a zip: an Office file's sheets and parts, or a plain archive's entries
 * (each sniffed, gunzipped and transcoded like a file of its own), and archives or Office files
 * inside an archive, two levels deep. Each finding names where inside it sits in `part`:
 *
 * - `在职` — a sheet of the workbook being scanned (`line`, `column`: its row and column);
 * - `exports/客户.csv` — an entry of an archive;
 * - `exports/员工.xlsx!在职` — a sheet of a workbook inside an archive.
 *
 * Encrypted entries, and nested archives past the depth or size limit, cannot be read: they are
 * counted, so the report can say what was not scanned.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import type { Entry } from 'yauzl';
import { ScanIoError } from './io/errors.ts';
import { COMPOUND_NAME } from './io/ole.ts';
import { type OfficeDocument, type OfficeKind, officeFromArchive } from './io/ooxml.ts';
import { openUtf8FromStream } from './io/open.ts';
import { PDF_NAME } from './io/pdf.ts';
import { ZIP_NAME, type ZipArchive } from './io/zip.ts';
import { scanAttachment } from './scan-email.ts';
import { scanStream } from './stream.ts';
import type { Finding, ScanOptions } from './types.ts';

/** Archives inside archives are opened this deep (the outer archive is depth 0). */
const MAX_DEPTH = 2;
/** An inner archive is read into memory to be opened: at most this large. */
const MAX_NESTED_BYTES = 256 * 1024 * 1024;

export interface ArchiveResult {
  readonly kind: OfficeKind | 'zip' | 'eml' | 'msg' | 'mbox';
  /** Entries that could not be read: encrypted, an unknown compression method, too deep or large. */
  readonly unreadable: number;
}

async function readAll(stream: Readable, max: number, label: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      stream.destroy();
      throw new ScanIoError('TOO_LARGE', label, `${label}: larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function readable(entry: Entry): boolean {
  return !entry.isEncrypted() && entry.canDecodeFileData();
}

/**
 * Yields the findings of an Office document's parts: sheets (cells placed at their row and
 * column), document parts, slides. Closes the document.
 */
export async function* scanOfficeParts(
  office: OfficeDocument,
  options: ScanOptions,
  path: string,
  prefix = '',
): AsyncGenerator<Finding, ArchiveResult> {
  try {
    for await (const part of office.parts()) {
      const name = prefix + part.name;
      const before = part.linesBefore ?? 0;
      const shift = (part.firstLine ?? 1) - 1 - before;
      for await (const f of scanStream(part.chunks, { ...options, format: part.format, path })) {
        if (before > 0 || shift !== 0) {
          if (f.line <= before) continue;
          yield { ...f, line: f.line + shift, part: name };
          continue;
        }
        const cell = part.locate?.(f.start);
        yield cell === undefined
          ? { ...f, part: name }
          : { ...f, line: cell.row, column: cell.column, part: name };
      }
    }
  } finally {
    office.close();
  }
  return {
    kind: office.kind,
    unreadable: (office.encrypted === true ? 1 : 0) + (office.unreadableParts?.() ?? 0),
  };
}

/**
 * Yields the findings of everything `archive` holds, in directory order, then says what it was
 * and what it could not read. Closes the archive.
 *
 * @param path - the file on disk, put on every finding
 * @param prefix - the archive's own place inside the file (`''` at the top, `a.zip!` inside)
 */
export async function* scanArchive(
  archive: ZipArchive,
  options: ScanOptions,
  path: string,
  prefix = '',
  depth = 0,
): AsyncGenerator<Finding, ArchiveResult> {
  const office = officeFromArchive(archive);
  if (office !== undefined) return yield* scanOfficeParts(office, options, path, prefix);
  let unreadable = 0;
  try {
    for (const [name, entry] of archive.entries) {
      if (!readable(entry)) {
        unreadable++;
        continue;
      }
      const label = `${archive.label}!${name}`;
      if (/\.eml$/i.test(name) || COMPOUND_NAME.test(name) || ZIP_NAME.test(name) || PDF_NAME.test(name)) {
        // A message, archive, Office, Office 97-2003 file or PDF inside the archive: read into memory,
        // then told by its content like an attachment (an "xls" that is HTML is read as HTML).
        if (depth + 1 > MAX_DEPTH || entry.uncompressedSize > MAX_NESTED_BYTES) {
          unreadable++;
          continue;
        }
        const bytes = await readAll(await archive.open(entry), MAX_NESTED_BYTES, label);
        unreadable += yield* scanAttachment(name, '', bytes, options, path, archive.label, prefix, depth);
        continue;
      }
      const opened = await openUtf8FromStream(await archive.open(entry), name);
      if (opened.kind !== 'text') {
        opened.close();
        continue;
      }
      for await (const f of scanStream(opened.chunks, { ...options, format: opened.format, path })) {
        yield { ...f, part: prefix + name };
      }
    }
  } finally {
    archive.close();
  }
  return { kind: 'zip', unreadable };
}
