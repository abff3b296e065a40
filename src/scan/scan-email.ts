/**
 * E-mail messages (`.eml`, RFC 5322 with MIME), parsed with postal-mime: the encoded words of the
 * headers (`=?GBK?B?…?=`), base64 and quoted-printable bodies in any charset, and the attachments
 * — the customer list sent as `客户名单.xlsx`, zipped or not — each read like a file of its own.
 * Read raw, a message shows nothing but base64.
 *
 * Parts (`part` of each finding): `headers` (sender and recipients as `发件人：张伟 <…>` lines, so
 * their names have a cue, and the subject), `body` (the plain text, or the HTML's text), and each
 * attachment by its file name (`客户名单.xlsx!Sheet1`, `data.zip!a.csv`, `fwd.eml!body`).
 *
 * @module
 */
import PostalMime, { type Address } from 'postal-mime';
import { isCfbHead } from './io/cfb.ts';
import { damagedFile } from './io/errors.ts';
import { htmlToText, looksLikeHtml } from './io/html.ts';
import type { MsgContent } from './io/msg.ts';
import { compoundContent } from './io/ole.ts';
import { openUtf8FromBytes } from './io/open.ts';
import { isPdfHead, pdfFromBytes } from './io/pdf.ts';
import { isZipHead, openZipBuffer } from './io/zip.ts';
import { type ArchiveResult, scanArchive, scanOfficeParts } from './scan-archive.ts';
import { scanStream } from './stream.ts';
import type { Finding, ScanOptions } from './types.ts';

/** Messages inside messages (forwarded as attachments) are read this deep. */
const MAX_DEPTH = 3;

const HEADER_NAMES =
  /^(return-path|received|from|to|date|subject|message-id|mime-version|delivered-to|x-[\w-]+|reply-to|cc|content-type):/i;

/** The separator line of an mbox file: `From sender@example.cn Mon Jan  1 10:00:00 2024`. */
const MBOX_FROM = /^From \S+ .*\d{4}\s*$/;

/** True when `head` (the start of a text file named `path`) is an mbox file of messages. */
export function looksLikeMbox(head: string, path: string): boolean {
  const lines = head.replace(/^\uFEFF/, '').split(/\r?\n/, 3);
  return MBOX_FROM.test(lines[0] ?? '') && (HEADER_NAMES.test(lines[1] ?? '') || /\.(mbox|mbx)$/i.test(path));
}

/**
 * Yields the findings of every message of an mbox file (Thunderbird, Google Takeout, Unix mail),
 * read one message at a time from its UTF-8 `chunks`: memory holds one message, not the file.
 * Messages are numbered from 1 in `part` (`#12!body`, `#12!客户.xlsx!Sheet1`), never named by
 * their subject, which may be personal data itself. `>From ` escapes are undone.
 */
export async function* scanMbox(
  chunks: AsyncIterable<Uint8Array>,
  options: ScanOptions,
  path: string,
  maxMessageBytes: number,
): AsyncGenerator<Finding, ArchiveResult> {
  let unreadable = 0;
  let n = 0;
  let lines: string[] = [];
  let size = 0;
  let tail = '';
  const flush = async function* (): AsyncGenerator<Finding, void> {
    if (lines.length === 0) return;
    n++;
    if (size > maxMessageBytes) unreadable++;
    else {
      const message = Buffer.from(lines.join('\n'), 'utf8');
      try {
        const r = yield* scanEmail(message, options, path, `${path}#${n}`, `#${n}!`);
        unreadable += r.unreadable;
      } catch {
        // One message that cannot be read does not stop the others.
        unreadable++;
      }
    }
    lines = [];
    size = 0;
  };
  const decoder = new TextDecoder();
  const feed = async function* (text: string): AsyncGenerator<Finding, void> {
    const parts = (tail + text).split('\n');
    tail = parts.pop()!;
    for (const raw of parts) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (MBOX_FROM.test(line) && (lines.length === 0 || lines[lines.length - 1] === '')) {
        yield* flush();
        continue; // the separator itself is not part of the message
      }
      size += line.length + 1;
      if (size <= maxMessageBytes) lines.push(/^>+From /.test(line) ? line.slice(1) : line);
    }
  };
  for await (const chunk of chunks) yield* feed(decoder.decode(chunk, { stream: true }));
  yield* feed(`${decoder.decode()}\n`);
  yield* flush();
  return { kind: 'mbox', unreadable };
}

/** True when `head` (the start of a text file named `path`) is an e-mail message. */
export function looksLikeEmail(head: string, path: string): boolean {
  const lines = head.replace(/^\uFEFF/, '').split(/\r?\n/, 40);
  if (!HEADER_NAMES.test(lines[0] ?? '')) return false;
  if (/\.(eml|mht|mhtml)$/i.test(path)) return true;
  // Without the name, demand the headers every MIME message has.
  const keys = new Set(lines.map((l) => /^([\w-]+):/.exec(l)?.[1]?.toLowerCase()).filter(Boolean));
  return (
    keys.has('from') &&
    (keys.has('mime-version') || keys.has('content-type')) &&
    (keys.has('date') || keys.has('subject'))
  );
}

/** Mailboxes as `name <address>`, groups flattened. */
function addresses(list: readonly Address[] | undefined): string[] {
  const out: string[] = [];
  for (const a of list ?? []) {
    for (const m of a.group ?? [a]) out.push(m.name ? `${m.name} <${m.address ?? ''}>` : (m.address ?? ''));
  }
  return out;
}

