/**
 * A MIME e-mail writer for fixtures: headers as GBK encoded words (as Chinese mail clients write
 * them), a GBK base64 body, and base64 attachments with GBK file names.
 *
 * @module
 */
import { encodeGbk } from './gbk.ts';

export interface MailOptions {
  readonly from: readonly [name: string, address: string];
  readonly to: readonly [name: string, address: string];
  readonly subject: string;
  readonly body: string;
  readonly attachments?: readonly {
    readonly name: string;
    readonly type: string;
    readonly data: Uint8Array;
  }[];
}

/** An encoded word in GBK: `=?GBK?B?…?=`. */
export const gbkWord = (s: string): string => `=?GBK?B?${encodeGbk(s).toString('base64')}?=`;
const wrap = (b64: string) => b64.replace(/.{1,76}/g, '$&\r\n');

/** An .eml file's text (multipart/mixed, CRLF). */
export function mail(o: MailOptions): string {
  const lines = [
    `From: ${gbkWord(o.from[0])} <${o.from[1]}>`,
    `To: ${gbkWord(o.to[0])} <${o.to[1]}>`,
    `Subject: ${gbkWord(o.subject)}`,
    'Date: Mon, 01 Jan 2024 10:00:00 +0800',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="=_part_1"',
    '',
    '--=_part_1',
    'Content-Type: text/plain; charset=GBK',
    'Content-Transfer-Encoding: base64',
    '',
    wrap(encodeGbk(o.body.replace(/\r?\n/g, '\r\n')).toString('base64')),
  ];
  for (const a of o.attachments ?? []) {
    lines.push(
      '--=_part_1',
      `Content-Type: ${a.type}; name="${gbkWord(a.name)}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${gbkWord(a.name)}"`,
      '',
      wrap(Buffer.from(a.data).toString('base64')),
    );
  }
  lines.push('--=_part_1--', '');
  return lines.join('\r\n');
}
