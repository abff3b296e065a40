/**
 * A deliberately naive stand-in for `shiming scan`, to test the bench harness itself
 * (`SHIMING_BIN=bench/fake-scanner.ts npm run eval:scan`). It understands `scan <paths…>` and
 * `--jobs` (ignored), reads UTF-8 / GBK / gzip files, and reports mobiles, 18-digit IDs and
 * e-mails by bare regex, in the JSONL shape of the real CLI. Not a detector: do not use its numbers.
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const RULES: readonly [string, RegExp][] = [
  ['CN_MOBILE', /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g],
  ['CN_RESIDENT_ID', /(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])/g],
  ['EMAIL', /[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g],
];

function* walk(p: string): Generator<string> {
  if (statSync(p).isDirectory()) {
    for (const e of readdirSync(p).sort()) yield* walk(join(p, e));
  } else yield p;
}

function decode(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('gbk').decode(buf);
  }
}

const args = process.argv.slice(2);
if (args[0] !== 'scan') {
  console.error('usage: fake-scanner scan <paths…>');
  process.exit(2);
}
const paths: string[] = [];
for (let i = 1; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--format' || a === '--min-score' || a === '--jobs' || a === '-j') i++;
  else if (!a.startsWith('-')) paths.push(a);
}
let out = '';
for (const root of paths) {
  for (const file of walk(root)) {
    let buf = readFileSync(file);
    if (file.endsWith('.gz')) buf = gunzipSync(buf);
    const lines = decode(buf)
      .replace(/^\uFEFF/, '')
      .split('\n');
    lines.forEach((line, i) => {
      for (const [type, re] of RULES) {
        for (const m of line.matchAll(re)) {
          const column = Array.from(line.slice(0, m.index)).length + 1;
          out += `${JSON.stringify({ path: file, line: i + 1, column, type, score: 0.9, masked: '*', value: m[0] })}\n`;
        }
      }
    });
    if (out.length > 1 << 20) {
      process.stdout.write(out);
      out = '';
    }
  }
}
process.stdout.write(out);
