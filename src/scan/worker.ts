/**
 * Worker thread body: scans the files the pool sends, one at a time, and posts findings back.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { ScanIoError } from './io/errors.ts';
import type { WorkerReply, WorkerTask } from './pool.ts';
import { renderFindings } from './report/render.ts';
import { scanFile } from './scan-file.ts';
import type { Finding } from './types.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const utf8 = new TextEncoder();

port.on('message', async (task: WorkerTask) => {
  const reply = (r: WorkerReply) => port.postMessage(r);
  const { render } = task;
  // Rendered here, the findings cross to the main thread as one transferred buffer per batch.
  const findings = render
    ? (batch: Finding[]) => {
        const bytes = utf8.encode(renderFindings(render, batch));
        port.postMessage(
          { id: task.id, kind: 'rendered', bytes, count: batch.length } satisfies WorkerReply,
          [bytes.buffer],
        );
      }
    : (batch: Finding[]) => reply({ id: task.id, kind: 'findings', findings: batch });
  try {
    const options = { ...task.options, ...(task.now !== undefined ? { now: new Date(task.now) } : {}) };
    const summary = await scanFile(task.path, options, {
      findings,
      progress: (bytes) => reply({ id: task.id, kind: 'progress', bytes }),
    });
    reply({ id: task.id, kind: 'done', summary });
  } catch (error) {
    const e = error instanceof ScanIoError ? error : undefined;
    reply({
      id: task.id,
      kind: 'problem',
      code: e?.code ?? 'READ_ERROR',
      message: e?.message ?? `${task.path}: ${error instanceof Error ? error.name : 'error'} while scanning`,
    });
  }
});
