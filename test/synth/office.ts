/**
 * Minimal but faithful Office Open XML writers for fixtures: xlsx (shared strings, inline
 * strings, numbers, date-styled serials, formulas, sparse rows and columns, phonetic runs) and
 * docx (paragraphs, runs, tables, headers). Laid out as Excel and Word write them; zipped with
 * fflate (a dev dependency: the scanner itself only reads zips).
 *
 * @module
 */
import { zipSync } from 'fflate';

const enc = new TextEncoder();
/** Entry times, fixed (in local time, as zip stores them) so the same input gives the same bytes. */
const FIXED_TIME = new Date(2026, 0, 1);

/** XML text escaping. */
export function xmlEscape(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** A cell: text goes to the shared strings, numbers stay numbers. */
export type XlsxCell =
  | string
  | number
  | null
  | { readonly inline: string }
  | { readonly date: number } // a serial, styled as yyyy-mm-dd
  | { readonly formula: string; readonly result: string }
  | { readonly raw: string; readonly type?: string }; // <v> as written (e.g. "1.3912345678E+10")

export interface XlsxSheet {
  readonly name: string;
  /** Rows from row 1, or `[rowNumber, cells]` pairs to leave gaps; cells from column A. */
  readonly rows: readonly (readonly XlsxCell[] | readonly [number, readonly XlsxCell[]])[];
  readonly hidden?: boolean;
}

/** Column letters of a 1-based column number (3 → C, 28 → AB). */
export function columnName(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export interface XlsxOptions {
  /** Dates counted from 1904 (old Mac Excel). */
  readonly date1904?: boolean;
  /** Phonetic runs (`<rPh>`) added to shared strings, which a reader must leave out. */
  readonly phonetic?: boolean;
  /** Write the shared strings after the sheets in the zip (Excel's order varies). */
  readonly stringsLast?: boolean;
}

/** An .xlsx file's bytes. */
export function xlsx(sheets: readonly XlsxSheet[], options: XlsxOptions = {}): Uint8Array {
  const strings: string[] = [];
  const sst = new Map<string, number>();
  const shared = (s: string) => {
    let i = sst.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      sst.set(s, i);
    }
    return i;
  };
  const sheetXml = sheets.map((sheet) => {
    let rows = '';
    let next = 1;
    for (const entry of sheet.rows) {
      const [r, cells] =
        entry.length === 2 && typeof entry[0] === 'number' && Array.isArray(entry[1])
          ? (entry as readonly [number, readonly XlsxCell[]])
          : [next, entry as readonly XlsxCell[]];
      next = r + 1;
      let xml = '';
      for (const [i, cell] of cells.entries()) {
        if (cell === null) continue;
        const ref = `${columnName(i + 1)}${r}`;
        if (typeof cell === 'string') xml += `<c r="${ref}" t="s"><v>${shared(cell)}</v></c>`;
        else if (typeof cell === 'number') xml += `<c r="${ref}"><v>${cell}</v></c>`;
        else if ('inline' in cell)
          xml += `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlEscape(cell.inline)}</t></is></c>`;
        else if ('date' in cell) xml += `<c r="${ref}" s="1"><v>${cell.date}</v></c>`;
        else if ('formula' in cell)
          xml += `<c r="${ref}" t="str"><f>${xmlEscape(cell.formula)}</f><v>${xmlEscape(cell.result)}</v></c>`;
        else xml += `<c r="${ref}"${cell.type ? ` t="${cell.type}"` : ''}><v>${xmlEscape(cell.raw)}</v></c>`;
      }
      rows += `<row r="${r}">${xml}</row>`;
    }
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>${rows}</sheetData></worksheet>`;
  });
  const si = strings
    .map((s) =>
      options.phonetic
        ? `<si><r><t>${xmlEscape(s)}</t></r><rPh sb="0" eb="1"><t>ﾌﾘｶﾞﾅ</t></rPh></si>`
        : `<si><t xml:space="preserve">${xmlEscape(s)}</t></si>`,
    )
    .join('');
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': enc.encode(
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`,
    ),
    '_rels/.rels': enc.encode(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    'xl/workbook.xml': enc.encode(
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${options.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheets
        .map(
          (s, i) =>
            `<sheet name="${xmlEscape(s.name)}" sheetId="${i + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="rId${i + 1}"/>`,
        )
        .join('')}</sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': enc.encode(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
        .map(
          // Sheets numbered backwards, so only the relationships give the right order.
          (_, i) =>
            `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${sheets.length - i}.xml"/>`,
        )
        .join(
          '',
        )}<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
    ),
    'xl/styles.xml': enc.encode(
      `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy\\-mm\\-dd"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="176" applyNumberFormat="1"/></cellXfs></styleSheet>`,
    ),
  };
  const stringsPart = enc.encode(
    `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${si}</sst>`,
  );
  if (!options.stringsLast) files['xl/sharedStrings.xml'] = stringsPart;
  for (const [i, xml] of sheetXml.entries())
    files[`xl/worksheets/sheet${sheets.length - i}.xml`] = enc.encode(xml);
  if (options.stringsLast) files['xl/sharedStrings.xml'] = stringsPart;
  return zipSync(files, { mtime: FIXED_TIME });
}

/** A docx paragraph (runs joined), or a table (rows of cells of paragraphs). */
export type DocxBlock = string | { readonly table: readonly (readonly string[])[] };

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

/** A paragraph with its text split into runs at `|` (Word splits runs anywhere). */
function paragraph(text: string): string {
  const runs = text
    .split('|')
    .map((t) => `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">${xmlEscape(t)}</w:t></w:r>`);
  return `<w:p><w:pPr><w:jc w:val="left"/></w:pPr>${runs.join('')}</w:p>`;
}

/** A .docx file's bytes: body blocks, and optionally a header. */
export function docx(body: readonly DocxBlock[], header?: string): Uint8Array {
  const xml = body
    .map((b) =>
      typeof b === 'string'
        ? paragraph(b)
        : `<w:tbl>${b.table.map((row) => `<w:tr>${row.map((c) => `<w:tc>${paragraph(c)}</w:tc>`).join('')}</w:tr>`).join('')}</w:tbl>`,
    )
    .join('');
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': enc.encode(
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
    ),
    'word/document.xml': enc.encode(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${xml}<w:sectPr/></w:body></w:document>`,
    ),
  };
  if (header !== undefined) {
    files['word/header1.xml'] = enc.encode(
      `<?xml version="1.0" encoding="UTF-8"?><w:hdr ${W}>${paragraph(header)}</w:hdr>`,
    );
  }
  return zipSync(files, { mtime: FIXED_TIME });
}
