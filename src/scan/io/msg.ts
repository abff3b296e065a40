/**
 * Outlook messages (`.msg`: MS-OXMSG, properties as streams of a compound file). What an e-mail
 * dragged out of Outlook keeps: subject, sender, recipients (display names and addresses), the
 * plain-text body, the transport headers, and the attachments — their bytes for scan-email.ts to
 * read like files, and embedded messages (a forwarded mail) as messages of their own.
 *
 * Property streams are named `__substg1.0_PPPPTTTT` (property id and type): type 001F is UTF-16,
 * 001E 8-bit text in the message's code page (GBK for Chinese Outlook), 0102 binary, 000D an
 * embedded object (a storage).
 *
 * @module
 */
import type { CfbEntry } from './cfb.ts';

/** A message's text and attachments, as read from its storage. */
export interface MsgContent {
  /** Header-like lines: `发件人：…`, `收件人：…`, `主题：…`, then the transport headers. */
  readonly headers: string;
  readonly body: string;
  readonly attachments: readonly {
    readonly name: string;
    readonly data?: Buffer;
    readonly message?: MsgContent;
  }[];
}

const PROP = /^__substg1\.0_([0-9A-F]{4})([0-9A-F]{4})$/i;

/** Embedded messages are read this deep. */
const MAX_DEPTH = 3;

function properties(entries: readonly CfbEntry[]): Map<string, CfbEntry> {
  const out = new Map<string, CfbEntry>();
  for (const e of entries) {
    const m = PROP.exec(e.name);
    if (m) out.set(`${m[1]!.toUpperCase()}${m[2]!.toUpperCase()}`, e);
  }
  return out;
}

/** A text property (UTF-16 or 8-bit in `codepage`), or ''. */
function text(props: Map<string, CfbEntry>, id: string, codepage: string): string {
  const wide = props.get(`${id}001F`);
  if (wide) return wide.read().toString('utf16le').replace(/\0+$/, '');
  const narrow = props.get(`${id}001E`);
  if (!narrow) return '';
  const bytes = narrow.read();
  try {
    return new TextDecoder(codepage).decode(bytes).replace(/\0+$/, '');
  } catch {
    return bytes.toString('latin1');
  }
}

/** The code page of 8-bit strings (PR_MESSAGE_CODEPAGE, PR_INTERNET_CPID), as a decoder label. */
function codepage(entries: readonly CfbEntry[]): string {
  const stream = entries.find((e) => e.name === '__properties_version1.0');
  const bytes = stream?.read();
  // Property records of 16 bytes after a header (32 bytes at the top, 24 in an embedded
  // message, 8 in attachments and recipients): tag (type, id), flags, value.
  for (const header of [32, 24]) {
    if (!bytes) break;
    for (let at = header; at + 16 <= bytes.length; at += 16) {
      const type = bytes.readUInt16LE(at);
      const id = bytes.readUInt16LE(at + 2);
      if (type === 0x0003 && (id === 0x3ffd || id === 0x3fde)) {
        const cp = bytes.readUInt32LE(at + 8);
        if (cp === 936 || cp === 54936) return 'gb18030';
        if (cp === 950) return 'big5';
        if (cp === 65001) return 'utf-8';
        if (cp === 1252) return 'windows-1252';
      }
    }
  }
  return 'gb18030';
}

/** Reads the message stored in `entries` (the root storage, or an embedded message's). */
export function readMsg(entries: readonly CfbEntry[], depth = 0): MsgContent {
  const cp = codepage(entries);
  const props = properties(entries);
  const lines: string[] = [];
  const sender = text(props, '0C1A', cp) || text(props, '0042', cp);
  const senderAddress = text(props, '5D01', cp) || text(props, '0C1F', cp);
  if (sender || senderAddress) lines.push(`发件人：${sender} <${senderAddress}>`);
  for (const e of entries) {
    if (!e.storage || !/^__recip_version1\.0_/i.test(e.name)) continue;
    const r = properties(e.children());
    const name = text(r, '3001', cp);
    const address = text(r, '39FE', cp) || text(r, '3003', cp);
    if (name || address) lines.push(`收件人：${name} <${address}>`);
  }
  const subject = text(props, '0037', cp);
  if (subject) lines.push(`主题：${subject}`);
  const transport = text(props, '007D', cp);
  if (transport) lines.push('', transport);

  const attachments: { name: string; data?: Buffer; message?: MsgContent }[] = [];
  for (const e of entries) {
    if (!e.storage || !/^__attach_version1\.0_/i.test(e.name)) continue;
    const children = e.children();
    const a = properties(children);
    const name = text(a, '3707', cp) || text(a, '3704', cp) || text(a, '3001', cp) || 'attachment';
    const data = a.get('37010102');
    if (data) attachments.push({ name, data: data.read() });
    else {
      const embedded = a.get('3701000D');
      if (embedded?.storage && depth + 1 <= MAX_DEPTH) {
        attachments.push({ name, message: readMsg(embedded.children(), depth + 1) });
      }
    }
  }
  return { headers: lines.join('\n'), body: text(props, '1000', cp), attachments };
}