async function* textPart(
  text: string,
  name: string,
  options: ScanOptions,
  path: string,
): AsyncGenerator<Finding> {
  for await (const f of scanStream([Buffer.from(text, 'utf8')], { ...options, format: 'text', path })) {
    yield { ...f, part: name };
  }
}

/**
 * Yields the findings of the message in `bytes`: headers, body, attachments.
 *
 * @param label - the message's name in error messages (its path, or `outer.zip!mail.eml`)
 * @param prefix - its place inside the file (`''` at the top, `a.zip!` inside)
 */
export async function* scanEmail(
  bytes: Uint8Array,
  options: ScanOptions,
  path: string,
  label: string,
  prefix = '',
  depth = 0,
): AsyncGenerator<Finding, ArchiveResult> {
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    email = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer', maxNestingDepth: 64 });
  } catch (error) {
    throw damagedFile(label, 'cannot read the e-mail message', error);
  }
  const headers = [
    ...addresses(email.from ? [email.from] : []).map((a) => `发件人：${a}`),
    ...addresses(email.replyTo).map((a) => `回复：${a}`),
    ...addresses([...(email.to ?? []), ...(email.cc ?? []), ...(email.bcc ?? [])]).map((a) => `收件人：${a}`),
    ...(email.subject ? [`主题：${email.subject}`] : []),
  ];
  yield* textPart(`${headers.join('\n')}\n`, `${prefix}headers`, options, path);
  const body = email.text ?? (email.html !== undefined ? htmlToText(email.html).text : '');
  if (body !== '') yield* textPart(body, `${prefix}body`, options, path);

  let unreadable = 0;
  for (const [i, a] of email.attachments.entries()) {
    const name = a.filename ?? `attachment${i + 1}`;
    const content =
      typeof a.content === 'string'
        ? Buffer.from(a.content, a.encoding === 'base64' ? 'base64' : 'utf8')
        : Buffer.from(a.content instanceof ArrayBuffer ? new Uint8Array(a.content) : a.content);
    const r = yield* scanAttachment(name, a.mimeType, content, options, path, label, prefix, depth);
    unreadable += r;
  }
  return { kind: 'eml', unreadable };
}

/**
 * A file held in memory inside another (an attachment, an archive's entry) read like a file, by
 * its content: a message, an archive or Office file, a compound file (xls, doc, ppt, msg), HTML or
 * other text. Returns how many parts could not be read.
 */
export async function* scanAttachment(
  name: string,
  mimeType: string,
  content: Buffer,
  options: ScanOptions,
  path: string,
  label: string,
  prefix: string,
  depth: number,
): AsyncGenerator<Finding, number> {
  const inner = `${prefix}${name}!`;
  const innerLabel = `${label}!${name}`;
  if (mimeType === 'message/rfc822' || /\.eml$/i.test(name)) {
    if (depth + 1 > MAX_DEPTH) return 1;
    return (yield* scanEmail(content, options, path, innerLabel, inner, depth + 1)).unreadable;
  }
  if (isPdfHead(content)) {
    return (yield* scanOfficeParts(await pdfFromBytes(content, innerLabel), options, path, inner)).unreadable;
  }
  if (isZipHead(content)) {
    const archive = await openZipBuffer(content, innerLabel);
    return archive === undefined
      ? 0
      : (yield* scanArchive(archive, options, path, inner, depth + 1)).unreadable;
  }
  if (isCfbHead(content)) {
    const found = compoundContent(content, innerLabel);
    if (found === undefined) return 0;
    if ('office' in found) return (yield* scanOfficeParts(found.office, options, path, inner)).unreadable;
    return (yield* scanMessage(found.msg, options, path, innerLabel, inner, depth + 1)).unreadable;
  }
  const opened = await openUtf8FromBytes(content, name);
  if (opened.kind !== 'text') {
    opened.close();
    return 0;
  }
  if (opened.format === 'text' && looksLikeHtml(content.subarray(0, 4096).toString('latin1'), name)) {
    // Read through its transcoded text (a GBK page stays legible).
    const parts: Uint8Array[] = [];
    for await (const chunk of opened.chunks) parts.push(chunk);
    yield* textPart(
      htmlToText(Buffer.concat(parts).toString('utf8')).text,
      `${prefix}${name}`,
      options,
      path,
    );
    return 0;
  }
  for await (const f of scanStream(opened.chunks, { ...options, format: opened.format, path })) {
    yield { ...f, part: `${prefix}${name}` };
  }
  return 0;
}

/**
 * Yields the findings of an Outlook message (msg.ts): `headers`, `body`, and its attachments, an
 * embedded (forwarded) message included.
 */
export async function* scanMessage(
  msg: MsgContent,
  options: ScanOptions,
  path: string,
  label: string,
  prefix = '',
  depth = 0,
): AsyncGenerator<Finding, ArchiveResult> {
  if (msg.headers !== '') yield* textPart(`${msg.headers}\n`, `${prefix}headers`, options, path);
  if (msg.body !== '') yield* textPart(msg.body, `${prefix}body`, options, path);
  let unreadable = 0;
  for (const a of msg.attachments) {
    if (a.message !== undefined) {
      const r = yield* scanMessage(
        a.message,
        options,
        path,
        `${label}!${a.name}`,
        `${prefix}${a.name}!`,
        depth + 1,
      );
      unreadable += r.unreadable;
    } else if (a.data !== undefined) {
      unreadable += yield* scanAttachment(a.name, '', a.data, options, path, label, prefix, depth);
    }
  }
  return { kind: 'msg', unreadable };
}
