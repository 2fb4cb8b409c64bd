// Console reporter: progress while cases end (one updating line on a TTY, outcome marks otherwise),
// then every failure with its statements, expected vs actual and the transcript tail, a summary line
// of counts per outcome per broker, and the load summary tables.

import { emptyCounts, summarize } from '../results/document.ts';
import type { LoadProgress } from '../results/events.ts';
import { gates, isExpected } from '../results/grade.ts';
import type { CaseResult, Outcome, OutcomeCounts, ResultsDocument } from '../results/model.ts';
import { defaultColor, makeStyle, type Style } from './ansi.ts';
import { capabilityLine, notApplicableGroups, someIds, variationEntries } from './detected.ts';
import { describeEntry, fmtValue, OUTCOMES } from './format.ts';
import { LoadProgressLines, loadSummaryLines } from './load-text.ts';
import type { Reporter, ReporterOptions } from './reporter.ts';

const MARK: Record<Outcome, string> = {
  pass: '.',
  fail: 'F',
  'non-strict': 'N',
  informational: 'I',
  'not-applicable': '-',
  error: 'E',
};
const TRANSCRIPT_TAIL = 8;
const NON_TTY_PROGRESS_EVERY_MS = 5000;

export function countsLine(c: OutcomeCounts, st: Style): string {
  const parts = OUTCOMES.filter((o) => c[o] > 0 || o === 'pass' || o === 'fail').map((o) =>
    st.outcome(o, `${c[o]} ${o}`),
  );
  return `${parts.join(', ')} (${c.total} total)`;
}

/** "attempts: pass, fail, pass (flaky: the worst attempt is the outcome)" */
export function attemptsText(c: CaseResult): string {
  const a = c.attempts ?? [];
  const bad = a.filter((o) => o !== 'pass').length;
  return c.flaky
    ? `attempts: ${a.join(', ')} (flaky: ${bad} of ${a.length} did not pass; the outcome is the worst attempt's)`
    : `attempts: ${a.join(', ')}`;
}

/** "new (not in the baseline)" / "worse than the baseline (fail, file:line)" / "expected (baseline file:line)". */
export function baselineText(c: CaseResult): string {
  const b = c.baseline;
  if (!b) return '';
  const at = b.entry ? `${b.entry.outcome}, ${b.entry.source}` : '';
  if (b.status === 'new') return 'new: not in the baseline';
  if (b.status === 'worse') return `worse than the baseline (${at})`;
  if (b.status === 'better') return `better than the baseline (${at}); tighten it`;
  if (b.status === 'flaky') return `flaky per the baseline (${at})`;
  return `expected by the baseline (${at})`;
}

function baselineTag(c: CaseResult): string {
  const b = c.baseline;
  if (!b) return '';
  return b.status === 'new' || b.status === 'worse' ? b.status.toUpperCase() : '';
}

/** Lines describing one failing (or erroring / non-strict) case. */
export function failureLines(c: CaseResult, st: Style, tail = TRANSCRIPT_TAIL): string[] {
  const lines: string[] = [];
  const tags = [c.flaky ? st.yellow('FLAKY') : '', baselineTag(c)].filter(Boolean).join(' ');
  lines.push(
    `${st.outcome(c.outcome, c.outcome.toUpperCase())}${tags ? ` ${tags}` : ''} ${st.bold(c.id)} ${st.dim(`[${c.broker}, MQTT ${c.version}, ${c.level}]`)}`,
  );
  lines.push(`  ${c.title}`);
  if (c.attempts && c.attempts.length > 1) lines.push(`  ${attemptsText(c)}`);
  if (c.statements.length > 0) lines.push(`  statements: ${c.statements.join(', ')}`);
  if (c.source) lines.push(st.dim(`  case: ${c.source.file}:${c.source.line}`));
  if (c.baseline) lines.push(`  baseline: ${baselineText(c)}`);
  if (c.reason) lines.push(`  reason: ${c.reason}`);
  const f = c.failure;
  if (f) {
    lines.push(`  at step ${f.stepIndex + 1}: ${f.step}${f.statement ? ` (${f.statement})` : ''}`);
    if (f.message && f.message !== c.reason) lines.push(`  ${f.message}`);
    if (f.expected !== undefined) lines.push(`  expected: ${st.green(fmtValue(f.expected))}`);
    if (f.actual !== undefined) lines.push(`  actual:   ${st.red(fmtValue(f.actual))}`);
    if (f.source) lines.push(st.dim(`  step: ${f.source.file}:${f.source.line}`));
  }
  for (const x of c.findings ?? []) lines.push(`  finding ${x.statement} (${x.severity}): ${x.message}`);
  if (c.transcript.length > 0) {
    const shown = c.transcript.slice(-tail);
    const skipped = c.transcript.length - shown.length;
    lines.push(
      st.dim(`  transcript${skipped > 0 ? ` (last ${shown.length} of ${c.transcript.length})` : ''}:`),
    );
    for (const e of shown) lines.push(`  ${describeEntry(e)}`);
  }
  return lines;
}

