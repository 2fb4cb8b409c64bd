// Live progress of a load run: one line a second while clients connect, and while publishing the rates,
// the deliver latency of the last second and since the start, and whether the generator is saturated. The
// per-second latency series of the results and the seconds with too much send lag are kept here too.
import { type Histogram, newLiveHistogram } from '../metrics/histogram.ts';
import type { LoadProgress } from '../results/events.ts';
import type { Crew } from './crew.ts';
import { clock } from './payload.ts';

/**
 * A second counts towards "generator saturated" only when a generator thread's event loop was busy at least
 * this share of it: send lag from a thread that is mostly idle comes from scheduling (a loaded machine, GC),
 * not from a generator that cannot keep up. A generator at its limit runs its loop close to 100 %.
 */
export const SATURATED_ELU = 0.75;

/** The fields every progress line of a run repeats. */
export interface ProgressBase {
  profile: string;
  clients: number;
  durationMs: number;
}

/** A progress line while clients connect (`start` until a worker reports: its thread is still loading). */
export function connectProgress(crew: Crew, base: ProgressBase, connectStart: number): LoadProgress {
  return {
    ...base,
    elapsedMs: Math.round(clock() - connectStart),
    phase: crew.ticks.size === 0 && crew.ready.size === 0 ? 'start' : 'connect',
    connected: crew.sumTicks('connected'),
    sentPerSec: 0,
    ackedPerSec: 0,
    deliveredPerSec: 0,
    p99Ms: null,
    p99CumulativeMs: null,
    errors: crew.sumTicks('errors'),
    saturated: false,
  };
}

export class ProgressMeter {
  /** Per-second deliver.intended latency (coarse: 2 significant digits) for the results' series. */
  readonly latencySeries = {
    p50: [] as Array<number | null>,
    p99: [] as Array<number | null>,
    max: [] as Array<number | null>,
  };
  /**
   * Progress intervals (about a second each); those whose send lag p99 exceeded the saturation limit while the
   * busiest generator thread was busy (`over`: the generator cannot keep up with its own work), and those
   * where it was mostly idle (`stalled`: the thread was not scheduled, e.g. a busy machine, GC).
   */
  readonly lagSeconds = { total: 0, over: 0, stalled: 0 };
  /** deliver.intended since publishing began (live, coarse): the cumulative p99 of progress lines. */
  private readonly cumDeliver: Histogram = newLiveHistogram();
  private last = { at: clock(), sent: 0, acked: 0, delivered: 0 };
  private saturatedStreak = 0;

  constructor(
    private readonly crew: Crew,
    private readonly base: ProgressBase,
    private readonly t0: number,
    private readonly saturationLagMs: number,
    private readonly onProgress: ((p: LoadProgress) => void) | undefined,
  ) {}

  /** Takes the interval histograms of the last second and reports one progress line. */
  report(phase: string): void {
    const { crew } = this;
    const { liveDeliver, liveLag } = crew;
    const now = clock();
    const sum = (k: 'sent' | 'acked' | 'delivered' | 'errors' | 'connected'): number => crew.sumTicks(k);
    const dt = Math.max(1, now - this.last.at) / 1000;
    const has = liveDeliver.totalCount > 0;
    const p99 = has ? ms(liveDeliver.getValueAtPercentile(99)) : null;
    this.recordSecond(now, has, p99);
    const lagP99 = liveLag.totalCount > 0 ? ms(liveLag.getValueAtPercentile(99)) : 0;
    this.cumDeliver.add(liveDeliver);
    liveDeliver.reset();
    liveLag.reset();
    const saturated = this.weighLag(lagP99);
    const p: LoadProgress = {
      ...this.base,
      elapsedMs: Math.round(now - this.t0),
      phase,
      connected: sum('connected'),
      sentPerSec: Math.round((sum('sent') - this.last.sent) / dt),
      ackedPerSec: Math.round((sum('acked') - this.last.acked) / dt),
      deliveredPerSec: Math.round((sum('delivered') - this.last.delivered) / dt),
      p99Ms: p99,
      p99CumulativeMs: this.cumDeliver.totalCount > 0 ? ms(this.cumDeliver.getValueAtPercentile(99)) : null,
      errors: sum('errors'),
      saturated,
    };
    this.last = { at: now, sent: sum('sent'), acked: sum('acked'), delivered: sum('delivered') };
    this.onProgress?.(p);
  }

  /** The latency series: this second's p50, p99 and max (null for seconds without deliveries). */
  private recordSecond(now: number, has: boolean, p99: number | null): void {
    const { liveDeliver } = this.crew;
    const series = this.latencySeries;
    const second = Math.round((now - this.t0) / 1000) - 1;
    if (second < 0) return;
    while (series.p50.length < second) for (const k of ['p50', 'p99', 'max'] as const) series[k].push(null);
    series.p50.push(has ? ms(liveDeliver.getValueAtPercentile(50)) : null);
    series.p99.push(p99);
    series.max.push(has ? ms(liveDeliver.maxValue) : null);
  }

  /** Counts this second towards saturation or a stall; saturated after two saturated seconds in a row. */
  private weighLag(lagP99: number): boolean {
    const busy = Math.max(0, ...[...this.crew.ticks.values()].map((t) => t.elu)) >= SATURATED_ELU;
    const lagging = lagP99 > this.saturationLagMs;
    this.saturatedStreak = lagging && busy ? this.saturatedStreak + 1 : 0;
    this.lagSeconds.total++;
    if (lagging && busy) this.lagSeconds.over++;
    else if (lagging) this.lagSeconds.stalled++;
    return this.saturatedStreak >= 2;
  }

  destroy(): void {
    this.cumDeliver.destroy();
  }
}

function ms(us: number): number {
  return Math.round(us) / 1000;
}
