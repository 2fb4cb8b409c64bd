// Threshold expressions of load profiles: `deliver.intended.p99 < 20ms`, `delivered >= 99.9%`,
// `duplicates == 0`, `connect.failures == 0`, `throughput.delivered >= 1000/s`. Parsing only;
// evaluation against a result is src/metrics/thresholds.ts.
import type { ThresholdOp, ThresholdSpec } from './model.ts';

/** The latency metrics a load result carries (also the order the text views list them in). */
export const LATENCY_METRICS = [
  'deliver.intended',
  'deliver.actual',
  'sendLag',
  'puback',
  'pubcomp',
  'connack',
  'suback',
] as const;
const LATENCY_STATS = ['min', 'max', 'mean', 'p50', 'p90', 'p99', 'p999'] as const;
/** Ledger and counter metrics: counts, or a ratio of expected messages when written with `%`. */
const LEDGER_METRICS = ['delivered', 'lost', 'duplicates', 'outOfOrder'] as const;
const COUNT_METRICS = ['connect.failures', 'errors', 'sent', 'acked', 'skipped'] as const;
const THROUGHPUT_METRICS = ['throughput.sent', 'throughput.acked', 'throughput.delivered'] as const;

const EXPR = /^\s*([A-Za-z][\w.]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(us|ms|s|%|\/s)?\s*$/;

type MetricKind = 'latency' | 'ledger' | 'count' | 'throughput';

/** Splits a latency metric `deliver.intended.qos1.p99` into histogram key `deliver.intended.qos1` and stat `p99`. */
export function splitLatencyMetric(metric: string): { key: string; stat: string } | undefined {
  const norm = metric.replace(/\.p99\.9$/, '.p999');
  const dot = norm.lastIndexOf('.');
  if (dot < 0) return undefined;
  const key = norm.slice(0, dot);
  const stat = norm.slice(dot + 1);
  if (!(LATENCY_STATS as readonly string[]).includes(stat)) return undefined;
  const base = key.replace(/\.qos[012]$/, '');
  if (!(LATENCY_METRICS as readonly string[]).includes(base)) return undefined;
  return { key, stat };
}

function metricKind(metric: string): MetricKind | undefined {
  if (splitLatencyMetric(metric)) return 'latency';
  const base = metric.replace(/\.qos[012]$/, '');
  if ((LEDGER_METRICS as readonly string[]).includes(base)) return 'ledger';
  if ((COUNT_METRICS as readonly string[]).includes(metric)) return 'count';
  if ((THROUGHPUT_METRICS as readonly string[]).includes(metric)) return 'throughput';
  return undefined;
}

/** Parses one expression; returns the threshold or a message saying what is wrong. */
export function parseThreshold(text: string, line = 0): ThresholdSpec | { error: string; hint?: string } {
  // `p99.9` reads better than `p999`; accept both before the generic pattern sees the extra dot.
  const m = EXPR.exec(text.replace(/\.p99\.9(\s|<|>|=|!)/, '.p999$1'));
  if (!m) {
    return {
      error: `'${text}' is not a threshold expression`,
      hint: 'write <metric> <op> <number><unit>, e.g. "deliver.intended.p99 < 20ms" or "delivered >= 99.9%"',
    };
  }
  const metric = m[1] as string;
  const op = m[2] as ThresholdOp;
  let value = Number(m[3]);
  const rawUnit = m[4] ?? '';
  const kind = metricKind(metric);
  if (!kind && (LATENCY_STATS as readonly string[]).includes(metric.replace(/^p99\.9$/, 'p999'))) {
    return {
      error: `unknown metric '${metric}'`,
      hint: `name the latency, e.g. "deliver.intended.${metric} ${op} ${m[3]}${rawUnit || 'ms'}"`,
    };
  }
  if (!kind) {
    return {
      error: `unknown metric '${metric}'`,
      hint: `latency: ${LATENCY_METRICS.join('|')}[.qos0|1|2].${LATENCY_STATS.join('|')}; ledger: ${LEDGER_METRICS.join(', ')}; counts: ${COUNT_METRICS.join(', ')}; ${THROUGHPUT_METRICS.join(', ')}`,
    };
  }
  let unit: ThresholdSpec['unit'] = '';
  if (kind === 'latency') {
    if (rawUnit === '' || rawUnit === 'ms') unit = 'ms';
    else if (rawUnit === 's') {
      unit = 'ms';
      value *= 1000;
    } else if (rawUnit === 'us') {
      unit = 'ms';
      value /= 1000;
    } else return { error: `latency metric '${metric}' takes a time unit (us, ms, s), not '${rawUnit}'` };
  } else if (kind === 'throughput') {
    if (rawUnit !== '' && rawUnit !== '/s')
      return { error: `throughput metric '${metric}' takes '/s', not '${rawUnit}'` };
    unit = '/s';
  } else if (kind === 'ledger') {
    if (rawUnit === '%') {
      unit = '%';
      value = Number((value / 100).toPrecision(15));
    } else if (rawUnit !== '')
      return { error: `'${metric}' takes a count or a percentage, not '${rawUnit}'` };
    else if (metric.startsWith('delivered')) {
      return {
        error: `'delivered' is a share of expected messages: write a percentage, e.g. "delivered >= 99.9%"`,
      };
    }
  } else if (rawUnit !== '') {
    return { error: `count metric '${metric}' takes no unit, got '${rawUnit}'` };
  }
  return { expression: text.trim(), metric, op, limit: value, unit, line };
}

export function compare(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}
