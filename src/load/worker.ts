// Worker thread entry (loaded through worker-boot.mjs, which registers tsx inside the thread).
import { parentPort, workerData } from 'node:worker_threads';
import type { ToWorker } from './messages.ts';
import { LoadWorker, type WorkerInit } from './runner.ts';

const port = parentPort;
if (!port) throw new Error('src/load/worker.ts must run in a worker thread');
const w = new LoadWorker((workerData as { init: WorkerInit }).init, (m) => port.postMessage(m));
port.on('message', (m: ToWorker) => {
  try {
    w.handle(m);
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
