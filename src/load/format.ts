// Plain-text views of load progress and results for the terminal (the rich views are src/report's).
import type { HistogramSummary, LoadResult } from '../results/model.ts';
import { LATENCY_METRICS } from '../scenario/load-profile/thresholds.ts';

function lat(name: string, h: HistogramSummary | undefined): string | undefined {
  if (!h || h.count === 0) return undefined;
  return `  ${name.padEnd(18)} n=${h.count}  p50 ${h.p50}ms  p99 ${h.p99}ms  p99.9 ${h.p999}ms  max ${h.max}ms`;
}

export function formatLoadSummary(r: LoadResult): string {
  const sent = r.groups.reduce((s, g) => s + g.sent, 0);
  const acked = r.groups.reduce((s, g) => s + g.acked, 0);
  const delivered = r.groups.reduce((s, g) => s + g.delivered, 0);
  const secs = r.durationMs / 1000 || 1;
  const lines = [
    `load ${r.id} against ${r.broker}: ${(r.durationMs / 1000).toFixed(1)}s, sent ${sent} (${Math.round(sent / secs)}/s), acked ${acked}, delivered ${delivered} (${Math.round(delivered / secs)}/s)`,
  ];
  for (const k of LATENCY_METRICS) {
    const l = lat(k, r.latency[k]);
    if (l) lines.push(l);
  }
  const L = r.ledger;
  lines.push(
    `  ledger: expected ${L.expected}, delivered ${L.delivered} (${(L.deliveredRatio * 100).toFixed(3)}%), lost ${L.lost}, duplicated ${L.duplicated}, out of order ${L.outOfOrder}`,
  );
  const g = r.generator;
  lines.push(
    `  generator: ${g.workers} worker(s), CPU ${g.cpuPercent}%, event-loop lag p99 ${g.eventLoopLagMs.p99}ms, send lag p99 ${g.sendLagMs.p99}ms${g.saturated ? ' — SATURATED' : ''}`,
  );
  for (const w of g.warnings) lines.push(`  warning: ${w}`);
  for (const t of r.thresholds) {
    lines.push(
      `  ${t.passed ? 'pass' : 'FAIL'} ${t.expression}  (actual ${t.actual === null ? 'no data' : `${t.actual}${t.unit}`})`,
    );
  }
  return lines.join('\n');
}
