/**
 * An Outlook message (`.msg`, MS-OXMSG) writer for fixtures: property streams
 * (`__substg1.0_PPPPTTTT`) in a compound file (cfb.ts), recipients and attachments in storages of
 * their own, an embedded message as an attachment's object storage, and the property stream that
 * carries the code page of 8-bit strings.
 *
 * @module
 */
import { type CfbStorage, type CfbStream, compoundFile } from './cfb.ts';
import { encodeGbk } from './gbk.ts';

export interface MsgOptions {
  readonly subject: string;
  readonly from: readonly [name: string, address: string];
  readonly to: readonly (readonly [name: string, address: string])[];
  readonly body: string;
  /** Write the body as an 8-bit GBK string (type 001E, code page 936) instead of UTF-16. */
  readonly gbkBody?: boolean;
  readonly attachments?: readonly (
    | { readonly name: string; readonly data: Uint8Array }
    | { readonly name: string; readonly message: MsgOptions }
  )[];
}

const unicode = (id: string, value: string): CfbStream => ({
  name: `__substg1.0_${id}001F`,
  data: Buffer.from(`${value}\0`, 'utf16le'),
});

/** A property stream: a header of `header` bytes, then 16-byte records (here PR_MESSAGE_CODEPAGE). */
function propertyStream(header: number, codepage?: number): CfbStream {
  const head = Buffer.alloc(header);
  if (codepage === undefined) return { name: '__properties_version1.0', data: head };
  const record = Buffer.alloc(16);
  record.writeUInt16LE(0x0003, 0);
  record.writeUInt16LE(0x3ffd, 2);
  record.writeUInt32LE(codepage, 8);
  return { name: '__properties_version1.0', data: Buffer.concat([head, record]) };
}

function messageItems(o: MsgOptions, header: number): (CfbStream | CfbStorage)[] {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
  return [
    propertyStream(header, o.gbkBody ? 936 : undefined),
    unicode('0037', o.subject),
    unicode('0C1A', o.from[0]),
    unicode('5D01', o.from[1]),
    o.gbkBody ? { name: '__substg1.0_1000001E', data: encodeGbk(`${o.body}\0`) } : unicode('1000', o.body),
    ...o.to.map(([name, address], i) => ({
      name: `__recip_version1.0_#${hex(i)}`,
      children: [propertyStream(8), unicode('3001', name), unicode('39FE', address)],
    })),
    ...(o.attachments ?? []).map((a, i) => ({
      name: `__attach_version1.0_#${hex(i)}`,
      children: [
        propertyStream(8),
        unicode('3707', a.name),
        'data' in a
          ? { name: '__substg1.0_37010102', data: a.data }
          : { name: '__substg1.0_3701000D', children: messageItems(a.message, 24) },
      ],
    })),
  ];
}

/** A .msg file's bytes. */
export function msg(o: MsgOptions): Uint8Array {
  return compoundFile(messageItems(o, 32));
}
