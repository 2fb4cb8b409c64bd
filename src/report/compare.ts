// Regression verdict between two results documents (`crucible compare baseline.json current.json`):
// new conformance failures per case (broker, version, id), and per load result (broker + profile id) the
// broker's figures: delivery latency percentiles that grew, delivered throughput that dropped and a lost
// share that grew beyond a tolerance. The generator's own figures (send lag) are compared only on request
// (`metrics`). Whether the two documents can be compared at all is comparable.ts.
import { isFailing } from '../results/grade.ts';
import type { CaseResult, LoadResult, Outcome, ResultsDocument } from '../results/model.ts';
import { caseKey, loadKey } from './comparable.ts';
import { allCases } from './verdict.ts';

export interface CompareOptions {
  /** Relative tolerance, 0.1 = 10%. */
  tolerance: number;
  /** Latency increases smaller than this (ms) are never regressions (noise floor). */
  minDeltaMs: number;
  /** Latency stats compared. */
  stats: Array<'p50' | 'p90' | 'p99' | 'p999'>;
  /** Latency histograms compared (default: the broker's delivery latency from the intended send time). */
  metrics?: string[];
}

/** The broker's figures: publish-to-deliver latency (open model), delivered throughput and loss. */
export const DEFAULT_METRICS: readonly string[] = ['deliver.intended'];

/** A lost share that grows by less than this (absolute, 0.0001 = 0.01 % of the expected messages) is noise. */
export const LOSS_FLOOR = 0.0001;

export const DEFAULT_COMPARE: CompareOptions = {
  tolerance: 0.1,
  minDeltaMs: 0,
  stats: ['p50', 'p99'],
  metrics: [...DEFAULT_METRICS],
};

export interface CaseChange {
  broker: string;
  version: string;
  id: string;
  statements: string[];
  before: Outcome | null; // null: not in the baseline
  after: Outcome;
  reason?: string;
}

export interface MetricChange {
  load: string;
  broker: string;
  metric: string; // "deliver.intended.p99", "throughput.delivered" or "loss"
  before: number;
  after: number;
  unit: 'ms' | '/s' | '%';
  change: number; // relative, +0.25 = 25% higher
  regression: boolean;
}

export interface Comparison {
  newFailures: CaseChange[];
  fixed: CaseChange[];
  metrics: MetricChange[];
  missingLoads: string[];
  regressions: number;
}

function compareCases(base: CaseResult[], cur: CaseResult[]): Pick<Comparison, 'newFailures' | 'fixed'> {
  const before = new Map(base.map((c) => [caseKey(c), c]));
  const newFailures: CaseChange[] = [];
  const fixed: CaseChange[] = [];
  for (const c of cur) {
    const b = before.get(caseKey(c));
    const change: CaseChange = {
      broker: c.broker,
      version: c.version,
      id: c.id,
      statements: c.statements,
      before: b?.outcome ?? null,
      after: c.outcome,
    };
    if (c.reason) change.reason = c.reason;
    if (isFailing(c.outcome) && (!b || !isFailing(b.outcome))) newFailures.push(change);
    else if (b && isFailing(b.outcome) && !isFailing(c.outcome)) fixed.push(change);
  }
  return { newFailures, fixed };
}

const rate = (r: LoadResult) => (r.durationMs > 0 ? r.ledger.delivered / (r.durationMs / 1000) : 0);

function compareLoad(b: LoadResult, c: LoadResult, o: CompareOptions): MetricChange[] {
  const out: MetricChange[] = [];
  const rel = (x: number, y: number) => (x > 0 ? (y - x) / x : y > 0 ? Number.POSITIVE_INFINITY : 0);
  for (const name of o.metrics ?? DEFAULT_METRICS) {
    const hb = b.latency[name];
    const hc = c.latency[name];
    if (!hb || !hc || hb.count === 0 || hc.count === 0) continue;
    for (const s of o.stats) {
      const before = hb[s];
      const after = hc[s];
      const change = rel(before, after);
      out.push({
        load: c.id,
        broker: c.broker,
        metric: `${name}.${s}`,
        before,
        after,
        unit: 'ms',
        change,
        regression: change > o.tolerance && after - before > o.minDeltaMs,
      });
    }
  }
  const before = rate(b);
  const after = rate(c);
  const change = rel(before, after);
  out.push({
    load: c.id,
    broker: c.broker,
    metric: 'throughput.delivered',
    before,
    after,
    unit: '/s',
    change,
    regression: change < -o.tolerance,
  });
  // Loss: the share of expected messages that never arrived (the ledger), in percent.
  const loss = (r: LoadResult) => (r.ledger.expected > 0 ? r.ledger.lost / r.ledger.expected : 0);
  const lb = loss(b);
  const lc = loss(c);
  out.push({
    load: c.id,
    broker: c.broker,
    metric: 'loss',
    before: lb * 100,
    after: lc * 100,
    unit: '%',
    change: rel(lb, lc),
    regression: lc - lb > LOSS_FLOOR && rel(lb, lc) > o.tolerance,
  });
  return out;
}

export function compareDocuments(
  base: ResultsDocument,
  cur: ResultsDocument,
  o: CompareOptions = DEFAULT_COMPARE,
): Comparison {
  const { newFailures, fixed } = compareCases(allCases(base), allCases(cur));
  const metrics: MetricChange[] = [];
  const missingLoads: string[] = [];
  const curLoads = new Map((cur.load ?? []).map((r) => [loadKey(r), r]));
  for (const b of base.load ?? []) {
    const c = curLoads.get(loadKey(b));
    if (!c) missingLoads.push(`${b.id} [${b.broker}]`);
    else metrics.push(...compareLoad(b, c, o));
  }
  const regressions = newFailures.length + metrics.filter((m) => m.regression).length;
  return { newFailures, fixed, metrics, missingLoads, regressions };
}

/** "10%", "0.1" or "10" (percent when above 1). Undefined when malformed. */
export function parseTolerance(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === '%' || n > 1 ? n / 100 : n;
}
