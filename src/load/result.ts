// Assembles the LoadResult from the workers' final exports: counters and series add, encoded histograms add,
// ledger parts add per pair. Then thresholds and the generator's health verdict.
import { addEncoded, HistogramSet } from '../metrics/histogram.ts';
import { buildLedgerRaw, type ExpectedPair, type LedgerRaw, summarizeLedger } from '../metrics/ledger.ts';
import { evaluateThresholds } from '../metrics/thresholds.ts';
import type { GeneratorHealth, LoadGroupResult, LoadResult } from '../results/model.ts';
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import { publisherLabel, type RunPlan } from './plan.ts';
import { type StatsExport, viewsOf } from './stats.ts';

export interface Collected {
  plan: RunPlan;
  profile: LoadProfile;
  brokerLabel: string;
  startedAt: string;
  durationMs: number;
  finals: StatsExport[];
  clientsInShard: number[];
  expected: ExpectedPair[];
  expectedTruncated: boolean;
  workers: number;
  cpuPercent: number;
  eventLoopLagMs: { p50: number; p99: number; max: number };
  warnings: string[];
  shard: { index: number; count: number };
  /** Seconds of the run; with send lag over the limit while the generator was busy / while it was idle. */
  lagSeconds?: { total: number; over: number; stalled?: number };
}

/** Raw ledgers up to this many pairs travel in the results (for exact shard merging). */
const RAW_PAIR_LIMIT = 200_000;

type SeriesKey = 'sent' | 'acked' | 'delivered' | 'errors' | 'connected';
const SERIES_KEYS: readonly SeriesKey[] = ['sent', 'acked', 'delivered', 'errors', 'connected'];
type GroupTotals = Pick<LoadGroupResult, 'sent' | 'acked' | 'delivered' | 'connected' | 'connectFailures'>;

/** The workers' exports added up. */
interface Merged {
  hist: HistogramSet;
  counters: Record<string, number>;
  series: LoadResult['series'];
  groups: GroupTotals[];
  /** Messages sent per publisher. */
  sent: Map<number, number>;
}

export function assemble(c: Collected): LoadResult {
  const m = mergeFinals(c);
  const ledger = ledgerOf(c, m);
  const groupResults = groupResultsOf(c, m);
  const latency = m.hist.summarizeAll((k) => !k.startsWith('@'));
  const result: LoadResult = {
    id: c.profile.id,
    title: c.profile.title,
    broker: c.brokerLabel,
    file: c.profile.file,
    startedAt: c.startedAt,
    durationMs: c.durationMs,
    profile: effectiveProfileJson(c.profile),
    latency,
    groups: groupResults,
    series: m.series,
    ledger,
    thresholds: [],
    generator: generatorHealth(c, latency),
    counters: m.counters,
  };
  result.thresholds = evaluateThresholds(c.profile.thresholds, result);
  return result;
}

/** Counters and series add, encoded histograms add, group totals and sent counts per publisher add. */
function mergeFinals(c: Collected): Merged {
  const hist = new HistogramSet();
  const counters: Record<string, number> = {};
  const series = {
    t: [] as number[],
    sent: [] as number[],
    acked: [] as number[],
    delivered: [] as number[],
    connected: [] as number[],
    errors: [] as number[],
  };
  const groups: GroupTotals[] = c.profile.groups.map(() => ({
    sent: 0,
    acked: 0,
    delivered: 0,
    connected: 0,
    connectFailures: 0,
  }));
  const sent = new Map<number, number>();
  for (const f of c.finals) {
    for (const [k, e] of Object.entries(f.histograms))
      for (const view of viewsOf(k)) addEncoded(hist.get(view), e);
    for (const [k, v] of Object.entries(f.counters)) counters[k] = (counters[k] ?? 0) + v;
    f.groups.forEach((g, i) => {
      const t = groups[i];
      if (!t) return;
      t.sent += g.sent;
      t.acked += g.acked;
      t.delivered += g.delivered;
      t.connected += g.connected;
      t.connectFailures += g.connectFailures;
    });
    for (const k of SERIES_KEYS) {
      f.series[k].forEach((v, i) => {
        while (series[k].length <= i) series[k].push(0);
        series[k][i] = (series[k][i] as number) + v;
      });
    }
    for (const [p, n] of f.sentByPublisher) sent.set(p, (sent.get(p) ?? 0) + n);
  }
  const len = Math.max(...SERIES_KEYS.map((k) => series[k].length));
  for (const k of SERIES_KEYS) while (series[k].length < len) series[k].push(0);
  series.t = Array.from({ length: len }, (_, i) => i);
  return { hist, counters, series, groups, sent };
}

