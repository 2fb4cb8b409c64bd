// Plain-text load summary (console reporter): latency percentiles, throughput, ledger, thresholds,
// generator health. One block per load result.
import type { LoadResult } from '../results/model.ts';
import { type Style, table } from './ansi.ts';
import { deliveredRate, fmtMs, fmtNum, fmtPct, fmtRate } from './format.ts';

export function loadSummaryLines(r: LoadResult, st: Style): string[] {
  const out: string[] = [];
  const secs = r.durationMs / 1000;
  out.push(
    st.bold(
      `Load ${r.id}${r.title && r.title !== r.id ? ` — ${r.title}` : ''}  [${r.broker}]  ${secs.toFixed(1)}s`,
    ),
  );
  const lat = Object.entries(r.latency);
  if (lat.length > 0) {
    const rows = [['latency', 'count', 'min', 'p50', 'p90', 'p99', 'p99.9', 'max']];
    for (const [name, h] of lat) {
      rows.push([
        name,
        fmtNum(h.count),
        fmtMs(h.min),
        fmtMs(h.p50),
        fmtMs(h.p90),
        fmtMs(h.p99),
        fmtMs(h.p999),
        fmtMs(h.max),
      ]);
    }
    out.push(...table(rows).map((l, i) => (i === 0 ? st.dim(`  ${l}`) : `  ${l}`)));
  }
  if (r.groups.length > 0) {
    const rows = [['group', 'role', 'qos', 'clients', 'conn', 'fail', 'sent', 'acked', 'delivered', 'rate']];
    for (const g of r.groups) {
      const rate =
        g.role === 'subscriber'
          ? deliveredRate(g.delivered, r.durationMs)
          : deliveredRate(g.sent, r.durationMs);
      rows.push([
        g.name,
        g.role,
        String(g.qos),
        fmtNum(g.clients),
        fmtNum(g.connected),
        fmtNum(g.connectFailures),
        fmtNum(g.sent),
        fmtNum(g.acked),
        fmtNum(g.delivered),
        fmtRate(rate),
      ]);
    }
    out.push(...table(rows, 2).map((l, i) => (i === 0 ? st.dim(`  ${l}`) : `  ${l}`)));
  }
  const sentTotal = r.series.sent.reduce((a, b) => a + b, 0);
  const delTotal = r.ledger.delivered;
  out.push(
    `  throughput: sent ${fmtRate(deliveredRate(sentTotal, r.durationMs))}, delivered ${fmtRate(deliveredRate(delTotal, r.durationMs))}`,
  );
  const l = r.ledger;
  const ledgerBad = l.lost > 0 || l.duplicated > 0 || l.outOfOrder > 0;
  const ledgerLine = `  ledger: expected ${fmtNum(l.expected)}, delivered ${fmtNum(l.delivered)} (${fmtPct(l.deliveredRatio)}), lost ${fmtNum(l.lost)}, duplicated ${fmtNum(l.duplicated)}, out of order ${fmtNum(l.outOfOrder)}`;
  out.push(ledgerBad ? st.yellow(ledgerLine) : ledgerLine);
  for (const t of r.thresholds) {
    const actual = t.actual === null ? 'no data' : `${fmtNum(t.actual)}${t.unit}`;
    const mark = t.passed ? st.green('✓ pass') : st.red('✗ FAIL');
    out.push(`  threshold ${mark}  ${t.expression}  (actual ${actual})`);
  }
  const g = r.generator;
  const gen = `  generator: ${g.workers} worker(s), cpu ${g.cpuPercent.toFixed(0)}%, event-loop lag p99 ${fmtMs(g.eventLoopLagMs.p99)} (max ${fmtMs(g.eventLoopLagMs.max)}), send lag p99 ${fmtMs(g.sendLagMs.p99)}`;
  out.push(g.saturated ? st.yellow(`${gen}  SATURATED`) : gen);
  for (const w of g.warnings) out.push(st.yellow(`  ! ${w}`));
  if (g.saturated)
    out.push(
      st.yellow(
        '  ! the load generator was saturated: latency figures may reflect the generator, not the broker',
      ),
    );
  return out;
}
