/**
 * HTML as text for the scan engine. Saved web pages and, above all, the "Excel exports" of many
 * Chinese OA and ERP systems — an HTML `<table>` saved as `导出.xls` — hold PI between tags, in
 * entities (`&#29579;&#33459;`) and behind `&nbsp;`: read as plain text, a name alone in its
 * `<td>` under a 姓名 header has no cue and is missed, and `150&nbsp;1234&nbsp;5678` is no number.
 *
 * The markup is parsed (htmlparser2) into text: a table row becomes one tab-separated line (so a
 * header row names the cells below it, as in a CSV), block elements end lines, entities are
 * decoded, scripts and styles left out, and attribute values that hold data (`value`, `title`,
 * `alt`, `data-*`, `mailto:` / `tel:` links) kept. Every piece of text remembers where it came
 * from, so a finding is reported at its line and column in the HTML file itself.
 *
 * @module
 */
import { Parser } from 'htmlparser2';

/** The text of an HTML document and the way back to the source. */
export interface HtmlText {
  readonly text: string;
  /** The source index (UTF-16) of the text's character at `index`. */
  toSource(index: number): number;
  /** A table starts within the first lines: read the text as TSV, field-aware. */
  readonly tableFirst: boolean;
}

/** File names that hold HTML, the "xls" and "doc" of web exports included. */
const HTML_NAME = /\.(html?|xhtml|xls|doc)$/i;

/**
 * True when `head` (the start of a text file named `path`) is an HTML document, or an Excel 2003
 * XML spreadsheet (`<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`, whose
 * `<Row>` and `<Cell>` read like a table's rows and cells).
 */
export function looksLikeHtml(head: string, path: string): boolean {
  const start = head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 1024)
    .toLowerCase();
  if (/^<!doctype html|^<html[\s>]/.test(start)) return true;
  if (start.startsWith('<?xml') && start.includes('urn:schemas-microsoft-com:office:spreadsheet'))
    return true;
  // An HTML table saved as .xls often starts straight with <table> or a <meta>.
  return HTML_NAME.test(path) && /^<(table|meta|head|body|style|div)[\s>]/.test(start);
}

/** Table rows and cells, in HTML and in Excel 2003 XML. */
const ROW = new Set(['tr', 'row']);
const CELL = new Set(['td', 'th', 'cell']);

/** Elements that end a line. */
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'section',
  'article',
  'header',
  'footer',
  'blockquote',
  'pre',
  'hr',
  'dt',
  'dd',
  'title',
  'form',
  'caption',
]);
/** Elements whose content is not text. */
const SKIP = new Set(['script', 'style', 'noscript']);
/** Attributes whose value is data a person typed or a system filled in. */
const DATA_ATTRIBUTES = /^(value|title|alt|data-[\w-]+)$/;
/** Lines of text within which a table must start to read the document as a table. */
const TABLE_FIRST_LINES = 10;

export function htmlToText(source: string): HtmlText {
  let text = '';
  // Pieces of text: where each starts in `text` and in `source`, and its length in both.
  const outStarts: number[] = [];
  const srcStarts: number[] = [];
  const srcLengths: number[] = [];
  let skip = 0;
  let cells = 0;
  let rows = 0;
  let pre = 0;
  // Excel 2003 XML may skip empty cells, saying where the next one goes (ss:Index, 1-based).
  let cellNo = 0;
  let tableLine = -1;
  const emit = (s: string, srcStart: number, srcLength: number) => {
    if (s === '') return;
    outStarts.push(text.length);
    srcStarts.push(srcStart);
    srcLengths.push(srcLength);
    text += s;
  };
  const lines = () => {
    let n = 0;
    for (let i = text.indexOf('\n'); i >= 0 && n <= TABLE_FIRST_LINES; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  const parser: Parser = new Parser(
    {
      onopentag(name, attribs) {
        if (SKIP.has(name)) skip++;
        if (skip > 0) return;
        const at = parser.startIndex;
        if ((name === 'table' || name === 'worksheet') && tableLine < 0) tableLine = lines();
        if (name === 'pre') pre++;
        if (ROW.has(name)) {
          rows++;
          cellNo = 0;
        }
        if (CELL.has(name)) {
          cells++;
          const index = Number(attribs['ss:index']);
          if (Number.isInteger(index) && index > cellNo + 1 && index <= 16_384) {
            emit('\t'.repeat(index - cellNo - 1), at, 0);
            cellNo = index;
          } else cellNo++;
        } else if (BLOCK.has(name)) emit(cells > 0 ? ' ' : '\n', at, 0);
        for (const [key, value] of Object.entries(attribs)) {
          const data =
            DATA_ATTRIBUTES.test(key) || (key === 'href' && /^(mailto|tel):/i.test(value))
              ? value.trim()
              : '';
          if (data !== '') emit(` ${data} `, at, 0);
        }
      },
      ontext(data) {
        if (skip > 0) return;
        // Line breaks in the source are spaces, as a browser shows them (but in <pre>); between
        // the cells of a row, whitespace is nothing.
        if (rows > 0 && cells === 0 && data.trim() === '') return;
        const shown = (pre > 0 ? data : data.replace(/[\r\n\t]/g, ' ')).replace(/\u00a0/g, ' ');
        // Entities make the source longer than the text: characters map to the piece's start
        // plus their offset, held within the piece.
        emit(shown, parser.startIndex, parser.endIndex + 1 - parser.startIndex);
      },
      onclosetag(name) {
        if (SKIP.has(name)) {
          skip = Math.max(0, skip - 1);
          return;
        }
        if (skip > 0) return;
        const at = parser.startIndex;
        if (name === 'pre') pre = Math.max(0, pre - 1);
        if (CELL.has(name)) {
          cells = Math.max(0, cells - 1);
          emit('\t', at, 0);
        } else if (ROW.has(name)) {
          rows = Math.max(0, rows - 1);
          emit('\n', at, 0);
        } else if (BLOCK.has(name) && name !== 'br') emit(cells > 0 ? ' ' : '\n', at, 0);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(source);
  return {
    text,
    tableFirst: tableLine >= 0 && tableLine < TABLE_FIRST_LINES,
    toSource(index) {
      // The last piece starting at or before `index`.
      let lo = 0;
      let hi = outStarts.length - 1;
      if (hi < 0) return 0;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (outStarts[mid]! <= index) lo = mid;
        else hi = mid - 1;
      }
      const within = index - outStarts[lo]!;
      return srcStarts[lo]! + Math.min(within, Math.max(0, srcLengths[lo]! - 1));
    },
  };
}