export class ConsoleReporter implements Reporter {
  readonly name = 'console';
  private readonly out: NodeJS.WritableStream;
  private readonly st: Style;
  private readonly tty: boolean;
  private total = 0;
  private done = 0;
  private readonly counts = emptyCounts();
  private marks = 0;
  private lineOpen = false;
  private progress: LoadProgressLines | undefined;

  constructor(opts: Pick<ReporterOptions, 'out' | 'color'> = {}) {
    this.out = opts.out ?? process.stdout;
    this.tty = Boolean((this.out as { isTTY?: boolean }).isTTY);
    this.st = makeStyle(opts.color ?? defaultColor(this.out));
  }

  private write(s: string): void {
    this.out.write(s);
  }

  private closeLine(): void {
    if (this.lineOpen) {
      this.write(this.tty ? '\r\x1b[K' : '\n');
      this.lineOpen = false;
      this.marks = 0;
    }
  }

  onBegin(info: { command: string; total: number }): void {
    this.total = info.total;
    this.write(`${this.st.bold('crucible')} ${info.command}: ${info.total} case(s)\n`);
  }

  onCaseEnd(r: CaseResult): void {
    this.done += 1;
    this.counts[r.outcome] += 1;
    this.counts.total += 1;
    if (this.tty) {
      const of = this.total > 0 ? `/${this.total}` : '';
      const line = `[${this.done}${of}] ${countsLine(this.counts, this.st)}  ${this.st.dim(r.id)}`;
      this.write(`\r\x1b[K${line}`);
      this.lineOpen = true;
      return;
    }
    this.write(this.st.outcome(r.outcome, MARK[r.outcome]));
    this.lineOpen = true;
    this.marks += 1;
    if (this.marks >= 60) {
      const of = this.total > 0 ? `/${this.total}` : '';
      this.write(` ${this.done}${of}\n`);
      this.marks = 0;
      this.lineOpen = false;
    }
  }

  onLoadProgress(p: LoadProgress): void {
    this.progress ??= new LoadProgressLines(this.tty, this.st, NON_TTY_PROGRESS_EVERY_MS);
    const line = this.progress.next(p);
    if (line === undefined) return;
    if (this.tty) {
      this.write(`\r\x1b[K${line}`);
      this.lineOpen = true;
      return;
    }
    this.closeLine();
    this.write(`${line}\n`);
  }

  async onEnd(doc: ResultsDocument): Promise<string[]> {
    this.closeLine();
    this.write(renderConsoleSummary(doc, this.st).join('\n'));
    this.write('\n');
    return [];
  }
}

