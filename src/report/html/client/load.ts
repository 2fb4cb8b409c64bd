// Load tab: per load result, the headline figures, the charts, and tables of latency, thresholds, groups, the
// delivery ledger and the generator's health.
import type { HistogramSummary, LoadResult } from '../../../results/model.ts';
import { fmtMs, fmtNum, fmtPct, fmtRate, groupCells, HTML, latencyCells } from '../../format.ts';
import { loads } from './data.ts';
import { appendChild, type Child, h } from './dom.ts';
import { latencyOverTime, orderedLatency, percentileChart, throughputOverTime } from './load-charts.ts';
import { chartSeries, seriesCaption } from './load-series.ts';

const num = (v: number | null | undefined) => fmtNum(v, HTML);
const ms = (v: number | null | undefined) => fmtMs(v, HTML);

/** A table whose columns from `numFrom` on are numbers (right-aligned); a cell is text or a node. */
function simpleTable(
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | Node>>,
  numFrom = 1,
) {
  const cls = (i: number) => (i >= numFrom ? 'num' : '');
  return h(
    'div',
    { class: 'tablewrap' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((t, i) => h('th', { class: cls(i), text: t })),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((v, i) =>
              v instanceof Node ? h('td', { class: cls(i) }, v) : h('td', { class: cls(i), text: v }),
            ),
          ),
        ),
      ),
    ),
  );
}

function latencyTable(lat: Record<string, HistogramSummary>): HTMLDivElement {
  return simpleTable(
    ['metric', 'count', 'min', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'],
    orderedLatency(lat).map(([n, s]) => [...latencyCells(n, s, HTML), ms(s.mean)]),
  );
}

function hasLatencySeries(r: LoadResult): boolean {
  return (['p50', 'p99', 'max'] as const).some(
    (k) => Array.isArray(r.series[k]) && (r.series[k] ?? []).some((v) => typeof v === 'number'),
  );
}

function loadHeading(r: LoadResult): Child[] {
  return [
    h(
      'h2',
      {},
      `${r.id} `,
      h('span', {
        class: 'muted',
        text: `${r.title || ''} · broker ${r.broker} · ${(r.durationMs / 1000).toFixed(1)} s · ${r.startedAt}`,
      }),
    ),
    r.generator.saturated
      ? h('div', {
          class: 'warn',
          text: 'The load generator was saturated (CPU or event-loop lag): latency figures may reflect the generator, not the broker. Use more workers or shards.',
        })
      : null,
  ];
}

function loadStats(r: LoadResult): HTMLDivElement {
  const secs = Math.max(r.durationMs / 1000, 1e-9);
  const sent = r.series.sent.reduce((a, b) => a + b, 0);
  const d = r.latency['deliver.intended'];
  const figures = [
    ['p50 deliver', ms(d?.p50)],
    ['p99 deliver', ms(d?.p99)],
    ['p99.9 deliver', ms(d?.p999)],
    ['sent', fmtRate(sent / secs)],
    ['delivered', fmtRate(r.ledger.delivered / secs)],
    ['delivered ratio', fmtPct(r.ledger.deliveredRatio, HTML)],
  ];
  return h(
    'div',
    { class: 'card' },
    h(
      'div',
      { class: 'stats' },
      figures.map(([l, v]) =>
        h(
          'div',
          { class: 'stat' },
          h('span', { class: 'big', text: v }),
          h('span', { class: 'label', text: l }),
        ),
      ),
    ),
  );
}

function thresholdsTable(r: LoadResult): Child[] {
  if (!r.thresholds.length) return [];
  const rows = r.thresholds.map((t) => [
    h('span', { class: t.passed ? 'ok-t' : 'bad-t', text: t.passed ? '✓ pass' : '✗ fail' }),
    t.expression,
    t.actual === null ? 'no data' : `${num(t.actual)} ${t.unit}`,
    `${num(t.limit)} ${t.unit}`,
  ]);
  return [h('h3', { text: 'Thresholds' }), simpleTable(['result', 'threshold', 'actual', 'limit'], rows, 2)];
}

function groupsTables(r: LoadResult): Child[] {
  const head = [
    'group',
    'role',
    'qos',
    'clients',
    'connected',
    'connect failures',
    'sent',
    'acked',
    'delivered',
  ];
  const rows = r.groups.map((g) => {
    const l = g.latency['deliver.intended'] || g.latency.puback || Object.values(g.latency)[0];
    return [...groupCells(g, HTML), ms(l?.p99)];
  });
  return [
    h('h3', { text: 'Groups' }),
    simpleTable([...head, 'p99 latency'], rows, 2),
    r.groups
      .filter((g) => Object.keys(g.latency).length)
      .map((g) => [h('div', { class: 'muted', text: `group ${g.name} latency` }), latencyTable(g.latency)]),
  ];
}

function ledgerTables(r: LoadResult): Child[] {
  const L = r.ledger;
  const counts = (x: {
    expected: number;
    delivered: number;
    lost: number;
    duplicated: number;
    outOfOrder: number;
  }) => [x.expected, x.delivered, x.lost, x.duplicated, x.outOfOrder].map(num);
  const byQos = Object.entries(L.byQos).map(([q, x]) => [`QoS ${q}`, ...counts(x)]);
  return [
    h('h3', { text: 'Delivery ledger' }),
    simpleTable(
      ['qos', 'expected', 'delivered', 'lost', 'duplicated', 'out of order'],
      [...byQos, ['total', ...counts(L)]],
    ),
    L.pairs.length
      ? [
          h('div', { class: 'muted', text: 'worst publisher → subscriber pairs' }),
          simpleTable(
            ['publisher', 'subscriber', 'qos', 'expected', 'delivered', 'lost', 'duplicated', 'out of order'],
            L.pairs.map((p) => [p.publisher, p.subscriber, String(p.qos), ...counts(p)]),
            2,
          ),
        ]
      : null,
  ];
}

function generatorHealth(r: LoadResult): Child[] {
  const G = r.generator;
  const lag = (x: { p50: number; p99: number; max: number }) =>
    `p50 ${ms(x.p50)}, p99 ${ms(x.p99)}, max ${ms(x.max)}`;
  return [
    h('h3', { text: 'Generator health' }),
    h(
      'div',
      { class: 'card' },
      h(
        'dl',
        { class: 'kv' },
        h('dt', { text: 'workers' }),
        h('dd', { text: G.workers }),
        h('dt', { text: 'CPU (100% = one core)' }),
        h('dd', { text: `${G.cpuPercent.toFixed(0)}%` }),
        h('dt', { text: 'event-loop lag' }),
        h('dd', { text: lag(G.eventLoopLagMs) }),
        h('dt', { text: 'send lag' }),
        h('dd', { text: lag(G.sendLagMs) }),
        h('dt', { text: 'saturated' }),
        h('dd', { class: G.saturated ? 'bad-t' : 'ok-t', text: G.saturated ? 'yes' : 'no' }),
      ),
      G.warnings.map((w) => h('div', { class: 'warn', text: w })),
    ),
  ];
}

export function renderLoad(sec: HTMLElement): void {
  for (const r of loads) {
    appendChild(sec, [
      loadHeading(r),
      loadStats(r),
      h(
        'div',
        { class: 'charts' },
        percentileChart(r),
        hasLatencySeries(r) ? latencyOverTime(r) : null,
        throughputOverTime(r),
      ),
      seriesCaption(r, chartSeries(r)),
      h('h3', { text: 'Latency' }),
      latencyTable(r.latency),
      thresholdsTable(r),
      groupsTables(r),
      ledgerTables(r),
      generatorHealth(r),
    ]);
  }
}
