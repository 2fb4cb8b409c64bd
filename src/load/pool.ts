// Worker handles: real worker threads, or the same LoadWorker in this thread (--workers 0, tests, benchmarks).
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './messages.ts';
import { LoadWorker, type WorkerInit } from './runner.ts';

export interface WorkerHandle {
  send(m: ToWorker): void;
  terminate(): Promise<void>;
}

export function spawnWorker(
  init: WorkerInit,
  onMessage: (m: FromWorker) => void,
  threaded: boolean,
): WorkerHandle {
  if (!threaded) {
    const w = new LoadWorker(init, (m) => queueMicrotask(() => onMessage(m)));
    return {
      send: (m) => {
        try {
          w.handle(m);
        } catch (err) {
          onMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
        }
      },
      terminate: async () => {},
    };
  }
  const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
    workerData: { entry: new URL('./worker.ts', import.meta.url).href, init },
  });
  worker.on('message', onMessage);
  worker.on('error', (err) => onMessage({ type: 'error', message: err.message }));
  let terminating = false;
  worker.on('exit', (code) => {
    if (code !== 0 && !terminating) onMessage({ type: 'error', message: `worker exited with code ${code}` });
  });
  return {
    send: (m) => worker.postMessage(m),
    terminate: async () => {
      terminating = true;
      await worker.terminate();
    },
  };
}
