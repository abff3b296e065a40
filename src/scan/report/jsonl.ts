/**
 * `--format jsonl`: one finding per line,
 * `{"path","line","column","field","type","score","masked","value"?}` (stable API).
 * Problems go to stderr, not into the stream of findings.
 *
 * @module
 */
import { renderFindings } from './render.ts';
import type { Output, Reporter } from './reporter.ts';

const JSONL = { format: 'jsonl' } as const;

export function jsonlReporter(out: Output): Reporter {
  return {
    render: JSONL,
    async findings(batch) {
      await out.write(renderFindings(JSONL, batch));
    },
    async rendered(bytes) {
      await out.writeBytes(bytes);
    },
    async file() {},
    async problem() {},
    async end() {},
  };
}
