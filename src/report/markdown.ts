// Markdown summary for CI job summaries ($GITHUB_STEP_SUMMARY, GitLab MR notes): headline verdict,
// counts per broker, failing cases with their statements, load table and thresholds.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summarize } from '../results/document.ts';
import { gates, isExpected } from '../results/grade.ts';
import type { CaseResult, LoadResult, ResultsDocument } from '../results/model.ts';
import { baselineText } from './console.ts';
import { capabilityPairs, notApplicableGroups, someIds, variationEntries } from './detected.ts';
import { deliveredRate, fmtMs, fmtNum, fmtPct, fmtRate, OUTCOMES } from './format.ts';
import type { Reporter } from './reporter.ts';
import { allCases, type Verdict, verdictOf } from './verdict.ts';

export const MARKDOWN_FILE = 'summary.md';
const MAX_FAILURE_ROWS = 50;

/** Escapes text for a Markdown table cell. */
export function mdCell(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/`/g, "'");
}

/** Inline code in a table cell (no HTML escaping inside code spans). */
export function mdCode(s: string): string {
  return `\`${s
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/`/g, "'")}\``;
}

function tableMd(header: string[], rows: string[][], align?: string[]): string[] {
  const sep = header.map((_, i) => align?.[i] ?? '---');
  return [`| ${header.join(' | ')} |`, `| ${sep.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

const CASE_HEADER = ['broker', 'version', 'case', 'outcome', 'statements', 'reason'];

function failureRows(cases: CaseResult[], why: (c: CaseResult) => string = caseWhy): string[][] {
  return cases
    .slice(0, MAX_FAILURE_ROWS)
    .map((c) => [
      mdCell(c.broker),
      c.version,
      mdCode(c.id),
      `${c.outcome}${c.flaky ? ` (flaky: ${c.attempts?.join(', ')})` : ''}`,
      mdCell(c.statements.join(', ')),
      mdCell(why(c).slice(0, 160)),
    ]);
}

/** Detected capabilities, not-applicable reasons and allowed variations. */
function detectedMd(doc: ResultsDocument, cases: CaseResult[]): string[] {
  const out: string[] = [];
  for (const b of doc.brokers) {
    const pairs = capabilityPairs(b);
    if (pairs.length === 0) continue;
    out.push('', `#### Detected: ${mdCell(b.label)}`, '');
    out.push(
      ...tableMd(
        ['capability', 'value'],
        pairs.map(([l, v]) => [mdCell(l), mdCell(v)]),
      ),
    );
  }
  const na = notApplicableGroups(cases);
  if (na.length > 0) {
    const n = na.reduce((s, g) => s + g.ids.length, 0);
    out.push('', `<details><summary>Not applicable: ${n}</summary>`, '');
    out.push(
      ...tableMd(
        ['broker', 'cases', 'reason', 'examples'],
        na.map((g) => [mdCell(g.broker), String(g.ids.length), mdCell(g.reason), mdCell(someIds(g.ids))]),
      ),
    );
    out.push('', '</details>');
  }
  const vars = variationEntries(cases);
  if (vars.length > 0) {
    out.push('', `<details><summary>Allowed variations (not failures): ${vars.length}</summary>`, '');
    out.push(
      ...tableMd(
        ['broker', 'case', 'variation'],
        vars
          .slice(0, MAX_FAILURE_ROWS)
          .map(({ c, notes }) => [mdCell(c.broker), mdCode(c.id), mdCell(notes.join('; '))]),
      ),
    );
    out.push('', '</details>');
  }
  return out;
}

function caseWhy(c: CaseResult): string {
  const b =
    c.baseline && (c.baseline.status === 'new' || c.baseline.status === 'worse')
      ? `${baselineText(c)}; `
      : '';
  return `${b}${c.reason ?? c.failure?.message ?? ''}`;
}

export function renderMarkdown(doc: ResultsDocument, opts: { reportLink?: string } = {}): string {
  const v = verdictOf(doc);
  const out: string[] = [];
  out.push(`## ${v.ok ? '✅' : '❌'} mqtt-crucible ${doc.run.command}: ${v.headline}`, '');
  const brokers = doc.brokers.map((b) => `\`${mdCell(b.label)}\` (${mdCell(b.url)})`).join(', ');
  if (brokers) out.push(`Brokers: ${brokers}  `);
  out.push(
    `Run \`${doc.run.id}\`, ${doc.run.startedAt} on ${mdCell(doc.run.host.hostname)} (node ${doc.run.host.node})`,
  );
  const stop = doc.run.interrupted;
  if (stop)
    out.push(
      '',
      `> ⚠️ **Interrupted** by ${stop.signal} at ${stop.at}: these results cover only what finished before the signal.`,
    );
  if (opts.reportLink) out.push('', `Full report: [${opts.reportLink}](${opts.reportLink})`);
  const cases = allCases(doc);
  if (cases.length > 0) out.push(...conformanceMd(doc, v, cases));
  const loads = doc.load ?? [];
  if (loads.length > 0) out.push(...loadMd(loads));
  out.push('');
  return out.join('\n');
}

