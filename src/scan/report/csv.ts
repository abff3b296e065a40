/**
 * `--format csv`: RFC 4180, a header row, the same columns as the JSONL shape.
 *
 * @module
 */
import { csvHeader, type RenderFormat, renderFindings } from './render.ts';
import type { Output, Reporter } from './reporter.ts';

export function csvReporter(out: Output, showValues: boolean): Reporter {
  const spec: RenderFormat = { format: 'csv', showValues };
  let started = false;
  const start = async () => {
    if (started) return;
    started = true;
    await out.write(csvHeader(showValues));
  };
  return {
    render: spec,
    async findings(batch) {
      await start();
      await out.write(renderFindings(spec, batch));
    },
    async rendered(bytes) {
      await start();
      await out.writeBytes(bytes);
    },
    async file() {},
    async problem() {},
    async end() {
      await start();
    },
  };
}
