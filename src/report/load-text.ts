// Plain-text load views for the terminal: live progress lines (one updating line on a TTY, periodic lines
// in CI logs) and the end-of-run summary (latency percentiles, throughput, ledger, thresholds, generator
// health), one block per load result.
import type { LoadProgress } from '../results/events.ts';
import type { FaultPhaseRecord, LoadResult } from '../results/model.ts';
import { type Style, table } from './ansi.ts';
import { deliveredRate, fmtMs, fmtNum, fmtPct, fmtRate, groupCells, latencyCells } from './format.ts';

/** One fault or restart phase of a run, for the summary. */
function faultPhaseLine(f: FaultPhaseRecord): string {
  const at = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const span = f.endMs > f.startMs ? `${at(f.startMs)}-${at(f.endMs)}` : `at ${at(f.startMs)}`;
  if (f.kind === 'restart') {
    const r = f.restart;
    const back = r?.backAfterMs == null ? 'not back within the wait' : `back ${fmtMs(r.backAfterMs)} after`;
    return `restart ${f.name} ${span}: exit ${r?.exitCode ?? r?.signal ?? '?'}, ${back}`;
  }
  const every = f.everyMs ? ` every ${fmtMs(f.everyMs)}` : '';
  const applied = f.applied !== undefined ? `, applied ${fmtNum(f.applied)}x` : '';
  return `fault ${f.name}: ${f.type} ${span}${every}${applied}`;
}

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
    for (const [name, h] of lat) rows.push(latencyCells(name, h));
    out.push(...table(rows).map((l, i) => (i === 0 ? st.dim(`  ${l}`) : `  ${l}`)));
  }
  if (r.groups.length > 0) {
    const rows = [['group', 'role', 'qos', 'clients', 'conn', 'fail', 'sent', 'acked', 'delivered', 'rate']];
    for (const g of r.groups) {
      const rate =
        g.role === 'subscriber'
          ? deliveredRate(g.delivered, r.durationMs)
          : deliveredRate(g.sent, r.durationMs);
      rows.push([...groupCells(g), fmtRate(rate)]);
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
  for (const g of l.guarantees ?? []) {
    if (g.expected === 0) continue;
    const line = `  QoS ${g.qos} ${g.promise}: ${g.held ? 'held' : 'BROKEN'} (expected ${fmtNum(g.expected)}, lost ${fmtNum(g.lost)}, duplicated ${fmtNum(g.duplicated)})`;
    out.push(g.held ? line : st.red(line));
  }
  for (const f of r.faultPhases ?? []) out.push(`  ${faultPhaseLine(f)}`);
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

const secs = (ms: number): string => `${Math.max(0, Math.floor(ms / 1000))}s`;

/** One progress line. `p99` is what the line reports for the interval (see LoadProgressLines). */
export function progressText(p: LoadProgress, p99Label: string): string {
  const head = `[${p.profile}]`;
  if (p.phase === 'start') return `${head} starting workers ${secs(p.elapsedMs).padStart(4)}`;
  if (p.phase === 'connect') {
    return `${head} connecting ${secs(p.elapsedMs).padStart(4)}  conn ${fmtNum(p.connected)}/${fmtNum(p.clients)}  errors ${fmtNum(p.errors)}`;
  }
  const time = `${secs(p.elapsedMs)}/${secs(p.durationMs)}`.padStart(9);
  return `${head} ${p.phase.padEnd(8)} ${time}  conn ${fmtNum(p.connected)}/${fmtNum(p.clients)}  sent ${fmtRate(p.sentPerSec)}  acked ${fmtRate(p.ackedPerSec)}  delivered ${fmtRate(p.deliveredPerSec)}  ${p99Label}  errors ${fmtNum(p.errors)}${p.saturated ? '  GENERATOR SATURATED' : ''}`;
}

/**
 * Turns the run's progress events (about one a second) into lines. On a terminal every event updates one
 * line, with the last second's p99 and the run's. In CI logs a line is printed every `everyMs` (and at
 * each phase change) and reports the WORST one-second p99 since the previous line, plus the run's, so a
 * spike between two lines is never hidden.
 */
export class LoadProgressLines {
  private worst: number | null = null;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastPhase = '';

  constructor(
    private readonly tty: boolean,
    private readonly st: Style,
    private readonly everyMs = 5000,
  ) {}

  /** The text to show for this event, or undefined when nothing is due (CI logs between lines). */
  next(p: LoadProgress): string | undefined {
    if (p.p99Ms !== null) this.worst = Math.max(this.worst ?? 0, p.p99Ms);
    const run = `run ${fmtMs(p.p99CumulativeMs)}`;
    if (this.tty) {
      this.worst = null;
      return this.paint(p, progressText(p, `p99 1s ${fmtMs(p.p99Ms)} ${run}`));
    }
    const phaseChanged = p.phase !== this.lastPhase;
    if (!phaseChanged && p.elapsedMs - this.lastAt < this.everyMs - 500) return undefined;
    const label = `p99 ${fmtMs(this.worst)} (worst second since last line), ${run}`;
    this.lastAt = p.elapsedMs;
    this.lastPhase = p.phase;
    this.worst = null;
    return this.paint(p, progressText(p, label));
  }

  private paint(p: LoadProgress, line: string): string {
    return p.saturated ? this.st.yellow(line) : line;
  }
}