/** Counts per broker, then what gates in full, what the baseline expects, flaky and non-strict cases. */
function conformanceMd(doc: ResultsDocument, v: Verdict, cases: CaseResult[]): string[] {
  const out: string[] = [];
  out.push('', '### Conformance', '');
  const by = summarize(cases);
  // Extra columns only when a baseline or --repeat was involved: expected deviations and flaky cases.
  const extra: Array<[string, (c: CaseResult) => boolean]> = [];
  if (v.expectedCases.length > 0) extra.push(['expected', isExpected]);
  if (v.flakyCases.length > 0) extra.push(['flaky', (c) => c.flaky === true]);
  const rows = Object.entries(by).map(([b, c]) => [
    mdCell(b),
    ...OUTCOMES.map((o) => String(c[o])),
    ...extra.map(([, f]) => String(cases.filter((x) => x.broker === b && f(x)).length)),
    String(c.total),
  ]);
  out.push(
    ...tableMd(['broker', ...OUTCOMES, ...extra.map(([n]) => n), 'total'], rows, [
      '---',
      ...OUTCOMES.map(() => '---:'),
      ...extra.map(() => '---:'),
      '---:',
    ]),
  );
  if (v.expectedCases.length > 0)
    out.push(
      '',
      `_${v.expectedCases.length} of these deviations are expected by the baseline (${mdCell(doc.run.baseline?.source ?? 'baseline')}); they do not fail the run._`,
    );
  const failing = v.failingCases;
  if (failing.length > 0) {
    out.push('', `#### Failing cases (${failing.length})`, '');
    out.push(...tableMd(CASE_HEADER, failureRows(failing)));
    if (failing.length > MAX_FAILURE_ROWS)
      out.push('', `… and ${failing.length - MAX_FAILURE_ROWS} more (see the HTML report).`);
  }
  const expected = v.expectedCases;
  if (expected.length > 0) {
    out.push(
      '',
      `<details><summary>Expected by the baseline (not failures): ${expected.length}</summary>`,
      '',
    );
    out.push(
      ...tableMd(
        [...CASE_HEADER.slice(0, 5), 'baseline'],
        failureRows(expected, (c) => `${baselineText(c)}: ${c.baseline?.entry?.why ?? ''}`),
      ),
    );
    out.push('', '</details>');
  }
  const flaky = cases.filter((c) => c.flaky && !gates(c) && !isExpected(c));
  if (flaky.length > 0) {
    out.push('', `#### Flaky cases (${flaky.length})`, '');
    out.push(...tableMd(CASE_HEADER, failureRows(flaky)));
  }
  const nonStrict = cases.filter((c) => c.outcome === 'non-strict' && !gates(c) && !isExpected(c));
  if (nonStrict.length > 0) {
    out.push('', `<details><summary>Non-strict (SHOULD not met): ${nonStrict.length}</summary>`, '');
    out.push(...tableMd(CASE_HEADER, failureRows(nonStrict)));
    out.push('', '</details>');
  }
  out.push(...detectedMd(doc, cases));
  return out;
}

/** Load table, thresholds and generator warnings. */
function loadMd(loads: LoadResult[]): string[] {
  const out: string[] = [];
  out.push('', '### Load', '');
  const rows = loads.map((r) => {
    const d = r.latency['deliver.intended'];
    const sent = r.series.sent.reduce((a, b) => a + b, 0);
    return [
      mdCode(r.id),
      mdCell(r.broker),
      `${(r.durationMs / 1000).toFixed(1)}s`,
      fmtMs(d?.p50),
      fmtMs(d?.p99),
      fmtMs(d?.p999),
      fmtMs(d?.max),
      fmtRate(deliveredRate(sent, r.durationMs)),
      fmtRate(deliveredRate(r.ledger.delivered, r.durationMs)),
      fmtPct(r.ledger.deliveredRatio),
      `${fmtNum(r.ledger.lost)} / ${fmtNum(r.ledger.duplicated)} / ${fmtNum(r.ledger.outOfOrder)}`,
      r.generator.saturated ? '⚠️ saturated' : 'ok',
    ];
  });
  out.push(
    ...tableMd(
      [
        'profile',
        'broker',
        'duration',
        'p50',
        'p99',
        'p99.9',
        'max',
        'sent',
        'delivered',
        'delivered %',
        'lost / dup / ooo',
        'generator',
      ],
      rows,
    ),
    '',
    '_Latency: publish-to-deliver from the intended send time (deliver.intended)._',
  );
  const th = loads.flatMap((r) => r.thresholds.map((t) => ({ r, t })));
  if (th.length > 0) {
    out.push('', '#### Thresholds', '');
    out.push(
      ...tableMd(
        ['', 'threshold', 'actual', 'profile', 'broker'],
        th.map(({ r, t }) => [
          t.passed ? '✅' : '❌',
          mdCode(t.expression),
          t.actual === null ? 'no data' : `${fmtNum(t.actual)}${t.unit}`,
          mdCode(r.id),
          mdCell(r.broker),
        ]),
      ),
    );
  }
  for (const r of loads) {
    for (const w of r.generator.warnings) out.push('', `> ⚠️ ${mdCell(r.id)}: ${mdCell(w)}`);
  }
  return out;
}

export class MarkdownReporter implements Reporter {
  readonly name = 'markdown';
  constructor(private readonly outDir: string) {}

  async onEnd(doc: ResultsDocument): Promise<string[]> {
    await mkdir(this.outDir, { recursive: true });
    const file = join(this.outDir, MARKDOWN_FILE);
    await writeFile(file, renderMarkdown(doc, { reportLink: 'index.html' }), 'utf8');
    return [file];
  }
}