/** Detected capabilities per broker, not-applicable reasons (grouped) and allowed variations. */
function detectedLines(doc: ResultsDocument, cases: CaseResult[], st: Style): string[] {
  const lines: string[] = [];
  for (const b of doc.brokers)
    if (b.capabilities) lines.push('', `${st.bold(`Detected (${b.label}):`)} ${capabilityLine(b)}`);
  const na = notApplicableGroups(cases);
  if (na.length > 0) {
    const n = na.reduce((s, g) => s + g.ids.length, 0);
    lines.push('', st.bold(`Not applicable (${n}):`));
    for (const g of na)
      lines.push(
        `  ${st.dim(`${g.ids.length} x`)} ${g.reason} ${st.dim(`[${g.broker}: ${someIds(g.ids)}]`)}`,
      );
  }
  const vars = variationEntries(cases);
  if (vars.length > 0) {
    lines.push('', st.bold(`Allowed variations (${vars.length} case(s), not failures):`));
    for (const { c, notes } of vars.slice(0, 20)) lines.push(`  ${c.id} [${c.broker}]: ${notes.join('; ')}`);
    if (vars.length > 20) lines.push(`  ... and ${vars.length - 20} more`);
  }
  return lines;
}

/** The end-of-run text: failures, per-broker counts, load tables. Also used by `start` and `report`. */
export function renderConsoleSummary(doc: ResultsDocument, st: Style = makeStyle(false)): string[] {
  const lines: string[] = [];
  const cases = [...(doc.conformance?.cases ?? []), ...(doc.scenarios ?? [])];
  // The same judgement as the exit code (grade.ts): what gates in full, what the baseline expects one line each.
  const bad = cases.filter(gates);
  const known = cases.filter(isExpected);
  const nonStrict = cases.filter((c) => c.outcome === 'non-strict' && !gates(c) && !isExpected(c));
  if (bad.length > 0) {
    lines.push('', st.bold(`Failures (${bad.length}):`));
    for (const c of bad) lines.push('', ...failureLines(c, st));
  }
  if (known.length > 0) {
    lines.push('', st.bold(`Expected by the baseline (${known.length}, not failures):`));
    for (const c of known) {
      const why = c.baseline?.entry?.why ?? '';
      lines.push(
        `  ${st.dim(c.outcome)} ${c.id} [${c.broker}, MQTT ${c.version}]${c.flaky || c.baseline?.status === 'flaky' ? ' flaky' : ''}${why ? ` — ${why}` : ''}`,
      );
    }
  }
  const better = cases.filter((c) => c.baseline?.status === 'better' && !isExpected(c));
  if (better.length > 0) {
    lines.push('', st.bold(`Better than the baseline (${better.length}, tighten it):`));
    for (const c of better)
      lines.push(`  ${st.green(c.outcome)} ${c.id} [${c.broker}, MQTT ${c.version}] ${baselineText(c)}`);
  }
  const flakyPassing = cases.filter((c) => c.flaky && !gates(c) && !isExpected(c));
  if (flakyPassing.length > 0) {
    lines.push('', st.bold(`Flaky (${flakyPassing.length}):`));
    for (const c of flakyPassing)
      lines.push(`  ${st.yellow(c.id)} [${c.broker}, MQTT ${c.version}] ${attemptsText(c)}`);
  }
  if (nonStrict.length > 0) {
    lines.push('', st.bold(`Non-strict (SHOULD not met, ${nonStrict.length}):`));
    for (const c of nonStrict) {
      const why = c.reason ?? c.failure?.message ?? '';
      lines.push(`  ${st.yellow(c.id)} [${c.broker}] ${c.statements.join(', ')}${why ? ` — ${why}` : ''}`);
    }
  }
  lines.push(...detectedLines(doc, cases, st));
  if (cases.length > 0) {
    lines.push('');
    const by = summarize(cases);
    for (const [broker, c] of Object.entries(by)) {
      const mine = cases.filter((x) => x.broker === broker);
      const extra = [
        mine.filter(isExpected).length ? `${mine.filter(isExpected).length} expected by the baseline` : '',
        mine.filter((x) => x.flaky).length ? `${mine.filter((x) => x.flaky).length} flaky` : '',
      ].filter(Boolean);
      lines.push(`${st.bold(broker)}: ${countsLine(c, st)}${extra.length ? `; ${extra.join(', ')}` : ''}`);
    }
  }
  for (const r of doc.load ?? []) lines.push('', ...loadSummaryLines(r, st));
  return lines;
}
