// Worker-side measurements: counters (global and per group), latency histograms (global, per QoS, per group),
// per-second series relative to t0, the delivery ledger. Everything here is exported as plain data and merged
// exactly by the coordinator (counts add, encoded histograms add).
import { encodeHistogram, MAX_US, newHistogram, newLiveHistogram } from '../metrics/histogram.ts';
import { LedgerRecorder } from '../metrics/ledger.ts';
import { type FastRecorder, RecorderSet } from '../metrics/recorder.ts';

const SERIES = ['sent', 'acked', 'delivered', 'errors'] as const;
type SeriesName = (typeof SERIES)[number];

interface GroupCounters {
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

/**
 * Recorded histogram keys are per group (and per QoS for deliveries): `@group/metric` and
 * `@group/deliver.intended.qos1`. The coordinator folds them into global, per-QoS and per-group views by adding
 * counts (exact), so each message costs one record per metric here.
 */
export class WorkerStats {
  readonly counters: Record<string, number> = Object.create(null);
  readonly groups: GroupCounters[];
  readonly hist = new RecorderSet(MAX_US, newHistogram, encodeHistogram);
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
  /** [intended, actual] recorders by group * 3 + qos. */
  private readonly deliverCache: Array<FastRecorder[] | undefined> = [];
  private readonly latencyCache = new Map<string, Array<FastRecorder | undefined>>();
  private readonly intendedRecorders: FastRecorder[] = [];
  private readonly sendLagRecorders: FastRecorder[] = [];
  private readonly sendLagByGroup: Array<FastRecorder | undefined> = [];

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

  private recorder(group: number, metric: string): FastRecorder {
    let byGroup = this.latencyCache.get(metric);
    if (!byGroup) {
      byGroup = [];
      this.latencyCache.set(metric, byGroup);
    }
    let r = byGroup[group];
    if (!r) {
      r = this.hist.get(`${this.gkeys[group]}${metric}`);
      byGroup[group] = r;
      if (metric === 'sendLag') this.sendLagRecorders.push(r);
    }
    return r;
  }

  latency(group: number, metric: string, ms: number): void {
    this.recorder(group, metric).recordMs(ms);
  }

  /** A delivered load message at a subscriber. */
  delivered(group: number, qos: number, now: number, intended: number, actual: number): void {
    let c = this.deliverCache[group * 3 + qos];
    if (!c) {
      const gk = this.gkeys[group] as string;
      c = [this.hist.get(`${gk}deliver.intended.qos${qos}`), this.hist.get(`${gk}deliver.actual.qos${qos}`)];
      this.deliverCache[group * 3 + qos] = c;
      this.intendedRecorders.push(c[0] as FastRecorder);
    }
    (c[0] as FastRecorder).recordMs(now - intended);
    (c[1] as FastRecorder).recordMs(now - actual);
    (this.groups[group] as GroupCounters).delivered++;
  }

  sendLag(group: number, lag: number): void {
    let r = this.sendLagByGroup[group];
    if (!r) {
      r = this.recorder(group, 'sendLag');
      this.sendLagByGroup[group] = r;
    }
    r.recordMs(lag);
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

  /** What was recorded since the previous call, for live progress (coarse histograms). */
  liveExport(): { deliver: string; sendLag: string } {
    const enc = (rs: FastRecorder[]): string => {
      const h = newLiveHistogram();
      for (const r of rs) r.addSinceLast(h);
      const e = encodeHistogram(h);
      h.destroy();
      return e;
    };
    return { deliver: enc(this.intendedRecorders), sendLag: enc(this.sendLagRecorders) };
  }
}

/** Folds per-group recorded keys into every view: `metric`, `metric.qosN` (deliveries) and `@group/metric`. */
export function viewsOf(key: string): string[] {
  const m = /^@([^/]+)\/(.+?)(\.qos[012])?$/.exec(key);
  if (!m) return [key];
  const [, group, metric, qos] = m as unknown as [string, string, string, string | undefined];
  const out = [metric, `@${group}/${metric}`];
  if (qos) out.push(`${metric}${qos}`);
  return out;
}
