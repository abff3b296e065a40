/**
 * Worker thread body: scans the files the pool sends, one at a time, and posts findings back.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { ScanIoError } from './io/errors.ts';
import type { WorkerReply, WorkerTask } from './pool.ts';
import { scanFile } from './scan-file.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

port.on('message', async (task: WorkerTask) => {
  const reply = (r: WorkerReply) => port.postMessage(r);
  try {
    const options = { ...task.options, ...(task.now !== undefined ? { now: new Date(task.now) } : {}) };
    const summary = await scanFile(task.path, options, {
      findings: (batch) => reply({ id: task.id, kind: 'findings', findings: batch }),
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
