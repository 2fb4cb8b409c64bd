// Load run, phase 2 (start workers): the coordinator's view of its workers. Spawns them, keeps what each
// reported (ready, ticks, published counts, final exports, closed, errors), and waits for a condition with
// a deadline, waking at every message.
import { addEncoded, type Histogram, newLiveHistogram } from '../metrics/histogram.ts';
import type { FromWorker, ToWorker } from './messages.ts';
import { clock } from './payload.ts';
import { spawnWorker, type WorkerHandle } from './pool.ts';
import type { LoadRunOptions, LoadRunPlan } from './run-plan.ts';
import type { StatsExport } from './stats.ts';

export type Tick = Extract<FromWorker, { type: 'tick' }>;
export interface WorkerFinal {
  stats: StatsExport;
  eventLoopLagMs: { p50: number; p99: number; max: number };
}

export class Crew {
  readonly ready = new Set<number>();
  readonly published = new Map<number, Array<[number, number]>>();
  readonly finals = new Map<number, WorkerFinal>();
  readonly closed = new Set<number>();
  readonly ticks = new Map<number, Tick>();
  readonly failed = new Set<number>();
  /** Interval histograms of the ticks; they accumulate until the next progress report takes them. */
  readonly liveDeliver: Histogram = newLiveHistogram();
  readonly liveLag: Histogram = newLiveHistogram();
  connectedTotal = 0;
  private readonly handles: WorkerHandle[] = [];
  private wake: (() => void) | undefined;
  private readonly onAbort = (): void => this.poke();

  constructor(
    private readonly run: LoadRunPlan,
    private readonly opts: LoadRunOptions,
    /** The run's warnings: worker errors go there. */
    private readonly warnings: string[],
  ) {}

  /** Spawns the workers (threads, or one in this thread) and starts listening to the abort signal. */
  start(): void {
    const { profile, runId, shard, count, localAddresses, threads } = this.run;
    for (let w = 0; w < count; w++) {
      const init = {
        profile,
        runId,
        brokerUrl: this.opts.brokerUrl,
        shard,
        worker: { index: w, count },
        localAddresses,
      };
      this.handles.push(spawnWorker(init, (m) => this.receive(w, m), threads > 0));
    }
    this.opts.signal?.addEventListener('abort', this.onAbort);
  }

  private receive(w: number, m: FromWorker): void {
    if (m.type === 'ready') {
      this.ready.add(w);
      this.connectedTotal += m.connected;
    } else if (m.type === 'tick') {
      this.ticks.set(w, m);
      addEncoded(this.liveDeliver, m.liveDeliver);
      addEncoded(this.liveLag, m.liveSendLag);
    } else if (m.type === 'published') this.published.set(w, m.sent);
    else if (m.type === 'final') this.finals.set(w, m);
    else if (m.type === 'closed') this.closed.add(w);
    else if (m.type === 'error') {
      this.warnings.push(`worker ${w}: ${m.message}`);
      this.failed.add(w);
    }
    this.poke();
  }

  private poke(): void {
    this.wake?.();
  }

  send(m: ToWorker): void {
    for (const h of this.handles) h.send(m);
  }

  /** Workers that have not failed. */
  alive(): number[] {
    return [...Array(this.run.count).keys()].filter((w) => !this.failed.has(w));
  }

  aborted(): boolean {
    return this.opts.signal?.aborted === true;
  }

  /** Waits until cond() or the deadline (absolute clock ms) or abort (when honoured). */
  async until(cond: () => boolean, deadline: number, honourAbort = true): Promise<boolean> {
    while (!cond()) {
      if (clock() >= deadline || (honourAbort && this.aborted())) return cond();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(100, Math.max(1, deadline - clock())));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return true;
  }

  /** A counter summed over the workers' latest ticks. */
  sumTicks(k: 'sent' | 'acked' | 'delivered' | 'errors' | 'connected' | 'unique'): number {
    return [...this.ticks.values()].reduce((s, t) => s + t[k], 0);
  }

  /** Ends the worker threads and stops listening to the abort signal. */
  async terminate(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.terminate()));
    this.opts.signal?.removeEventListener('abort', this.onAbort);
  }

  destroyHistograms(): void {
    this.liveDeliver.destroy();
    this.liveLag.destroy();
  }
}
