// Load runs: the coordinator. Plans the run, starts workers (threads), waits until every client is connected and
// subscribed, fixes a common start time, relays live progress, drains outstanding deliveries, and merges the
// workers' exact measurements into one LoadResult.
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { addEncoded, newLiveHistogram } from '../metrics/histogram.ts';
import type { LoadProgress } from '../results/events.ts';
import type { LoadResult } from '../results/model.ts';
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import { faultPhases } from './fault-phases.ts';
import type { FromWorker } from './messages.ts';
import { clock } from './payload.ts';
import { applyOverrides, clientsOf, expectedPairs, makePlan, type Overrides } from './plan.ts';
import { spawnWorker, type WorkerHandle } from './pool.ts';
import { scheduleRestarts } from './restart.ts';
import { assemble } from './result.ts';
import { Timeline } from './schedule.ts';
import type { StatsExport } from './stats.ts';

export interface LoadRunOptions {
  brokerUrl: string;
  /** Label of the broker in results (defaults to the URL). */
  brokerLabel?: string;
  /** Worker threads (default: the core count); 0 runs the clients in this thread. */
  workers?: number;
  overrides?: Overrides;
  shard?: { index: number; count: number };
  /** Common start time (epoch ms) for shards; publishing starts then (or as soon as all clients are ready). */
  startAt?: number;
  /** Loopback source addresses to rotate over (default: none up to 25,000 clients, then one per 25,000). */
  localAddresses?: number;
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
}

type Tick = Extract<FromWorker, { type: 'tick' }>;

/**
 * A second counts towards "generator saturated" only when a generator thread's event loop was busy at least
 * this share of it: send lag from a thread that is mostly idle comes from scheduling (a loaded machine, GC),
 * not from a generator that cannot keep up. A generator at its limit runs its loop close to 100 %.
 */
export const SATURATED_ELU = 0.75;

/** Drain after an interrupt: short, so results are written within the interrupt grace period. */
const ABORT_DRAIN_MS = 300;

