// Re-evaluates load thresholds on a merged load result (after shards are added together), from the
// expression text alone: `<metric> <op> <number><unit>`. Metrics it cannot compute keep the shards'
// verdict (all passed) with a note.
import type { LoadResult, ThresholdResult } from '../results/model.ts';

const EXPR = /^\s*([A-Za-z][\w.]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(us|ms|s|%|\/s)?\s*$/;
const STATS = new Set(['min', 'max', 'mean', 'p50', 'p90', 'p99', 'p999']);

function cmp(a: number, op: string, b: number): boolean {
  const eps = 1e-9;
  if (op === '<') return a < b;
  if (op === '<=') return a <= b + eps;
  if (op === '>') return a > b;
  if (op === '>=') return a >= b - eps;
  if (op === '==') return Math.abs(a - b) <= eps;
  return Math.abs(a - b) > eps;
}

function measure(
  r: LoadResult,
  metric: string,
  unit: string,
): { actual: number | null; unit: string } | undefined {
  const norm = metric.replace(/\.p99\.9$/, '.p999');
  const dot = norm.lastIndexOf('.');
  const stat = norm.slice(dot + 1);
  if (dot > 0 && STATS.has(stat)) {
    const key = norm.slice(0, dot);
    const h = r.latency[key];
    if (!h) return { actual: null, unit: 'ms' };
    return { actual: h.count > 0 ? (h[stat as keyof typeof h] as number) : null, unit: 'ms' };
  }
  const l = r.ledger;
  const secs = r.durationMs / 1000;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const pct = (n: number) => (l.expected > 0 ? (n / l.expected) * 100 : null);
  const ledger: Record<string, number> = {
    delivered: l.delivered,
    lost: l.lost,
    duplicates: l.duplicated,
    outOfOrder: l.outOfOrder,
  };
  const base = ledger[metric];
  if (base !== undefined) {
    if (unit === '%')
      return { actual: metric === 'delivered' ? l.deliveredRatio * 100 : pct(base), unit: '%' };
    return { actual: base, unit: '' };
  }
  if (metric === 'connect.failures') return { actual: sum(r.groups.map((g) => g.connectFailures)), unit: '' };
  const tp: Record<string, number> = {
    'throughput.sent': sum(r.series.sent),
    'throughput.acked': sum(r.series.acked),
    'throughput.delivered': l.delivered,
  };
  const total = tp[metric];
  if (total !== undefined) return { actual: secs > 0 ? total / secs : null, unit: '/s' };
  const c = r.counters[metric];
  if (c !== undefined) return { actual: c, unit: '' };
  return undefined;
}

/** One threshold on a merged result; `shardVerdict` is whether it passed on every part. */
export function reevaluate(r: LoadResult, t: ThresholdResult, shardVerdict: boolean): ThresholdResult {
  const m = EXPR.exec(t.expression.replace(/\.p99\.9(\s|<|>|=|!)/, '.p999$1'));
  const keep = (note: string): ThresholdResult => ({ ...t, passed: shardVerdict, note });
  if (!m)
    return keep('not re-evaluated after merge (expression not understood); passed only if every part passed');
  const [, metric = '', op = '<', num = '0', rawUnit = ''] = m;
  const got = measure(r, metric, rawUnit);
  if (!got)
    return keep(
      `not re-evaluated after merge (metric '${metric}' unknown to the merger); passed only if every part passed`,
    );
  let limit = Number(num);
  if (got.unit === 'ms' && rawUnit === 's') limit *= 1000;
  if (got.unit === 'ms' && rawUnit === 'us') limit /= 1000;
  const { note: _drop, ...rest } = t;
  const passed = got.actual === null ? false : cmp(got.actual, op, limit);
  return { ...rest, metric, actual: got.actual, limit, unit: got.unit, passed };
}
