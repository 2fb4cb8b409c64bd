// Worker-side measurements: counters (global and per group), latency histograms (global, per QoS, per group),
// per-second series relative to t0, the delivery ledger. Everything here is exported as plain data and merged
// exactly by the coordinator (counts add, encoded histograms add).
import {
  encodeHistogram,
  type Histogram,
  HistogramSet,
  newLiveHistogram,
  recordMs,
} from '../metrics/histogram.ts';
import { LedgerRecorder } from '../metrics/ledger.ts';

export const SERIES = ['sent', 'acked', 'delivered', 'errors'] as const;
export type SeriesName = (typeof SERIES)[number];

export interface GroupCounters {
  sent: number;
  acked: number;
  delivered: number;
  connected: number;
  connectFailures: number;
}

export interface StatsExport {
  counters: Record<string, number>;
  groups: GroupCounters[];
  histograms: Record<string, string>;
  series: Record<SeriesName | 'connected', number[]>;
  ledger: number[];
  sentByPublisher: Array<[number, number]>;
}

export class WorkerStats {
  readonly counters: Record<string, number> = Object.create(null);
  readonly groups: GroupCounters[];
  readonly hist = new HistogramSet();
  /** Interval histograms for live progress (reset at every tick). */
  readonly liveDeliver = newLiveHistogram();
  readonly liveSendLag = newLiveHistogram();
  readonly ledger: LedgerRecorder;
  readonly series: Record<SeriesName | 'connected', number[]> = {
    sent: [],
    acked: [],
    delivered: [],
    errors: [],
    connected: [],
  };
  readonly sentByPublisher = new Map<number, number>();
  t0 = Number.POSITIVE_INFINITY;
  /** Group names prefixing per-group histogram keys ("@name/metric"). */
  private readonly gkeys: string[];
  private readonly deliverCache: Array<Histogram[] | undefined> = [];

  constructor(groupNames: string[], streamCount: number) {
    this.groups = groupNames.map(() => ({
      sent: 0,
      acked: 0,
      delivered: 0,
      connected: 0,
      connectFailures: 0,
    }));
    this.gkeys = groupNames.map((n) => `@${n}/`);
    this.ledger = new LedgerRecorder(streamCount);
  }

  count(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
  }

  error(name: string, now: number): void {
    this.count(`errors.${name}`);
    this.count('errors');
    this.bump('errors', now, 1);
  }

  bump(series: SeriesName, now: number, by: number): void {
    if (now < this.t0) return;
    const s = Math.floor((now - this.t0) / 1000);
    const arr = this.series[series];
    while (arr.length <= s) arr.push(0);
    arr[s] = (arr[s] as number) + by;
  }

  latency(group: number, metric: string, ms: number): void {
    this.hist.record(metric, ms);
    this.hist.record(this.gkeys[group] + metric, ms);
  }

  /** A delivered load message at a subscriber (histograms looked up once per group and QoS, then cached). */
  delivered(group: number, qos: number, now: number, intended: number, actual: number): void {
    const di = now - intended;
    const da = now - actual;
    let c = this.deliverCache[group * 3 + qos];
    if (!c) {
      const h = this.hist;
      const gk = this.gkeys[group] as string;
      c = [
        h.get('deliver.intended'),
        h.get('deliver.actual'),
        h.get(`deliver.intended.qos${qos}`),
        h.get(`deliver.actual.qos${qos}`),
        h.get(`${gk}deliver.intended`),
        h.get(`${gk}deliver.actual`),
      ];
      this.deliverCache[group * 3 + qos] = c;
    }
    recordMs(c[0] as Histogram, di);
    recordMs(c[1] as Histogram, da);
    recordMs(c[2] as Histogram, di);
    recordMs(c[3] as Histogram, da);
    recordMs(c[4] as Histogram, di);
    recordMs(c[5] as Histogram, da);
    recordMs(this.liveDeliver, di);
    (this.groups[group] as GroupCounters).delivered++;
  }

  sendLag(group: number, lag: number): void {
    this.latency(group, 'sendLag', lag);
    recordMs(this.liveSendLag, lag);
  }

  export(): StatsExport {
    return {
      counters: { ...this.counters, 'ledger.foreign': this.ledger.foreign },
      groups: this.groups.map((g) => ({ ...g })),
      histograms: this.hist.encodeAll(),
      series: this.series,
      ledger: this.ledger.export(),
      sentByPublisher: [...this.sentByPublisher.entries()],
    };
  }

  liveExport(): { deliver: string; sendLag: string } {
    const out = { deliver: encodeHistogram(this.liveDeliver), sendLag: encodeHistogram(this.liveSendLag) };
    this.liveDeliver.reset();
    this.liveSendLag.reset();
    return out;
  }
}