export async function runLoad(profileIn: LoadProfile, opts: LoadRunOptions): Promise<LoadResult> {
  const profile = applyOverrides(profileIn, opts.overrides ?? {});
  const shard = opts.shard ?? { index: 0, count: 1 };
  const runId =
    opts.startAt !== undefined ? opts.startAt.toString(36) : Math.random().toString(36).slice(2, 8);
  const plan = makePlan(profile, runId);
  const mine = clientsOf(plan, shard);
  const requested = opts.workers ?? availableParallelism();
  const threads = Math.min(Math.max(0, requested), mine.length);
  const count = Math.max(1, threads);
  // Binding a source address makes the kernel search a free port per connect (slow with thousands in use), so
  // rotate over 127.0.0.x only past what one address's ephemeral ports can carry.
  const localAddresses =
    opts.localAddresses ?? (mine.length > 25_000 ? Math.min(254, Math.ceil(mine.length / 25_000)) : 0);
  const warnings: string[] = [];
  const timeline = new Timeline(profile.phases);
  const startedAt = new Date().toISOString();
  const cpu0 = process.cpuUsage();
  const wall0 = clock();
  const mainLag = monitorEventLoopDelay({ resolution: 10 });
  mainLag.enable();

  const ready = new Set<number>();
  const published = new Map<number, Array<[number, number]>>();
  const finals = new Map<
    number,
    { stats: StatsExport; eventLoopLagMs: { p50: number; p99: number; max: number } }
  >();
  const closed = new Set<number>();
  const ticks = new Map<number, Tick>();
  const liveDeliver = newLiveHistogram();
  const liveLag = newLiveHistogram();
  /** deliver.intended since publishing began (live, coarse): the cumulative p99 of progress lines. */
  const cumDeliver = newLiveHistogram();
  /** Per-second deliver.intended latency (coarse: 2 significant digits) for the results' series. */
  const latencySeries = {
    p50: [] as Array<number | null>,
    p99: [] as Array<number | null>,
    max: [] as Array<number | null>,
  };
  const failedWorkers = new Set<number>();
  let connectedTotal = 0;
  let wake: (() => void) | undefined;
  const poke = (): void => wake?.();

  const handles: WorkerHandle[] = [];
  for (let w = 0; w < count; w++) {
    const init = {
      profile,
      runId,
      brokerUrl: opts.brokerUrl,
      shard,
      worker: { index: w, count },
      localAddresses,
    };
    handles.push(
      spawnWorker(
        init,
        (m) => {
          if (m.type === 'ready') {
            ready.add(w);
            connectedTotal += m.connected;
          } else if (m.type === 'tick') {
            ticks.set(w, m);
            // Interval histograms accumulate until the next progress report takes them.
            addEncoded(liveDeliver, m.liveDeliver);
            addEncoded(liveLag, m.liveSendLag);
          } else if (m.type === 'published') published.set(w, m.sent);
          else if (m.type === 'final') finals.set(w, m);
          else if (m.type === 'closed') closed.add(w);
          else if (m.type === 'error') {
            warnings.push(`worker ${w}: ${m.message}`);
            failedWorkers.add(w);
          }
          poke();
        },
        threads > 0,
      ),
    );
  }
  const alive = (): number[] => [...Array(count).keys()].filter((w) => !failedWorkers.has(w));
  const aborted = (): boolean => opts.signal?.aborted === true;
  /** Waits until cond() or the deadline (absolute clock ms) or abort (when honoured). */
  const until = async (cond: () => boolean, deadline: number, honourAbort = true): Promise<boolean> => {
    while (!cond()) {
      if (clock() >= deadline || (honourAbort && aborted())) return cond();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(100, Math.max(1, deadline - clock())));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return true;
  };
  const onAbort = (): void => poke();
  opts.signal?.addEventListener('abort', onAbort);

  const sumTicks = (k: 'sent' | 'acked' | 'delivered' | 'errors' | 'connected'): number =>
    [...ticks.values()].reduce((s, t) => s + t[k], 0);
  const base = {
    profile: profile.id,
    clients: mine.length,
    durationMs: profile.durationMs,
  };

  // 1. Connect (and subscribe) every client, with progress once a second while they do.
  const maxConnectAt = mine.reduce((m, c) => Math.max(m, c.connectAt), 0);
  const maxTimeout = Math.max(...profile.groups.map((g) => g.connect.timeoutMs));
  for (const h of handles) h.send({ type: 'connect' });
  const connectStart = clock();
  const connectDeadline = connectStart + maxConnectAt + maxTimeout + 5_000 + mine.length;
  const everyReady = (): boolean => alive().every((w) => ready.has(w));
  let allReady = false;
  for (let next = connectStart + 1000; ; next += 1000) {
    allReady = await until(everyReady, Math.min(next, connectDeadline));
    if (allReady || aborted() || clock() >= connectDeadline) break;
    opts.onProgress?.({
      ...base,
      elapsedMs: Math.round(clock() - connectStart),
      // Until a worker reports, its thread is still starting (loading the generator), not connecting.
      phase: ticks.size === 0 && ready.size === 0 ? 'start' : 'connect',
      connected: sumTicks('connected'),
      sentPerSec: 0,
      ackedPerSec: 0,
      deliveredPerSec: 0,
      p99Ms: null,
      p99CumulativeMs: null,
      errors: sumTicks('errors'),
      saturated: false,
    });
  }
  if (!allReady && !aborted()) warnings.push('not every client settled before the connect deadline');
  const connectFailures = mine.length - connectedTotal;
  // Nobody got in (broker down, refusing every CONNECT): there is nothing to measure, so do not publish.
  const nobody = allReady && mine.length > 0 && connectedTotal === 0;
  if (nobody) warnings.push('no client could connect: publishing skipped');

  // 2. Common start, then the phases.
  let t0 = clock() + profile.settleMs;
  if (opts.startAt !== undefined) {
    if (opts.startAt < clock())
      warnings.push(
        `--start-at is ${Math.round(clock() - opts.startAt)} ms in the past when every client was ready; started at once`,
      );
    t0 = Math.max(t0, opts.startAt);
  }
  const end = t0 + profile.durationMs;
  if (!aborted() && !nobody) for (const h of handles) h.send({ type: 'start', t0 });
  // Broker restarts run here, in the coordinator (shard 0 only: one restart per run, not one per shard).
  const restarts = scheduleRestarts(shard.index === 0 ? profile.restarts : [], opts.brokerUrl, t0);
  const cpuRun0 = process.cpuUsage();
  let lastProgress = { at: clock(), sent: 0, acked: 0, delivered: 0 };
  let saturatedStreak = 0;
  /**
   * Progress intervals (about a second each); those whose send lag p99 exceeded the saturation limit while the
   * busiest generator thread was busy (`over`: the generator cannot keep up with its own work), and those
   * where it was mostly idle (`stalled`: the thread was not scheduled, e.g. a busy machine, GC).
   */
  const lagSeconds = { total: 0, over: 0, stalled: 0 };
  const progress = (phase: string): void => {
    const now = clock();
    const sum = sumTicks;
    const dt = Math.max(1, now - lastProgress.at) / 1000;
    const has = liveDeliver.totalCount > 0;
    const ms = (us: number): number => Math.round(us) / 1000;
    const p99 = has ? ms(liveDeliver.getValueAtPercentile(99)) : null;
    const second = Math.round((now - t0) / 1000) - 1;
    if (second >= 0) {
      while (latencySeries.p50.length < second)
        for (const k of ['p50', 'p99', 'max'] as const) latencySeries[k].push(null);
      latencySeries.p50.push(has ? ms(liveDeliver.getValueAtPercentile(50)) : null);
      latencySeries.p99.push(p99);
      latencySeries.max.push(has ? ms(liveDeliver.maxValue) : null);
    }
    const lagP99 = liveLag.totalCount > 0 ? ms(liveLag.getValueAtPercentile(99)) : 0;
    cumDeliver.add(liveDeliver);
    liveDeliver.reset();
    liveLag.reset();
    const busy = Math.max(0, ...[...ticks.values()].map((t) => t.elu)) >= SATURATED_ELU;
    const lagging = lagP99 > profile.saturationLagMs;
    saturatedStreak = lagging && busy ? saturatedStreak + 1 : 0;
    lagSeconds.total++;
    if (lagging && busy) lagSeconds.over++;
    else if (lagging) lagSeconds.stalled++;
    const p: LoadProgress = {
      ...base,
      elapsedMs: Math.round(now - t0),
      phase,
      connected: sum('connected'),
      sentPerSec: Math.round((sum('sent') - lastProgress.sent) / dt),
      ackedPerSec: Math.round((sum('acked') - lastProgress.acked) / dt),
      deliveredPerSec: Math.round((sum('delivered') - lastProgress.delivered) / dt),
      p99Ms: p99,
      p99CumulativeMs: cumDeliver.totalCount > 0 ? ms(cumDeliver.getValueAtPercentile(99)) : null,
      errors: sum('errors'),
      saturated: saturatedStreak >= 2,
    };
    lastProgress = { at: now, sent: sum('sent'), acked: sum('acked'), delivered: sum('delivered') };
    opts.onProgress?.(p);
  };
  // Progress once a second until publishing ends everywhere (or abort).
  let nextProgress = t0 + 1000;
  if (nobody) for (const h of handles) h.send({ type: 'stop' });
  while (!nobody && !aborted() && !alive().every((w) => published.has(w))) {
    await until(() => alive().every((w) => published.has(w)), Math.min(nextProgress, end + 5_000));
    if (clock() >= nextProgress) {
      progress(timeline.nameAt(clock() - t0));
      nextProgress += 1000;
    }
    if (clock() > end + 5_000) break;
  }
  if (aborted()) {
    warnings.push('interrupted: publishing stopped early, results cover the run so far');
    for (const h of handles) h.send({ type: 'stop' });
    await until(() => alive().every((w) => published.has(w)), clock() + 500, false);
  }

  // A restart still under way ends (bounded by its command deadline and wait) before the drain starts.
  restarts.cancel();
  const restartRecords = await restarts.done();
  for (const r of restartRecords) if (r.error) warnings.push(`restart ${r.name}: ${r.error}`);

  // 3. Drain: wait for outstanding deliveries (all expected ones arrived, or the drain time is over).
  const { pairs, truncated } = expectedPairs(plan);
  const sentBy = new Map<number, number>();
  for (const list of published.values()) for (const [p, n] of list) sentBy.set(p, n);
  const expectedTotal = pairs.reduce((s, p) => s + (sentBy.get(p.pub) ?? 0), 0);
  // Interrupted: a short drain only, so the command stops within its grace period (src/cli/interrupt.ts).
  const drainEnd =
    clock() + (nobody ? 0 : aborted() ? Math.min(ABORT_DRAIN_MS, profile.drainMs) : profile.drainMs);
  // Distinct deliveries: QoS 1 duplicates after a reconnect must not end the drain before the last message.
  const delivered = (): number => [...ticks.values()].reduce((s, t) => s + t.unique, 0);
  if (shard.count === 1) await until(() => delivered() >= expectedTotal, drainEnd, false);
  else await until(() => false, drainEnd, false);

  const cpuRun = process.cpuUsage(cpuRun0);
  // 4. Final exports, then close.
  for (const h of handles) h.send({ type: 'finish' });
  await until(() => alive().every((w) => finals.has(w)), clock() + (aborted() ? 1_000 : 10_000), false);
  await until(() => alive().every((w) => closed.has(w)), clock() + (aborted() ? 300 : 2_000), false);
  await Promise.all(handles.map((h) => h.terminate()));
  opts.signal?.removeEventListener('abort', onAbort);
  mainLag.disable();

  const cpu = process.cpuUsage(cpu0);
  const wall = Math.max(1, clock() - wall0);
  const ms = (ns: number): number => Math.max(0, Math.round(ns / 1000 - 10_000) / 1000);
  const lag = { p50: 0, p99: 0, max: 0 };
  for (const f of finals.values()) {
    lag.p50 = Math.max(lag.p50, f.eventLoopLagMs.p50);
    lag.p99 = Math.max(lag.p99, f.eventLoopLagMs.p99);
    lag.max = Math.max(lag.max, f.eventLoopLagMs.max);
  }
  if (mainLag.count > 0) lag.max = Math.max(lag.max, ms(mainLag.max));
  if (connectFailures > 0) warnings.push(`${connectFailures} of ${mine.length} clients failed to connect`);
  const clientsInShard = profile.groups.map((_, gi) => mine.filter((c) => c.group === gi).length);
  const result = assemble({
    plan,
    profile,
    brokerLabel: opts.brokerLabel ?? opts.brokerUrl,
    startedAt,
    durationMs: nobody
      ? 0
      : aborted()
        ? Math.max(0, Math.min(profile.durationMs, clock() - t0))
        : profile.durationMs,
    finals: [...finals.values()].map((f) => f.stats),
    clientsInShard,
    expected: pairs,
    expectedTruncated: truncated,
    workers: threads,
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 1000) / 10,
    eventLoopLagMs: lag,
    warnings,
    shard,
    lagSeconds,
  });
  const n = result.series.t.length;
  if (latencySeries.p99.some((v) => v !== null) && n > 0) {
    for (const k of ['p50', 'p99', 'max'] as const) {
      const arr = latencySeries[k].slice(0, n);
      while (arr.length < n) arr.push(null);
      result.series[k] = arr;
    }
  }
  liveDeliver.destroy();
  liveLag.destroy();
  cumDeliver.destroy();
  const phases = faultPhases(profile, result.counters, restartRecords);
  if (phases) result.faultPhases = phases;
  // CPU of the whole process (all workers) from the start of publishing to the end of the drain.
  result.counters['generator.cpuUs.run'] = cpuRun.user + cpuRun.system;
  return result;
}

export type { Overrides } from './plan.ts';
