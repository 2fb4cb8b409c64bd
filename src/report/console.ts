// Console reporter: progress while cases end (one updating line on a TTY, outcome marks otherwise),
// then every failure with its statements, expected vs actual and the transcript tail, a summary line
// of counts per outcome per broker, and the load summary tables.

import { emptyCounts, summarize } from '../results/document.ts';
import type { LoadProgress } from '../results/events.ts';
import type { CaseResult, Outcome, OutcomeCounts, ResultsDocument } from '../results/model.ts';
import { defaultColor, makeStyle, type Style } from './ansi.ts';
import { capabilityLine, notApplicableGroups, someIds, variationEntries } from './detected.ts';
import { describeEntry, fmtMs, fmtValue, OUTCOMES } from './format.ts';
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

/** Lines describing one failing (or erroring / non-strict) case. */
export function failureLines(c: CaseResult, st: Style, tail = TRANSCRIPT_TAIL): string[] {
  const lines: string[] = [];
  lines.push(
    `${st.outcome(c.outcome, c.outcome.toUpperCase())} ${st.bold(c.id)} ${st.dim(`[${c.broker}, MQTT ${c.version}, ${c.level}]`)}`,
  );
  lines.push(`  ${c.title}`);
  if (c.statements.length > 0) lines.push(`  statements: ${c.statements.join(', ')}`);
  if (c.source) lines.push(st.dim(`  case: ${c.source.file}:${c.source.line}`));
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
  const bad = cases.filter((c) => c.outcome === 'fail' || c.outcome === 'error');
  const nonStrict = cases.filter((c) => c.outcome === 'non-strict');
  if (bad.length > 0) {
    lines.push('', st.bold(`Failures (${bad.length}):`));
    for (const c of bad) lines.push('', ...failureLines(c, st));
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
    for (const [broker, c] of Object.entries(by)) lines.push(`${st.bold(broker)}: ${countsLine(c, st)}`);
  }
  for (const r of doc.load ?? []) lines.push('', ...loadSummaryLines(r, st));
  return lines;
}
