// biome-ignore-all lint/correctness/noUnusedVariables: the client files share one scope (concatenated by ../index.ts)
// Load tab: uPlot charts (percentile distribution, latency and throughput over time) and tables.
// ---------------------------------------------------------------------------------------- load
const PALETTE = ['#3b5bdb', '#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#f59f00', '#d6336c'];
const pending = [];
function chartBox(title, make) {
  const box = h('div', { class: 'chart' }, h('h4', { text: title }));
  pending.push({ box, make });
  return box;
}
function drawCharts() {
  while (pending.length) {
    const { box, make } = pending.shift();
    const width = Math.max(320, box.clientWidth - 20);
    const { opts, data, phases } = make(width);
    const plugins = phases?.length ? [phaseLines(phases)] : [];
    const plot = new uPlot({ legend: { live: false }, plugins, ...opts }, data, box);
    charts.push({
      title: box.firstChild.textContent,
      points: data[0].length,
      series: data.length - 1,
      data,
      phases: phases || [],
      plot,
    });
  }
}
const pctTicks = [1, 10, 100, 1000, 10000, 100000];
const pctLabel = (x) => {
  const p = 100 * (1 - 1 / x);
  return p <= 0 ? '0%' : `${Number(p.toFixed(4))}%`;
};
function percentileChart(r) {
  // Per-QoS variants stay in the tables; the chart shows one line per metric.
  const metrics = orderedLatency(r.latency).filter(
    ([name, s]) => s.count > 0 && s.distribution && s.distribution.length && !/\.qos\d$/.test(name),
  );
  return chartBox('Latency percentile distribution (ms, log scale)', (width) => {
    const xs = uniq(metrics.flatMap(([, s]) => s.distribution.map(([p]) => Math.min(p, 99.999))))
      .map(Number)
      .sort((a, b) => a - b);
    const x = xs.map((p) => 1 / (1 - p / 100));
    const data = [
      x,
      ...metrics.map(([, s]) =>
        xs.map((p) => {
          let v = null;
          for (const [q, ms] of s.distribution) if (Math.min(q, 99.999) <= p) v = ms;
          return v === null ? null : Math.max(v, 0.001);
        }),
      ),
    ];
    return {
      data,
      opts: {
        width,
        height: 280,
        scales: { x: { distr: 3, log: 10 }, y: { distr: 3, log: 10 } },
        axes: [
          {
            values: (_u, vals) => vals.map(pctLabel),
            splits: () => pctTicks.filter((t) => t <= x[x.length - 1] * 1.01),
            label: 'percentile',
          },
          { values: (_u, vals) => vals.map((v) => fmtMs(v)), size: 70 },
        ],
        series: [
          { value: (_u, v) => (v == null ? '–' : pctLabel(v)) },
          ...metrics.map(([name], i) => ({
            label: name,
            stroke: PALETTE[i % PALETTE.length],
            width: 2,
            value: (_u, v) => fmtMs(v),
            points: { show: false },
          })),
        ],
      },
    };
  });
}
const LATENCY_ORDER = [
  'deliver.intended',
  'deliver.actual',
  'puback',
  'pubcomp',
  'sendLag',
  'connack',
  'suback',
];
function orderedLatency(lat) {
  const rank = (n) => {
    const i = LATENCY_ORDER.indexOf(n.replace(/\.qos\d$/, ''));
    return (i < 0 ? LATENCY_ORDER.length : i) * 10 + (/\.qos\d$/.test(n) ? 1 + Number(n.slice(-1)) : 0);
  };
  return Object.entries(lat).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}
