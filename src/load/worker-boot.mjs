// Worker threads do not inherit `--import tsx` hooks on Node 20: register tsx here, then load the TypeScript entry.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
