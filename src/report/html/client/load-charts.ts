// Load charts with uPlot (inlined in the page as a global): the percentile distribution, and latency and
// throughput over time with phase and fault marks. A chart is drawn when its tab first shows (it needs a width).
import type UPlot from 'uplot';
import type { HistogramSummary, LoadResult } from '../../../results/model.ts';
import { fmtMs, HTML } from '../../format.ts';
import { uniq } from './data.ts';
import { h } from './dom.ts';
import { type ChartSeries, chartSeries, type PhaseMark, phaseBoundaries } from './load-series.ts';

declare const uPlot: typeof UPlot;

interface ChartSpec {
  opts: UPlot.Options;
  data: UPlot.AlignedData;
  phases?: PhaseMark[];
}

/** The charts drawn so far (window.__crucible.charts: what the browser tests look at). */
export const charts: Array<{
  title: string;
  points: number;
  series: number;
  data: UPlot.AlignedData;
  phases: PhaseMark[];
  plot: UPlot;
}> = [];

const PALETTE = ['#3b5bdb', '#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#f59f00', '#d6336c'];
const pending: Array<{ box: HTMLDivElement; make: (width: number) => ChartSpec }> = [];
const ms = (v: number | null) => fmtMs(v, HTML);

function chartBox(title: string, make: (width: number) => ChartSpec): HTMLDivElement {
  const box = h('div', { class: 'chart' }, h('h4', { text: title }));
  pending.push({ box, make });
  return box;
}

