// biome-ignore-all lint/correctness/noUnusedVariables: the client files share one scope (concatenated by ../index.ts)
// Over-time series as charted: per-second buckets of the publishing window only. A last partial second (a run
// of 4.5 s, or one interrupted) is shown as a rate over the time it covers when it covers at least half a
// second, otherwise left out; the drain after the window (publishing over, a few stragglers delivered) is left
// out. Neither is drawn as a fake drop to zero. Phase boundaries come from the effective profile.
// ---------------------------------------------------------------------------------------- load series
function phaseBoundaries(r) {
  const phases = (r.profile && Array.isArray(r.profile.phases) && r.profile.phases) || [];
  const out = [];
  let t = 0;
  for (const p of phases) {
    out.push({ name: p.name || p.type || 'phase', at: t / 1000 });
    t += Number(p.durationMs) || 0;
  }
  const profilePhases = out.length > 1 || (out[0] && out[0].at > 0) ? out : [];
  return [...profilePhases, ...faultMarks(r)];
}
/** Fault and restart phases (LoadResult.faultPhases) as marks: a line at the start, a band to the end. */
function faultMarks(r) {
  return (r.faultPhases || []).map((f) => ({
    name: f.kind === 'restart' ? `restart ${f.name}` : `${f.type} ${f.name}`,
    at: f.startMs / 1000,
    to: f.endMs > f.startMs ? f.endMs / 1000 : undefined,
    fault: true,
  }));
}
function chartSeries(r) {
  const s = r.series;
  const n = s.t.length;
  const windowS = Math.max(0, r.durationMs / 1000);
  const whole = Math.min(n, Math.floor(windowS + 1e-9));
  const frac = windowS - Math.floor(windowS + 1e-9);
  const partial = whole < n && frac >= 0.5;
  const keep = whole + (partial ? 1 : 0);
  const rate = (arr) =>
    (arr || []).slice(0, keep).map((v, i) => (i < whole || v === null ? v : Math.round(v / frac)));
  const plain = (arr) => (arr || s.t.map(() => null)).slice(0, keep);
  const notes = [];
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
/** uPlot plugin: a dashed vertical line and the phase name at each phase start after 0. */
function phaseLines(phases) {
  return {
    hooks: {
      draw: [
        (u) => {
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
        },
      ],
    },
  };
}
/** The text under an over-time chart: phases and what was left out. */
function seriesCaption(r, cs) {
  const phases = phaseBoundaries(r);
  const parts = [];
  const sec = (v) => v.toFixed(v % 1 ? 1 : 0);
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
