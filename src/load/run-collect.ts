// Load run, phase 8 (collect and build the result): the generator's CPU and event-loop lag, the workers'
// final exports merged (histograms, ledger, thresholds: result.ts), the latency series of the progress
// lines, fault phases with their restarts.
import type { IntervalHistogram } from 'node:perf_hooks';
import type { LoadResult } from '../results/model.ts';
import { faultPhases } from './fault-phases.ts';
import { clock } from './payload.ts';
import { assemble } from './result.ts';
import type { Connected, Drained, Measured, Run } from './run-phases.ts';

/** What the coordinator measured of itself, from the start of the run. */
export interface CoordinatorClock {
  startedAt: string;
  cpu0: NodeJS.CpuUsage;
  wall0: number;
  /** The coordinator's own event-loop delay. */
  mainLag: IntervalHistogram;
  /** CPU of the whole process from the start of publishing to the end of the drain. */
  cpuRun: NodeJS.CpuUsage;
  t0: number;
}

export function collectResult(
  run: Run,
  own: CoordinatorClock,
  connected: Connected,
  measured: Measured,
  drained: Drained,
): LoadResult {
  const { crew, opts, warnings } = run;
  const { profile, plan, mine, shard, threads } = run.plan;
  const cpu = process.cpuUsage(own.cpu0);
  const wall = Math.max(1, clock() - own.wall0);
  if (connected.connectFailures > 0)
    warnings.push(`${connected.connectFailures} of ${mine.length} clients failed to connect`);
  const clientsInShard = profile.groups.map((_, gi) => mine.filter((c) => c.group === gi).length);
  const result = assemble({
    plan,
    profile,
    brokerLabel: opts.brokerLabel ?? opts.brokerUrl,
    startedAt: own.startedAt,
    durationMs: connected.nobody
      ? 0
      : crew.aborted()
        ? Math.max(0, Math.min(profile.durationMs, clock() - own.t0))
        : profile.durationMs,
    finals: [...crew.finals.values()].map((f) => f.stats),
    clientsInShard,
    expected: drained.pairs,
    expectedTruncated: drained.truncated,
    workers: threads,
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 1000) / 10,
    eventLoopLagMs: eventLoopLag(run, own.mainLag),
    warnings,
    shard,
    lagSeconds: measured.meter.lagSeconds,
  });
  addLatencySeries(result, measured.meter.latencySeries);
  crew.destroyHistograms();
  measured.meter.destroy();
  const phases = faultPhases(profile, result.counters, measured.restartRecords);
  if (phases) result.faultPhases = phases;
  result.counters['generator.cpuUs.run'] = own.cpuRun.user + own.cpuRun.system;
  return result;
}

/** The worst event-loop lag of any worker (and the coordinator's own maximum). */
function eventLoopLag(run: Run, mainLag: IntervalHistogram): { p50: number; p99: number; max: number } {
  // The monitor's samples include its own resolution (10 ms): report the delay beyond it.
  const ms = (ns: number): number => Math.max(0, Math.round(ns / 1000 - 10_000) / 1000);
  const lag = { p50: 0, p99: 0, max: 0 };
  for (const f of run.crew.finals.values()) {
    lag.p50 = Math.max(lag.p50, f.eventLoopLagMs.p50);
    lag.p99 = Math.max(lag.p99, f.eventLoopLagMs.p99);
    lag.max = Math.max(lag.max, f.eventLoopLagMs.max);
  }
  if (mainLag.count > 0) lag.max = Math.max(lag.max, ms(mainLag.max));
  return lag;
}

/** The progress lines' per-second latencies, fitted to the result's series length. */
function addLatencySeries(
  result: LoadResult,
  latencySeries: Record<'p50' | 'p99' | 'max', Array<number | null>>,
): void {
  const n = result.series.t.length;
  if (latencySeries.p99.some((v) => v !== null) && n > 0) {
    for (const k of ['p50', 'p99', 'max'] as const) {
      const arr = latencySeries[k].slice(0, n);
      while (arr.length < n) arr.push(null);
      result.series[k] = arr;
    }
  }
}