/** Draws the charts waiting for their tab to show. */
export function drawCharts(): void {
  for (let next = pending.shift(); next; next = pending.shift()) {
    const { box, make } = next;
    const width = Math.max(320, box.clientWidth - 20);
    const { opts, data, phases } = make(width);
    const plugins = phases?.length ? [phaseLines(phases)] : [];
    const plot = new uPlot({ legend: { live: false }, plugins, ...opts }, data, box);
    charts.push({
      title: box.firstChild?.textContent ?? '',
      points: data[0].length,
      series: data.length - 1,
      data,
      phases: phases || [],
      plot,
    });
  }
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

/** Latency metrics in a fixed order (delivery first), each metric's per-QoS variants after it. */
export function orderedLatency(lat: Record<string, HistogramSummary>): Array<[string, HistogramSummary]> {
  const rank = (n: string) => {
    const i = LATENCY_ORDER.indexOf(n.replace(/\.qos\d$/, ''));
    return (i < 0 ? LATENCY_ORDER.length : i) * 10 + (/\.qos\d$/.test(n) ? 1 + Number(n.slice(-1)) : 0);
  };
  return Object.entries(lat).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

const pctTicks = [1, 10, 100, 1000, 10000, 100000];
const pctLabel = (x: number) => {
  const p = 100 * (1 - 1 / x);
  return p <= 0 ? '0%' : `${Number(p.toFixed(4))}%`;
};

/** Per percentile (x: 1/(1-p), log scale), each metric's latency at or below it. */
function percentileData(metrics: Array<[string, HistogramSummary]>): {
  x: number[];
  data: UPlot.AlignedData;
} {
  const xs = uniq(metrics.flatMap(([, s]) => s.distribution.map(([p]) => Math.min(p, 99.999))))
    .map(Number)
    .sort((a, b) => a - b);
  const x = xs.map((p) => 1 / (1 - p / 100));
  const lines = metrics.map(([, s]) =>
    xs.map((p) => {
      let v: number | null = null;
      for (const [q, at] of s.distribution) if (Math.min(q, 99.999) <= p) v = at;
      return v === null ? null : Math.max(v, 0.001);
    }),
  );
  return { x, data: [x, ...lines] };
}

export function percentileChart(r: LoadResult): HTMLDivElement {
  // Per-QoS variants stay in the tables; the chart shows one line per metric.
  const metrics = orderedLatency(r.latency).filter(
    ([name, s]) => s.count > 0 && s.distribution && s.distribution.length && !/\.qos\d$/.test(name),
  );
  return chartBox('Latency percentile distribution (ms, log scale)', (width) => {
    const { x, data } = percentileData(metrics);
    return {
      data,
      opts: {
        width,
        height: 280,
        scales: { x: { distr: 3, log: 10 }, y: { distr: 3, log: 10 } },
        axes: [
          {
            values: (_u, vals) => vals.map(pctLabel),
            splits: () => pctTicks.filter((t) => t <= (x[x.length - 1] as number) * 1.01),
            label: 'percentile',
          },
          { values: (_u, vals) => vals.map((v) => ms(v)), size: 70 },
        ],
        series: [
          { value: (_u, v) => (v == null ? '–' : pctLabel(v)) },
          ...metrics.map(([name], i) => ({
            label: name,
            stroke: PALETTE[i % PALETTE.length] as string,
            width: 2,
            value: (_u: UPlot, v: number | null) => ms(v),
            points: { show: false },
          })),
        ],
      },
    };
  });
}

/** A chart over the seconds of the publishing window, with the run's phase and fault marks. */
function overTimeChart(
  r: LoadResult,
  title: string,
  data: (s: ChartSeries) => UPlot.AlignedData,
  opts: Pick<UPlot.Options, 'axes' | 'series' | 'scales'>,
): HTMLDivElement {
  return chartBox(title, (width) => ({
    data: data(chartSeries(r)),
    phases: phaseBoundaries(r),
    opts: { width, height: 240, ...opts, scales: { x: { time: false }, ...opts.scales } },
  }));
}

export function latencyOverTime(r: LoadResult): HTMLDivElement {
  return overTimeChart(
    r,
    'Delivery latency over time (ms, deliver.intended)',
    (s) => [s.t, s.p50, s.p99, s.max],
    {
      axes: [{ label: 'seconds' }, { values: (_u, vals) => vals.map((v) => ms(v)), size: 70 }],
      series: [
        { label: 's' },
        { label: 'p50', stroke: PALETTE[2] as string, width: 2 },
        { label: 'p99', stroke: PALETTE[1] as string, width: 2 },
        { label: 'max', stroke: '#adb5bd', width: 1, dash: [4, 4] },
      ],
    },
  );
}

export function throughputOverTime(r: LoadResult): HTMLDivElement {
  return overTimeChart(
    r,
    'Throughput over time (messages/s) and connected clients',
    (s) => [s.t, s.sent, s.acked, s.delivered, s.errors, s.connected],
    {
      scales: { c: {} },
      axes: [{ label: 'seconds' }, { size: 60 }, { scale: 'c', side: 1, grid: { show: false }, size: 50 }],
      series: [
        { label: 's' },
        { label: 'sent', stroke: PALETTE[0] as string, width: 2 },
        { label: 'acked', stroke: PALETTE[4] as string, width: 1.5 },
        { label: 'delivered', stroke: PALETTE[2] as string, width: 2 },
        { label: 'errors', stroke: '#d92d20', width: 1.5 },
        { label: 'connected', stroke: '#adb5bd', scale: 'c', width: 1.5, dash: [5, 4] },
      ],
    },
  );
}

/** uPlot plugin: a dashed vertical line and the phase name at each phase start after 0; a red band for a
 *  fault that lasts. */
function phaseLines(phases: readonly PhaseMark[]): UPlot.Plugin {
  const draw = (u: UPlot) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#868e96';
    ctx.fillStyle = '#495057';
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1;
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
    for (const p of phases) {
      const x = Math.round(u.valToPos(p.at, 'x', true));
      ctx.strokeStyle = p.fault ? '#e03131' : '#868e96';
      if (p.fault && p.to !== undefined) {
        const x2 = Math.round(u.valToPos(p.to, 'x', true));
        const left = Math.max(x, u.bbox.left);
        const right = Math.min(x2, u.bbox.left + u.bbox.width);
        if (right > left) {
          ctx.fillStyle = 'rgba(224, 49, 49, 0.08)';
          ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
          ctx.fillStyle = '#495057';
        }
      }
      if (!Number.isFinite(x) || x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText(p.name, x + 4, u.bbox.top + 12 * devicePixelRatio);
    }
    ctx.restore();
  };
  return { hooks: { draw: [draw] } };
}
