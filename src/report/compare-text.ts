// Text and Markdown renderings of a Comparison (crucible compare).
import { type Style, table } from './ansi.ts';
import type { Incomparable } from './comparable.ts';
import type { Comparison, MetricChange } from './compare.ts';
import { fmtMs, fmtRate } from './format.ts';
import { mdCell, mdCode } from './markdown.ts';

const fmtVal = (m: MetricChange, v: number) =>
  m.unit === 'ms' ? fmtMs(v) : m.unit === '%' ? `${Number(v.toFixed(4))}%` : fmtRate(v);
const fmtChange = (c: number) =>
  Number.isFinite(c) ? `${c >= 0 ? '+' : ''}${(c * 100).toFixed(1)}%` : 'new';

export function comparisonLines(c: Comparison, tolerance: number, st: Style): string[] {
  const out: string[] = [];
  if (c.newFailures.length) {
    out.push(st.bold(`New conformance failures (${c.newFailures.length}):`));
    const rows = [['broker', 'version', 'case', 'before', 'now', 'statements']];
    for (const f of c.newFailures)
      rows.push([
        f.broker,
        f.version,
        f.id,
        f.before ?? '(new case)',
        st.red(f.after),
        f.statements.join(', '),
      ]);
    out.push(...table(rows, 99).map((l) => `  ${l}`), '');
  } else out.push(st.green('No new conformance failures.'), '');
  if (c.fixed.length)
    out.push(
      st.green(
        `Fixed since the baseline: ${c.fixed.map((f) => `${f.id} (MQTT ${f.version}) [${f.broker}]`).join(', ')}`,
      ),
      '',
    );
  if (c.metrics.length) {
    out.push(st.bold(`Load (tolerance ${(tolerance * 100).toFixed(0)}%):`));
    const rows = [['profile', 'broker', 'metric', 'baseline', 'current', 'change', '']];
    for (const m of c.metrics) {
      rows.push([
        m.load,
        m.broker,
        m.metric,
        fmtVal(m, m.before),
        fmtVal(m, m.after),
        fmtChange(m.change),
        m.regression ? st.red('REGRESSION') : st.green('ok'),
      ]);
    }
    out.push(...table(rows, 3).map((l) => `  ${l}`), '');
  }
  for (const m of c.missingLoads)
    out.push(st.yellow(`! load result ${m} is in the baseline but not in the current results`));
  out.push(
    c.regressions
      ? st.red(st.bold(`REGRESSION: ${c.regressions} regression(s)`))
      : st.green(st.bold('OK: no regression')),
  );
  return out;
}

export function comparisonMarkdown(c: Comparison, tolerance: number): string {
  const out: string[] = [
    `## ${c.regressions ? '❌' : '✅'} mqtt-crucible compare: ${c.regressions ? `${c.regressions} regression(s)` : 'no regression'}`,
    '',
  ];
  if (c.newFailures.length) {
    out.push(
      `### New conformance failures (${c.newFailures.length})`,
      '',
      '| broker | version | case | before | now | statements |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const f of c.newFailures)
      out.push(
        `| ${mdCell(f.broker)} | ${f.version} | ${mdCode(f.id)} | ${f.before ?? '(new case)'} | ${f.after} | ${mdCell(f.statements.join(', '))} |`,
      );
    out.push('');
  }
  if (c.metrics.length) {
    out.push(
      `### Load (tolerance ${(tolerance * 100).toFixed(0)}%)`,
      '',
      '| profile | broker | metric | baseline | current | change | |',
      '| --- | --- | --- | ---: | ---: | ---: | --- |',
    );
    for (const m of c.metrics) {
      out.push(
        `| ${mdCode(m.load)} | ${mdCell(m.broker)} | ${mdCode(m.metric)} | ${fmtVal(m, m.before)} | ${fmtVal(m, m.after)} | ${fmtChange(m.change)} | ${m.regression ? '❌ regression' : '✅'} |`,
      );
    }
  }
  out.push('');
  return out.join('\n');
}

export function incomparableMarkdown(no: Incomparable, exitCode: number): string {
  return [
    `## ⛔ mqtt-crucible compare: not comparable (exit ${exitCode})`,
    '',
    mdCell(no.message),
    '',
    ...no.details.map((d) => `- ${mdCell(d)}`),
    '',
  ].join('\n');
}
