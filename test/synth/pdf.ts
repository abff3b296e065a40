/**
 * A PDF writer for fixtures, producing the text encodings Chinese PDFs come in:
 *
 * - `cjk`: a Type0 font with `Identity-H` encoding and a `ToUnicode` CMap (what Word, WPS and most
 *   report engines write: glyph ids on the page, the CMap to get text back);
 * - `gb`: a Type0 font with the predefined `UniGB-UCS2-H` CMap and no `ToUnicode` (STSong-Light,
 *   as older Acrobat and ReportLab write it: the reader needs Adobe's CMap files);
 * - `latin`: Helvetica with WinAnsiEncoding.
 *
 * Text can be shown a run at a time, one glyph at a time (each placed on its own, as some
 * exporters do), or as a `TJ` array with kerning. Content streams are Flate-compressed unless told
 * otherwise. No font programs are embedded: text extraction needs none.
 *
 * @module
 */
import { createCipheriv, createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

export interface PdfText {
  /** Baseline position, in points from the bottom left. */
  readonly x: number;
  readonly y: number;
  readonly text: string;
  readonly font?: 'cjk' | 'gb' | 'latin';
  readonly size?: number;
  /** How the glyphs are shown: one `Tj` (default), one `Tj` per glyph, or a kerned `TJ` array. */
  readonly show?: 'run' | 'glyphs' | 'kerned';
  /** Extra space after each glyph (`Tc`), in points: justified and letter-spaced text. */
  readonly charSpacing?: number;
}

export interface PdfPage {
  readonly texts: readonly PdfText[];
  /** A page that is only an image (a scan): a grey box drawn, no text. */
  readonly imageOnly?: boolean;
  /** Filled text fields of an AcroForm on this page (`label`: the field's tooltip, /TU). */
  readonly fields?: readonly { readonly name: string; readonly value: string; readonly label?: string }[];
}

export interface PdfOptions {
  /** Flate-compress content streams (default true). */
  readonly compress?: boolean;
  /** Page width and height in points (default A4 portrait, 595 × 842). */
  readonly pageSize?: readonly [number, number];
  /** The document information dictionary (Title, Author…). */
  readonly info?: Readonly<Record<string, string>>;
  /**
   * Encrypt with the standard security handler (revision 4, AES-128): an empty `user` password
   * opens the file (restrictions only, as "secured" PDFs are); another one must be given.
   */
  readonly encrypt?: { readonly owner: string; readonly user?: string };
}

/** Password padding of the standard security handler (ISO 32000-1, 7.6.3.3). */
const PAD = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');
const ID0 = Buffer.from('0123456789ABCDEF0123456789ABCDEF', 'hex');
const PERMISSIONS = -3904;

const md5 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};
const padded = (password: string): Buffer =>
  Buffer.concat([Buffer.from(password, 'latin1'), PAD]).subarray(0, 32);

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const box = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + box[i]! + key[i % key.length]!) & 255;
    [box[i], box[j]] = [box[j]!, box[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    j = (j + box[i]!) & 255;
    [box[i], box[j]] = [box[j]!, box[i]!];
    out[k] = data[k]! ^ box[(box[i]! + box[j]!) & 255]!;
  }
  return out;
}

/** RC4 with `key`, then 19 more passes with the key's bytes XORed with the pass number. */
function rc4Rounds(key: Buffer, data: Uint8Array): Buffer {
  let out = rc4(key, data);
  for (let i = 1; i <= 19; i++)
    out = rc4(
      key.map((b) => b ^ i),
      out,
    );
  return out;
}

/** The /O and /U entries and the file key (algorithms 2, 3 and 5, revision 4). */
function securityHandler(owner: string, user: string): { o: Buffer; u: Buffer; key: Buffer } {
  let h = md5(padded(owner));
  for (let i = 0; i < 50; i++) h = md5(h);
  const o = rc4Rounds(h.subarray(0, 16), padded(user));
  const p = Buffer.alloc(4);
  p.writeInt32LE(PERMISSIONS);
  let k = md5(padded(user), o, p, ID0);
  for (let i = 0; i < 50; i++) k = md5(k.subarray(0, 16));
  const key = k.subarray(0, 16);
  const u = Buffer.concat([rc4Rounds(key, md5(PAD, ID0)), Buffer.alloc(16)]);
  return { o, u, key };
}

/** AESV2 encryption of one string or stream of object `num` (algorithm 1 with AES). */
function aesv2(fileKey: Buffer, num: number, data: Uint8Array): Buffer {
  const objectKey = md5(
    fileKey,
    Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, 0, 0]),
    Buffer.from('sAlT'),
  );
  // A fixed IV per object keeps fixtures reproducible; real writers draw it at random.
  const iv = md5(Buffer.from(`iv ${num}`)).subarray(0, 16);
  const cipher = createCipheriv('aes-128-cbc', objectKey.subarray(0, 16), iv);
  return Buffer.concat([iv, cipher.update(data), cipher.final()]);
}