/** The delivery ledger per (publisher, subscriber); its raw pairs travel along when few enough. */
function ledgerOf(c: Collected, m: Merged): LoadResult['ledger'] {
  const { raw, unexpected } = buildLedgerRaw(
    c.finals.map((f) => f.ledger),
    c.expected,
    m.sent,
    c.plan.streamCount,
  );
  if (unexpected > 0) m.counters['ledger.unexpected'] = unexpected;
  const label = {
    pub: (i: number) => publisherLabel(c.plan, i),
    stream: (i: number) => c.plan.streamLabels[i] ?? `#${i}`,
  };
  const ledger = summarizeLedger(raw, label) as LoadResult['ledger'] & { raw?: LedgerRaw };
  if (raw.pairs.length <= RAW_PAIR_LIMIT && !c.expectedTruncated) {
    raw.groups = c.profile.groups.map((g, i) => [g.name, c.plan.groupOffsets[i] as number]);
    raw.streams = c.plan.streamLabels;
    ledger.raw = raw;
  } else
    c.warnings.push(
      `ledger: ${raw.pairs.length} pairs, per-pair data left out of the results (shard merge of the ledger not possible)`,
    );
  if (c.expectedTruncated)
    c.warnings.push('ledger: too many (publisher, subscriber) pairs; expected counts truncated');
  return ledger;
}

function groupResultsOf(c: Collected, m: Merged): LoadGroupResult[] {
  return c.profile.groups.map((g, i) => {
    const t = m.groups[i] as GroupTotals;
    const prefix = `@${g.name}/`;
    const latency: LoadGroupResult['latency'] = {};
    for (const [k, v] of Object.entries(m.hist.summarizeAll((key) => key.startsWith(prefix))))
      latency[k.slice(prefix.length)] = v;
    return {
      name: g.name,
      role: g.publish && g.subscribe.length > 0 ? 'both' : g.publish ? 'publisher' : 'subscriber',
      clients: c.clientsInShard[i] ?? 0,
      connected: t.connected,
      connectFailures: t.connectFailures,
      qos: g.publish ? g.publish.qos : Math.max(0, ...g.subscribe.map((s) => s.qos)),
      sent: t.sent,
      acked: t.acked,
      delivered: t.delivered,
      latency,
    };
  });
}

/** The generator's health: its send lag, and whether it was saturated (a warning says why either way). */
function generatorHealth(c: Collected, latency: LoadResult['latency']): GeneratorHealth {
  const lag = latency.sendLag;
  const sendLagMs = lag ? { p50: lag.p50, p99: lag.p99, max: lag.max } : { p50: 0, p99: 0, max: 0 };
  // Saturated: send lag beyond the limit overall AND in a sustained share of the run's seconds, counting only
  // seconds in which a generator thread was busy (SATURATED_ELU in progress.ts). A scheduling stall of an idle
  // generator (a loaded machine, GC) also shows in the p99 of a short run, but is not a generator that cannot
  // keep up: it is reported as a warning, not as saturation.
  const over = sendLagMs.p99 > c.profile.saturationLagMs;
  const ls = c.lagSeconds ?? { total: 0, over: 0 };
  const stalled = ls.stalled ?? 0;
  const sustained = ls.total === 0 || ls.over >= Math.max(1, Math.ceil(ls.total * 0.25));
  const saturated = over && sustained;
  if (saturated) {
    c.warnings.push(
      `generator saturated: send lag p99 ${sendLagMs.p99} ms > ${c.profile.saturationLagMs} ms in ${ls.over} of ${ls.total} s with the generator busy (CPU ${c.cpuPercent}% over ${Math.max(1, c.workers)} thread(s)); latencies include the generator's own delay — add workers or shards`,
    );
  } else if (over) {
    c.warnings.push(
      `send lag p99 ${sendLagMs.p99} ms > ${c.profile.saturationLagMs} ms, in ${ls.over} of ${ls.total} s with the generator busy and ${stalled} s with it idle: scheduling stalls (a loaded machine, GC), not a saturated generator; latencies include them`,
    );
  }
  return {
    workers: c.workers,
    cpuPercent: c.cpuPercent,
    eventLoopLagMs: c.eventLoopLagMs,
    sendLagMs,
    saturated,
    warnings: c.warnings,
  };
}

function effectiveProfileJson(p: LoadProfile): Record<string, unknown> {
  return JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
}
