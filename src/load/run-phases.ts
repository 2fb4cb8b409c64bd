// Load run, phases 3 to 7, in order: connect every client, fix the common start, measure (publishing, fault
// phases in the workers, broker restarts here, progress once a second), drain outstanding deliveries, and
// finish (final exports, workers closed). Each phase is one function of the coordinator's Run.
import type { ExpectedPair } from '../metrics/ledger.ts';
import type { Crew } from './crew.ts';
import { clock } from './payload.ts';
import { expectedPairs } from './plan.ts';
import { connectProgress, type ProgressBase, ProgressMeter } from './progress.ts';
import { type RestartRecord, scheduleRestarts } from './restart.ts';
import type { LoadRunOptions, LoadRunPlan } from './run-plan.ts';
import { Timeline } from './schedule.ts';

/** Drain after an interrupt: short, so results are written within the interrupt grace period. */
const ABORT_DRAIN_MS = 300;

/** What every phase of one load run works with. */
export interface Run {
  plan: LoadRunPlan;
  opts: LoadRunOptions;
  crew: Crew;
  warnings: string[];
  base: ProgressBase;
}

export interface Connected {
  /** Clients of this shard that did not connect (by the end of the connect phase). */
  connectFailures: number;
  /** Nobody got in (broker down, refusing every CONNECT): there is nothing to measure, so no publishing. */
  nobody: boolean;
}

/** Connect (and subscribe) every client, with progress once a second while they do. */
export async function connectPhase(run: Run): Promise<Connected> {
  const { crew, opts, warnings } = run;
  const { mine, profile } = run.plan;
  const maxConnectAt = mine.reduce((m, c) => Math.max(m, c.connectAt), 0);
  const maxTimeout = Math.max(...profile.groups.map((g) => g.connect.timeoutMs));
  crew.send({ type: 'connect' });
  const connectStart = clock();
  const connectDeadline = connectStart + maxConnectAt + maxTimeout + 5_000 + mine.length;
  const everyReady = (): boolean => crew.alive().every((w) => crew.ready.has(w));
  let allReady = false;
  for (let next = connectStart + 1000; ; next += 1000) {
    allReady = await crew.until(everyReady, Math.min(next, connectDeadline));
    if (allReady || crew.aborted() || clock() >= connectDeadline) break;
    opts.onProgress?.(connectProgress(crew, run.base, connectStart));
  }
  if (!allReady && !crew.aborted()) warnings.push('not every client settled before the connect deadline');
  const connectFailures = mine.length - crew.connectedTotal;
  const nobody = allReady && mine.length > 0 && crew.connectedTotal === 0;
  if (nobody) warnings.push('no client could connect: publishing skipped');
  return { connectFailures, nobody };
}

/** The common start: after the settle time, and not before `startAt` (shards). */
export function commonStart(run: Run): number {
  const { opts, warnings } = run;
  let t0 = clock() + run.plan.profile.settleMs;
  if (opts.startAt !== undefined) {
    if (opts.startAt < clock())
      warnings.push(
        `--start-at is ${Math.round(clock() - opts.startAt)} ms in the past when every client was ready; started at once`,
      );
    t0 = Math.max(t0, opts.startAt);
  }
  return t0;
}

export interface Measured {
  meter: ProgressMeter;
  restartRecords: RestartRecord[];
  /** process.cpuUsage() when publishing started. */
  cpuRun0: NodeJS.CpuUsage;
}

/** Publishing from t0 until every worker has published its schedule (or abort), with broker restarts. */
export async function measurePhase(run: Run, t0: number, nobody: boolean): Promise<Measured> {
  const { crew, opts, warnings } = run;
  const { profile, shard } = run.plan;
  const end = t0 + profile.durationMs;
  if (!crew.aborted() && !nobody) crew.send({ type: 'start', t0 });
  // Broker restarts run here, in the coordinator (shard 0 only: one restart per run, not one per shard).
  const restarts = scheduleRestarts(shard.index === 0 ? profile.restarts : [], opts.brokerUrl, t0);
  const cpuRun0 = process.cpuUsage();
  const meter = new ProgressMeter(crew, run.base, t0, profile.saturationLagMs, opts.onProgress);
  const timeline = new Timeline(profile.phases);
  const allPublished = (): boolean => crew.alive().every((w) => crew.published.has(w));
  // Progress once a second until publishing ends everywhere (or abort).
  let nextProgress = t0 + 1000;
  if (nobody) crew.send({ type: 'stop' });
  while (!nobody && !crew.aborted() && !allPublished()) {
    await crew.until(allPublished, Math.min(nextProgress, end + 5_000));
    if (clock() >= nextProgress) {
      meter.report(timeline.nameAt(clock() - t0));
      nextProgress += 1000;
    }
    if (clock() > end + 5_000) break;
  }
  if (crew.aborted()) {
    warnings.push('interrupted: publishing stopped early, results cover the run so far');
    crew.send({ type: 'stop' });
    await crew.until(allPublished, clock() + 500, false);
  }
  // A restart still under way ends (bounded by its command deadline and wait) before the drain starts.
  restarts.cancel();
  const restartRecords = await restarts.done();
  for (const r of restartRecords) if (r.error) warnings.push(`restart ${r.name}: ${r.error}`);
  return { meter, restartRecords, cpuRun0 };
}

export interface Drained {
  /** The (publisher, subscriber) pairs expected to deliver, and whether that list was cut short. */
  pairs: ExpectedPair[];
  truncated: boolean;
}

/** Drain: wait for outstanding deliveries (all expected ones arrived, or the drain time is over). */
export async function drainPhase(run: Run, nobody: boolean): Promise<Drained> {
  const { crew } = run;
  const { plan, profile, shard } = run.plan;
  const { pairs, truncated } = expectedPairs(plan);
  const sentBy = new Map<number, number>();
  for (const list of crew.published.values()) for (const [p, n] of list) sentBy.set(p, n);
  const expectedTotal = pairs.reduce((s, p) => s + (sentBy.get(p.pub) ?? 0), 0);
  // Interrupted: a short drain only, so the command stops within its grace period (src/cli/interrupt.ts).
  const drainEnd =
    clock() + (nobody ? 0 : crew.aborted() ? Math.min(ABORT_DRAIN_MS, profile.drainMs) : profile.drainMs);
  // Distinct deliveries: QoS 1 duplicates after a reconnect must not end the drain before the last message.
  const delivered = (): number => crew.sumTicks('unique');
  if (shard.count === 1) await crew.until(() => delivered() >= expectedTotal, drainEnd, false);
  else await crew.until(() => false, drainEnd, false);
  return { pairs, truncated };
}

/** Final exports from every worker, then close their clients and end the threads. */
export async function finishPhase(run: Run): Promise<void> {
  const { crew } = run;
  crew.send({ type: 'finish' });
  await crew.until(
    () => crew.alive().every((w) => crew.finals.has(w)),
    clock() + (crew.aborted() ? 1_000 : 10_000),
    false,
  );
  await crew.until(
    () => crew.alive().every((w) => crew.closed.has(w)),
    clock() + (crew.aborted() ? 300 : 2_000),
    false,
  );
  await crew.terminate();
}
