// Messages between the coordinator and its workers (structured-clone safe plain data).
import type { StatsExport } from './stats.ts';

export type ToWorker =
  | { type: 'connect' }
  | { type: 'start'; t0: number }
  | { type: 'stop' }
  | { type: 'finish' };

export type FromWorker =
  | { type: 'ready'; connected: number; failed: number }
  | {
      type: 'tick';
      sent: number;
      acked: number;
      delivered: number;
      /** Distinct messages delivered (ledger; duplicates not counted). */
      unique: number;
      errors: number;
      connected: number;
      liveDeliver: string;
      liveSendLag: string;
      /** Event-loop utilisation of this worker's thread since its previous tick (0..1). */
      elu: number;
    }
  | { type: 'published'; sent: Array<[number, number]> }
  | {
      type: 'final';
      stats: StatsExport;
      eventLoopLagMs: { p50: number; p99: number; max: number };
      clients: number;
    }
  | { type: 'closed' }
  | { type: 'error'; message: string };
