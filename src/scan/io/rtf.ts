/**
 * RTF as text (`.rtf`, and the "Word exports" of web systems that are RTF saved as `.doc`). Chinese
 * text in RTF is written as code-page bytes (`\'d5\'c5` is 张 in GBK, code page 936) or Unicode
 * escapes (`\u24352?`), so read as is a name or an address is invisible, and table cells run
 * together.
 *
 * A small reader of the format's lexical rules: groups, control words and symbols, `\'hh` bytes
 * decoded in the document's code page (`\ansicpg`, and `\fcharset` 134 / 136 for GBK / Big5 fonts
 * where none is given), `\uN` with its `\ucN` fallback skipped, destinations that hold no text
 * (`\fonttbl`, `\colortbl`, `\stylesheet`, pictures, `{\*\…}`) left out. `\par` and `\line` end a
 * line, `\cell` and `\tab` become tabs, `\row` ends a table row.
 *
 * @module
 */

/** Destinations whose content is not document text. */
const SKIP = new Set([
  'fonttbl',
  'colortbl',
  'stylesheet',
  'listtable',
  'listoverridetable',
  'pict',
  'object',
  'themedata',
  'colorschememapping',
  'datastore',
  'latentstyles',
  'rsidtbl',
  'generator',
  'xmlnstbl',
  'filetbl',
  'revtbl',
  'pgdsctbl',
  'shppict',
  'nonshppict',
  'blipuid',
  'bkmkstart',
  'bkmkend',
  'fldinst',
]);

const CODEPAGE_LABELS: Readonly<Record<number, string>> = {
  936: 'gb18030',
  54936: 'gb18030',
  950: 'big5',
  65001: 'utf-8',
  1252: 'windows-1252',
};

/** True when `head` starts an RTF document. */
export function looksLikeRtf(head: string): boolean {
  return head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{\\rtf');
}

/** The text of an RTF document (`source` as read: its bytes are ASCII, escapes carry the rest). */
export function rtfToText(source: string): string {
  let out = '';
  // Code-page bytes waiting to be decoded together (a GBK character is two `\'hh`).
  let bytes: number[] = [];
  let label = 'gb18030';
  const flush = () => {
    if (bytes.length === 0) return;
    try {
      out += new TextDecoder(label).decode(Uint8Array.from(bytes));
    } catch {
      out += String.fromCharCode(...bytes);
    }
    bytes = [];
  };
  const emit = (s: string) => {
    flush();
    out += s;
  };
  // Per group: skipping its text? how many fallback characters follow a \u?
  const stack: { skip: boolean; uc: number }[] = [];
  let skip = false;
  let uc = 1;
  let pendingFallback = 0;
  let sawCodepage = false;
  const n = source.length;
  for (let i = 0; i < n; ) {
    const c = source[i]!;
    if (c === '{') {
      stack.push({ skip, uc });
      i++;
      // `{\*\dest …}`: an optional destination, skipped when not understood.
      if (source.startsWith('\\*', i)) skip = true;
      continue;
    }
    if (c === '}') {
      const top = stack.pop();
      if (top) ({ skip, uc } = top);
      pendingFallback = 0;
      i++;
      continue;
    }
    if (c === '\\') {
      const next = source[i + 1];
      if (next === "'") {
        const hex = Number.parseInt(source.slice(i + 2, i + 4), 16);
        i += 4;
        if (pendingFallback > 0) {
          pendingFallback--;
          continue;
        }
        if (!skip && Number.isFinite(hex)) bytes.push(hex);
        continue;
      }
      if (next === undefined) break;
      if (!/[a-zA-Z]/.test(next)) {
        // A control symbol: \\ \{ \} are text, \~ a no-break space, \- \_ hyphens.
        i += 2;
        if (skip) continue;
        if (next === '\\' || next === '{' || next === '}') emit(next);
        else if (next === '~') emit(' ');
        else if (next === '_') emit('-');
        continue;
      }
      const m = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(source.slice(i + 1, i + 48))!;
      i += 1 + m[0].length;
      const word = m[1]!;
      const arg = m[2] === undefined ? undefined : Number(m[2]);
      if (SKIP.has(word)) {
        skip = true;
        continue;
      }
      if (word === 'ansicpg' && arg !== undefined) {
        label = CODEPAGE_LABELS[arg] ?? label;
        sawCodepage = true;
      } else if (word === 'fcharset' && !sawCodepage && (arg === 134 || arg === 136)) {
        label = arg === 134 ? 'gb18030' : 'big5';
      } else if (word === 'uc' && arg !== undefined) uc = arg;
      else if (word === 'u' && arg !== undefined) {
        if (!skip) emit(String.fromCharCode(arg < 0 ? arg + 65536 : arg));
        pendingFallback = uc;
        continue;
      }
      if (skip) continue;
      if (word === 'par' || word === 'line' || word === 'row' || word === 'sect' || word === 'page')
        emit('\n');
      else if (word === 'cell' || word === 'tab') emit('\t');
      continue;
    }
    if (c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (pendingFallback > 0) {
      pendingFallback--;
      i++;
      continue;
    }
    if (!skip) emit(c);
    i++;
  }
  flush();
  return out;
}
