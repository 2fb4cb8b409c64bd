// Over-time series as charted: per-second buckets of the publishing window only. A last partial second (a run
// of 4.5 s, or one interrupted) is shown as a rate over the time it covers when it covers at least half a
// second, otherwise left out; the drain after the window (publishing over, a few stragglers delivered) is left
// out. Neither is drawn as a fake drop to zero. Phase boundaries come from the effective profile.
import type { LoadResult } from '../../../results/model.ts';
import { h } from './dom.ts';

/** A mark on a time chart: a profile phase's start, or a fault or restart (a band when it lasts). */
export interface PhaseMark {
  name: string;
  at: number;
  to?: number | undefined;
  fault?: boolean;
}

type Values = Array<number | null>;

export interface ChartSeries {
  t: number[];
  sent: Values;
  acked: Values;
  delivered: Values;
  errors: Values;
  connected: Values;
  p50: Values;
  p99: Values;
  max: Values;
  notes: string[];
}

export function phaseBoundaries(r: LoadResult): PhaseMark[] {
  const raw = r.profile?.phases;
  const phases = (Array.isArray(raw) && (raw as Array<Record<string, unknown>>)) || [];
  const out: PhaseMark[] = [];
  let t = 0;
  for (const p of phases) {
    out.push({ name: String(p.name || p.type || 'phase'), at: t / 1000 });
    t += Number(p.durationMs) || 0;
  }
  const profilePhases = out.length > 1 || (out[0] && out[0].at > 0) ? out : [];
  return [...profilePhases, ...faultMarks(r)];
}

/** Fault and restart phases (LoadResult.faultPhases) as marks: a line at the start, a band to the end. */
function faultMarks(r: LoadResult): PhaseMark[] {
  return (r.faultPhases || []).map((f) => ({
    name: f.kind === 'restart' ? `restart ${f.name}` : `${f.type} ${f.name}`,
    at: f.startMs / 1000,
    to: f.endMs > f.startMs ? f.endMs / 1000 : undefined,
    fault: true,
  }));
}

export function chartSeries(r: LoadResult): ChartSeries {
  const s = r.series;
  const n = s.t.length;
  const windowS = Math.max(0, r.durationMs / 1000);
  const whole = Math.min(n, Math.floor(windowS + 1e-9));
  const frac = windowS - Math.floor(windowS + 1e-9);
  const partial = whole < n && frac >= 0.5;
  const keep = whole + (partial ? 1 : 0);
  const rate = (arr: Values | undefined): Values =>
    (arr || []).slice(0, keep).map((v, i) => (i < whole || v === null ? v : Math.round(v / frac)));
  const plain = (arr: Values | undefined): Values => (arr || s.t.map(() => null)).slice(0, keep);
  const notes: string[] = [];
  if (partial)
    notes.push(`the last second covers ${frac.toFixed(1)} s: its rates are per second of that time`);
  else if (frac > 0 && whole < n)
    notes.push(`the last ${frac.toFixed(1)} s (under half a second) are not charted`);
  if (n > keep + (frac > 0 && !partial ? 1 : 0))
    notes.push('the drain after publishing ended is not charted (its deliveries are in the totals)');
  return {
    t: s.t.slice(0, keep),
    sent: rate(s.sent),
    acked: rate(s.acked),
    delivered: rate(s.delivered),
    errors: rate(s.errors),
    connected: plain(s.connected),
    p50: plain(s.p50),
    p99: plain(s.p99),
    max: plain(s.max),
    notes,
  };
}

/** The text under an over-time chart: phases and what was left out. */
export function seriesCaption(r: LoadResult, cs: ChartSeries): HTMLDivElement | null {
  const phases = phaseBoundaries(r);
  const parts: string[] = [];
  const sec = (v: number) => v.toFixed(v % 1 ? 1 : 0);
  const plain = phases.filter((p) => !p.fault);
  const faults = phases.filter((p) => p.fault);
  if (plain.length) parts.push(`phases: ${plain.map((p) => `${p.name} from ${sec(p.at)} s`).join(', ')}`);
  if (faults.length)
    parts.push(
      `faults (red): ${faults.map((p) => `${p.name} ${p.to !== undefined ? `${sec(p.at)}-${sec(p.to)} s` : `at ${sec(p.at)} s`}`).join(', ')}`,
    );
  parts.push(...cs.notes);
  return parts.length ? h('div', { class: 'muted chart-note', text: `${parts.join('; ')}.` }) : null;
}
