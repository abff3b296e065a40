/**
 * `--format jsonl`: one finding per line,
 * `{"path","line","column","field","type","score","masked","value"?}` (stable API).
 * Problems go to stderr, not into the stream of findings.
 *
 * @module
 */
import { findingRecord, type Output, type Reporter } from './reporter.ts';

export function jsonlReporter(out: Output): Reporter {
  return {
    async findings(batch) {
      let s = '';
      for (const f of batch) s += `${JSON.stringify(findingRecord(f))}\n`;
      await out.write(s);
    },
    async file() {},
    async problem() {},
    async end() {},
  };
}
