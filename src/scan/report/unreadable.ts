/**
 * What the reports say about a file whose parts could not all be read (`unreadableEntries` of
 * its summary). Such a file may well hold PI (a scanned ID card, an encrypted roster): reports
 * name it rather than only count it.
 *
 * @module
 */
import type { FileSummary } from '../scan-file.ts';

/** Why parts of a file of `format` go unread, in a few words. */
export function unreadableReason(format: string | undefined): string {
  switch (format) {
    case 'pdf':
      return 'needs a password, or has no text layer (a scan: it would need OCR)';
    case 'zip':
      return 'encrypted entries, an unknown compression method, or archives nested too deep';
    case 'eml':
    case 'mbox':
    case 'msg':
      return 'attachments that are encrypted, too large or nested too deep';
    default:
      return 'encrypted';
  }
}

/** One line about `s`: how many parts went unread and why. */
export function unreadableText(s: FileSummary): string {
  const n = s.unreadableEntries ?? 0;
  return `${n} part${n === 1 ? '' : 's'} not read (${s.format ?? 'file'}: ${unreadableReason(s.format)})`;
}