/** A dictionary's strings encrypted for object `num`: literal and hex strings become hex. */
function encryptStrings(dict: string, fileKey: Buffer, num: number): string {
  const hex = (bytes: Uint8Array) => `<${Buffer.from(bytes).toString('hex').toUpperCase()}>`;
  return dict
    .replace(/\(([^()\\]*)\)/g, (_, text: string) => hex(aesv2(fileKey, num, Buffer.from(text, 'latin1'))))
    .replace(/<([0-9A-Fa-f]+)>/g, (_, h: string) => hex(aesv2(fileKey, num, Buffer.from(h, 'hex'))));
}

/** A PDF text string: UTF-16BE with its byte-order mark, in hex. */
function textString(s: string): string {
  return `<FEFF${[...s].map(utf16Hex).join('').toUpperCase()}>`;
}

/** CIDs of the `cjk` font: one per distinct character, in first-seen order. */
function cidTable(pages: readonly PdfPage[]): Map<string, number> {
  const cids = new Map<string, number>();
  for (const page of pages) {
    for (const t of page.texts) {
      if ((t.font ?? 'cjk') !== 'cjk') continue;
      for (const ch of t.text) if (!cids.has(ch)) cids.set(ch, cids.size + 1);
    }
  }
  return cids;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0').toUpperCase();

function utf16Hex(ch: string): string {
  return [...Buffer.from(ch, 'utf16le').swap16()].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function toUnicodeCMap(cids: Map<string, number>): string {
  const entries = [...cids].map(([ch, cid]) => `<${hex4(cid)}> <${utf16Hex(ch)}>`);
  const blocks: string[] = [];
  // At most 100 entries per bfchar block (the CMap format's limit).
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    blocks.push(`${block.length} beginbfchar\n${block.join('\n')}\nendbfchar`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

function latinString(s: string): string {
  return `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/** The string operand showing `s` in `font`. */
function encode(s: string, font: 'cjk' | 'gb' | 'latin', cids: Map<string, number>): string {
  if (font === 'latin') return latinString(s);
  if (font === 'gb') return `<${[...s].map(utf16Hex).join('')}>`;
  return `<${[...s].map((ch) => hex4(cids.get(ch)!)).join('')}>`;
}

const FONT_NAME = { cjk: 'F1', gb: 'F2', latin: 'F3' } as const;

/**
 * Glyph widths in text space units of 1/1000: ASCII half-width in the CJK fonts (as in SimSun),
 * about 556 in Helvetica.
 */
function glyphWidth(ch: string, font: 'cjk' | 'gb' | 'latin'): number {
  if (font === 'latin') return 0.556;
  return ch.charCodeAt(0) < 0x80 ? 0.5 : 1;
}

/** The /W array of the `cjk` font: half width for its ASCII glyphs. */
function cidWidths(cids: Map<string, number>): string {
  const half = [...cids].filter(([ch]) => ch.charCodeAt(0) < 0x80).map(([, cid]) => `${cid} [500]`);
  return `[${half.join(' ')}]`;
}

function contentStream(page: PdfPage, cids: Map<string, number>): string {
  const ops: string[] = [];
  if (page.imageOnly) ops.push('0.8 g 50 50 495 742 re f');
  for (const t of page.texts) {
    const font = t.font ?? 'cjk';
    const size = t.size ?? 12;
    const advance = (ch: string) => glyphWidth(ch, font) * size;
    ops.push('BT', `/${FONT_NAME[font]} ${size} Tf`, `${t.charSpacing ?? 0} Tc`);
    const show = t.show ?? 'run';
    if (show === 'glyphs') {
      let x = t.x;
      for (const ch of t.text) {
        ops.push(`1 0 0 1 ${x.toFixed(2)} ${t.y} Tm ${encode(ch, font, cids)} Tj`);
        x += advance(ch);
      }
    } else if (show === 'kerned') {
      const glyphs = [...t.text];
      const parts = glyphs.map((ch, i) => `${encode(ch, font, cids)}${i % 3 === 2 ? ' -15' : ''}`);
      ops.push(`1 0 0 1 ${t.x} ${t.y} Tm [${parts.join(' ')}] TJ`);
    } else {
      ops.push(`1 0 0 1 ${t.x} ${t.y} Tm ${encode(t.text, font, cids)} Tj`);
    }
    ops.push('ET');
  }
  return ops.join('\n');
}

/** A PDF file holding `pages`. */
export function pdf(pages: readonly PdfPage[], options: PdfOptions = {}): Uint8Array {
  const compress = options.compress ?? true;
  const cids = cidTable(pages);
  type Stream = { readonly dict: string; readonly data: Buffer };
  const objects: (string | Stream)[] = [];
  const add = (body: string | Stream): number => {
    objects.push(body);
    return objects.length;
  };
  const stream = (text: string): Stream => {
    const raw = Buffer.from(text, 'latin1');
    return compress ? { dict: ' /Filter /FlateDecode', data: deflateSync(raw) } : { dict: '', data: raw };
  };

  const catalog = add('');
  const pagesId = add('');
  const toUnicode = add(stream(toUnicodeCMap(cids)));
  const cjkDescriptor = add(
    '<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>',
  );
  const cjkCid = add(
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${cjkDescriptor} 0 R /DW 1000 /W ${cidWidths(cids)} /CIDToGIDMap /Identity >>`,
  );
  const cjk = add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [${cjkCid} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
  );
  const gbDescriptor = add(
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  );
  const gbCid = add(
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor ${gbDescriptor} 0 R /DW 1000 /W [1 95 500] >>`,
  );
  const gb = add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H /DescendantFonts [${gbCid} 0 R] >>`,
  );
  const latin = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const resources = `<< /Font << /F1 ${cjk} 0 R /F2 ${gb} 0 R /F3 ${latin} 0 R >> >>`;

  const kids: number[] = [];
  const widgets: number[] = [];
  for (const page of pages) {
    const content = add(stream(contentStream(page, cids)));
    const pageId = objects.length + 1 + (page.fields?.length ?? 0);
    const annots = (page.fields ?? []).map((f, i) =>
      add(
        `<< /Type /Annot /Subtype /Widget /FT /Tx /P ${pageId} 0 R /Rect [300 ${700 - i * 30} 500 ${720 - i * 30}] /T ${textString(f.name)} /V ${textString(f.value)}${f.label === undefined ? '' : ` /TU ${textString(f.label)}`} /F 4 >>`,
      ),
    );
    widgets.push(...annots);
    const annotRefs = annots.length > 0 ? ` /Annots [${annots.map((a) => `${a} 0 R`).join(' ')}]` : '';
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 ${(options.pageSize ?? [595, 842]).join(' ')}] /Resources ${resources} /Contents ${content} 0 R${annotRefs} >>`,
      ),
    );
  }
  const acroForm =
    widgets.length > 0 ? ` /AcroForm << /Fields [${widgets.map((w) => `${w} 0 R`).join(' ')}] >>` : '';
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R${acroForm} >>`;
  const info =
    options.info === undefined
      ? undefined
      : add(
          `<< ${Object.entries(options.info)
            .map(([k, v]) => `/${k} ${textString(v)}`)
            .join(' ')} >>`,
        );
  objects[pagesId - 1] =
    `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

  const security =
    options.encrypt === undefined
      ? undefined
      : securityHandler(options.encrypt.owner, options.encrypt.user ?? '');
  const encryptId =
    security === undefined
      ? undefined
      : add(
          `<< /Filter /Standard /V 4 /R 4 /Length 128 /CF << /StdCF << /CFM /AESV2 /AuthEvent /DocOpen /Length 16 >> >> /StmF /StdCF /StrF /StdCF /O <${security.o.toString('hex')}> /U <${security.u.toString('hex')}> /P ${PERMISSIONS} >>`,
        );
  const serialise = (body: string | Stream, num: number): Buffer => {
    const encrypted = security !== undefined && num !== encryptId;
    if (typeof body === 'string')
      return Buffer.from(encrypted ? encryptStrings(body, security.key, num) : body, 'latin1');
    const data = encrypted ? aesv2(security.key, num, body.data) : body.data;
    return Buffer.concat([
      Buffer.from(`<< /Length ${data.length}${body.dict} >>\nstream\n`, 'latin1'),
      data,
      Buffer.from('\nendstream', 'latin1'),
    ]);
  };

  // A binary comment after the header, as real writers put one.
  const chunks: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const obj = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      serialise(body, i + 1),
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    chunks.push(obj);
    offset += obj.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${o.toString().padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root ${catalog} 0 R${info === undefined ? '' : ` /Info ${info} 0 R`}${encryptId === undefined ? '' : ` /Encrypt ${encryptId} 0 R`} /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>`,
    'startxref',
    String(offset),
    '%%EOF',
    '',
  ].join('\n');
  chunks.push(Buffer.from(xref, 'latin1'));
  return new Uint8Array(Buffer.concat(chunks));
}