function hasLatencySeries(r) {
  return ['p50', 'p99', 'max'].some(
    (k) => Array.isArray(r.series[k]) && r.series[k].some((v) => typeof v === 'number'),
  );
}
function latencyOverTime(r) {
  return chartBox('Delivery latency over time (ms, deliver.intended)', (width) => {
    const s = chartSeries(r);
    const data = [s.t, s.p50, s.p99, s.max];
    return {
      data,
      phases: phaseBoundaries(r),
      opts: {
        width,
        height: 240,
        scales: { x: { time: false } },
        axes: [{ label: 'seconds' }, { values: (_u, vals) => vals.map((v) => fmtMs(v)), size: 70 }],
        series: [
          { label: 's' },
          { label: 'p50', stroke: PALETTE[2], width: 2 },
          { label: 'p99', stroke: PALETTE[1], width: 2 },
          { label: 'max', stroke: '#adb5bd', width: 1, dash: [4, 4] },
        ],
      },
    };
  });
}
function throughputOverTime(r) {
  return chartBox('Throughput over time (messages/s) and connected clients', (width) => {
    const s = chartSeries(r);
    const data = [s.t, s.sent, s.acked, s.delivered, s.errors, s.connected];
    return {
      data,
      phases: phaseBoundaries(r),
      opts: {
        width,
        height: 240,
        scales: { x: { time: false }, c: {} },
        axes: [{ label: 'seconds' }, { size: 60 }, { scale: 'c', side: 1, grid: { show: false }, size: 50 }],
        series: [
          { label: 's' },
          { label: 'sent', stroke: PALETTE[0], width: 2 },
          { label: 'acked', stroke: PALETTE[4], width: 1.5 },
          { label: 'delivered', stroke: PALETTE[2], width: 2 },
          { label: 'errors', stroke: '#d92d20', width: 1.5 },
          { label: 'connected', stroke: '#adb5bd', scale: 'c', width: 1.5, dash: [5, 4] },
        ],
      },
    };
  });
}
function simpleTable(head, rows, numFrom = 1) {
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
          head.map((t, i) => h('th', { class: i >= numFrom ? 'num' : '', text: t })),
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
              v instanceof Node
                ? h('td', { class: i >= numFrom ? 'num' : '' }, v)
                : h('td', { class: i >= numFrom ? 'num' : '', text: v }),
            ),
          ),
        ),
      ),
    ),
  );
}
function latencyTable(lat) {
  return simpleTable(
    ['metric', 'count', 'min', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'],
    orderedLatency(lat).map(([n, s]) => [
      n,
      fmtNum(s.count),
      fmtMs(s.min),
      fmtMs(s.p50),
      fmtMs(s.p90),
      fmtMs(s.p99),
      fmtMs(s.p999),
      fmtMs(s.max),
      fmtMs(s.mean),
    ]),
  );
}
function renderLoad(sec) {
  for (const r of loads) {
    const secs = Math.max(r.durationMs / 1000, 1e-9);
    const sent = r.series.sent.reduce((a, b) => a + b, 0);
    sec.append(
      h(
        'h2',
        {},
        `${r.id} `,
        h('span', {
          class: 'muted',
          text: `${r.title || ''} · broker ${r.broker} · ${(r.durationMs / 1000).toFixed(1)} s · ${r.startedAt}`,
        }),
      ),
    );
    if (r.generator.saturated)
      sec.append(
        h('div', {
          class: 'warn',
          text: 'The load generator was saturated (CPU or event-loop lag): latency figures may reflect the generator, not the broker. Use more workers or shards.',
        }),
      );
    const d = r.latency['deliver.intended'];
    sec.append(
      h(
        'div',
        { class: 'card' },
        h(
          'div',
          { class: 'stats' },
          [
            ['p50 deliver', fmtMs(d?.p50)],
            ['p99 deliver', fmtMs(d?.p99)],
            ['p99.9 deliver', fmtMs(d?.p999)],
            ['sent', fmtRate(sent / secs)],
            ['delivered', fmtRate(r.ledger.delivered / secs)],
            ['delivered ratio', fmtPct(r.ledger.deliveredRatio)],
          ].map(([l, v]) =>
            h(
              'div',
              { class: 'stat' },
              h('span', { class: 'big', text: v }),
              h('span', { class: 'label', text: l }),
            ),
          ),
        ),
      ),
    );
    sec.append(
      h(
        'div',
        { class: 'charts' },
        percentileChart(r),
        hasLatencySeries(r) ? latencyOverTime(r) : null,
        throughputOverTime(r),
      ),
    );
    // No caption (no phases, faults or left-out seconds) adds nothing: append(null) would add the text "null".
    const caption = seriesCaption(r, chartSeries(r));
    if (caption) sec.append(caption);
    sec.append(h('h3', { text: 'Latency' }), latencyTable(r.latency));
    if (r.thresholds.length) {
      sec.append(
        h('h3', { text: 'Thresholds' }),
        simpleTable(
          ['result', 'threshold', 'actual', 'limit'],
          r.thresholds.map((t) => [
            h('span', { class: t.passed ? 'ok-t' : 'bad-t', text: t.passed ? '✓ pass' : '✗ fail' }),
            t.expression,
            t.actual === null ? 'no data' : `${fmtNum(t.actual)} ${t.unit}`,
            `${fmtNum(t.limit)} ${t.unit}`,
          ]),
          2,
        ),
      );
    }
    sec.append(
      h('h3', { text: 'Groups' }),
      simpleTable(
        [
          'group',
          'role',
          'qos',
          'clients',
          'connected',
          'connect failures',
          'sent',
          'acked',
          'delivered',
          'p99 latency',
        ],
        r.groups.map((g) => {
          const l = g.latency['deliver.intended'] || g.latency.puback || Object.values(g.latency)[0];
          return [
            g.name,
            g.role,
            String(g.qos),
            fmtNum(g.clients),
            fmtNum(g.connected),
            fmtNum(g.connectFailures),
            fmtNum(g.sent),
            fmtNum(g.acked),
            fmtNum(g.delivered),
            fmtMs(l?.p99),
          ];
        }),
        2,
      ),
    );
    for (const g of r.groups)
      if (Object.keys(g.latency).length)
        sec.append(h('div', { class: 'muted', text: `group ${g.name} latency` }), latencyTable(g.latency));
    const L = r.ledger;
    sec.append(
      h('h3', { text: 'Delivery ledger' }),
      simpleTable(
        ['qos', 'expected', 'delivered', 'lost', 'duplicated', 'out of order'],
        [
          ...Object.entries(L.byQos).map(([q, x]) => [
            `QoS ${q}`,
            fmtNum(x.expected),
            fmtNum(x.delivered),
            fmtNum(x.lost),
            fmtNum(x.duplicated),
            fmtNum(x.outOfOrder),
          ]),
          [
            'total',
            fmtNum(L.expected),
            fmtNum(L.delivered),
            fmtNum(L.lost),
            fmtNum(L.duplicated),
            fmtNum(L.outOfOrder),
          ],
        ],
      ),
    );
    if (L.pairs.length)
      sec.append(
        h('div', { class: 'muted', text: 'worst publisher → subscriber pairs' }),
        simpleTable(
          ['publisher', 'subscriber', 'qos', 'expected', 'delivered', 'lost', 'duplicated', 'out of order'],
          L.pairs.map((p) => [
            p.publisher,
            p.subscriber,
            String(p.qos),
            fmtNum(p.expected),
            fmtNum(p.delivered),
            fmtNum(p.lost),
            fmtNum(p.duplicated),
            fmtNum(p.outOfOrder),
          ]),
          2,
        ),
      );
    const G = r.generator;
    sec.append(
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
          h('dd', {
            text: `p50 ${fmtMs(G.eventLoopLagMs.p50)}, p99 ${fmtMs(G.eventLoopLagMs.p99)}, max ${fmtMs(G.eventLoopLagMs.max)}`,
          }),
          h('dt', { text: 'send lag' }),
          h('dd', {
            text: `p50 ${fmtMs(G.sendLagMs.p50)}, p99 ${fmtMs(G.sendLagMs.p99)}, max ${fmtMs(G.sendLagMs.max)}`,
          }),
          h('dt', { text: 'saturated' }),
          h('dd', { class: G.saturated ? 'bad-t' : 'ok-t', text: G.saturated ? 'yes' : 'no' }),
        ),
        G.warnings.map((w) => h('div', { class: 'warn', text: w })),
      ),
    );
  }
}
