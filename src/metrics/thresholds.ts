// Threshold evaluation: each parsed threshold of the profile against a LoadResult. Any failure means exit code 2.
import type { LoadResult, ThresholdResult } from '../results/model.ts';
import type { ThresholdSpec } from '../scenario/load-profile/model.ts';
import { compare, splitLatencyMetric } from '../scenario/load-profile/thresholds.ts';

/** The metric's value in the threshold's unit, or null when the run has no data for it. */
function metricValue(t: ThresholdSpec, r: LoadResult): number | null {
  const lat = splitLatencyMetric(t.metric);
  if (lat) {
    const h = r.latency[lat.key];
    if (!h || h.count === 0) return null;
    return h[lat.stat as 'p50'];
  }
  const qm = /^(\w+)\.qos([012])$/.exec(t.metric);
  const base = qm ? (qm[1] as string) : t.metric;
  const led = qm ? r.ledger.byQos[qm[2] as string] : r.ledger;
  const seconds = r.durationMs / 1000;
  switch (base) {
    case 'delivered':
    case 'lost':
    case 'duplicates':
    case 'outOfOrder': {
      if (!led) return null;
      const n =
        base === 'delivered'
          ? led.delivered
          : base === 'lost'
            ? led.lost
            : base === 'duplicates'
              ? led.duplicated
              : led.outOfOrder;
      if (t.unit !== '%') return n;
      return led.expected === 0 ? null : n / led.expected;
    }
    case 'connect.failures':
      return r.groups.reduce((s, g) => s + g.connectFailures, 0);
    case 'errors':
      return r.counters.errors ?? 0;
    case 'sent':
    case 'acked':
      return r.groups.reduce((s, g) => s + g[base], 0);
    case 'skipped':
      return (r.counters['skipped.disconnected'] ?? 0) + (r.counters['skipped.inflight'] ?? 0);
    case 'throughput.sent':
    case 'throughput.acked':
    case 'throughput.delivered': {
      if (seconds <= 0) return null;
      const k = base.slice('throughput.'.length) as 'sent' | 'acked' | 'delivered';
      return r.groups.reduce((s, g) => s + g[k], 0) / seconds;
    }
  }
  return null;
}

export function evaluateThresholds(specs: ThresholdSpec[], r: LoadResult): ThresholdResult[] {
  return specs.map((t) => {
    const actual = metricValue(t, r);
    const shown = actual === null ? null : t.unit === '%' ? round(actual * 100) : round(actual);
    return {
      expression: t.expression,
      metric: t.metric,
      actual: shown,
      limit: t.unit === '%' ? round(t.limit * 100) : t.limit,
      unit: t.unit,
      passed: actual !== null && compare(actual, t.op, t.limit),
    };
  });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
