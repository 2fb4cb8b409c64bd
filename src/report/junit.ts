// JUnit XML reporter: <testsuites> > <testsuite> per (broker, version, area), one <testcase> per case
// (classname "<broker>.<version>.<area>", name = case id), statement ids and level as <properties>;
// fail -> <failure> with expected/actual and the transcript tail; error -> <error>; not-applicable ->
// <skipped> with the reason; non-strict / informational pass with a <system-out> note. Load thresholds
// become testcases of a "<broker>.load.<profile>" suite. Shape accepted by Jenkins, GitLab, GitHub
// test-report actions, Azure DevOps and CircleCI.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gates, isFailing } from '../results/grade.ts';
import type { CaseResult, LoadResult, ResultsDocument } from '../results/model.ts';
import { makeStyle } from './ansi.ts';
import { attemptsText, baselineText, failureLines } from './console.ts';
import { fmtNum } from './format.ts';
import type { Reporter } from './reporter.ts';
import { allCases } from './verdict.ts';
import { attrs, xmlEscape } from './xml.ts';

export const JUNIT_FILE = 'junit.xml';

interface Suite {
  name: string;
  cases: string[];
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
  timestamp: string;
  properties: Record<string, string>;
}

function newSuite(name: string, time: number, timestamp: string, properties: Record<string, string>): Suite {
  return { name, cases: [], tests: 0, failures: 0, errors: 0, skipped: 0, time, timestamp, properties };
}

const secs = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

function property(name: string, value: string): string {
  return `<property${attrs({ name, value })}/>`;
}

function caseXml(
  c: CaseResult,
  classname: string,
): { xml: string; kind: 'pass' | 'failure' | 'error' | 'skipped' } {
  const props = [
    ...c.statements.map((s) => property('statement', s)),
    property('level', c.level),
    property('outcome', c.outcome),
    property('version', c.version),
  ];
  if (c.source) props.push(property('source', `${c.source.file}:${c.source.line}`));
  if (c.flaky) props.push(property('flaky', 'true'));
  if (c.attempts && c.attempts.length > 1) props.push(property('attempts', c.attempts.join(',')));
  if (c.baseline) props.push(property('baseline', c.baseline.status));
  if (c.baseline?.entry) props.push(property('baseline-entry', c.baseline.entry.source));
  const head = `    <testcase${attrs({ classname, name: c.id, time: secs(c.durationMs), file: c.source?.file, line: c.source?.line })}>`;
  const body: string[] = [`      <properties>${props.join('')}</properties>`];
  let kind: 'pass' | 'failure' | 'error' | 'skipped' = 'pass';
  const detail = () => xmlEscape(failureLines(c, makeStyle(false)).join('\n'));
  const why = c.reason ?? c.failure?.message ?? c.outcome;
  // The same judgement as the exit code (grade.ts `gates`): a flaky case says so in its message; a deviation
  // the baseline accepts is <skipped type="expected"> (as xfail is), never a <failure>.
  const message = c.flaky ? `flaky (${c.attempts?.join(', ')}): ${why}` : why;
  const gating = gates(c);
  if (gating && c.outcome === 'error') {
    kind = 'error';
    body.push(`      <error${attrs({ message, type: 'harness-error' })}>${detail()}</error>`);
  } else if (gating && c.outcome === 'fail') {
    kind = 'failure';
    body.push(
      `      <failure${attrs({ message, type: c.failure?.statement ?? c.statements[0] ?? 'conformance' })}>${detail()}</failure>`,
    );
  } else if (gating) {
    kind = 'failure';
    body.push(
      `      <failure${attrs({ message: `${c.outcome}, ${baselineText(c)}: ${message}`, type: 'baseline' })}>${detail()}</failure>`,
    );
  } else if (isFailing(c.outcome)) {
    kind = 'skipped';
    body.push(
      `      <skipped${attrs({ message: `${c.outcome}, ${baselineText(c)}: ${c.baseline?.entry?.why ?? message}`, type: 'expected' })}/>`,
      `      <system-out>${detail()}</system-out>`,
    );
  } else if (c.outcome === 'not-applicable') {
    kind = 'skipped';
    body.push(`      <skipped${attrs({ message: c.reason ?? 'not applicable to this broker' })}/>`);
  } else if (c.outcome === 'non-strict' || c.outcome === 'informational') {
    const what =
      c.outcome === 'non-strict' ? 'SHOULD not met (non-strict)' : 'MAY behaviour differs (informational)';
    const note = c.baseline ? `; ${baselineText(c)}` : '';
    body.push(`      <system-out>${xmlEscape(`${what}${note}\n`)}${detail()}</system-out>`);
  } else if (c.flaky) {
    body.push(`      <system-out>${xmlEscape(attemptsText(c))}</system-out>`);
  }
  return { xml: [head, ...body, '    </testcase>'].join('\n'), kind };
}

function thresholdSuite(r: LoadResult): Suite {
  const name = `${r.broker}.load.${r.id}`;
  const suite = newSuite(name, r.durationMs, r.startedAt, { broker: r.broker, profile: r.id });
  for (const t of r.thresholds) {
    suite.tests++;
    const actual = t.actual === null ? 'no data' : `${fmtNum(t.actual)}${t.unit}`;
    const lines = [
      `    <testcase${attrs({ classname: name, name: t.expression, time: secs(r.durationMs) })}>`,
    ];
    lines.push(
      `      <properties>${property('metric', t.metric)}${property('limit', `${t.limit}${t.unit}`)}</properties>`,
    );
    if (!t.passed) {
      suite.failures++;
      const msg = `threshold failed: ${t.expression} (actual ${actual})`;
      lines.push(
        `      <failure${attrs({ message: msg, type: 'threshold' })}>${xmlEscape(`expected: ${t.expression}\nactual:   ${t.metric} = ${actual}`)}</failure>`,
      );
    } else {
      lines.push(`      <system-out>${xmlEscape(`${t.metric} = ${actual}`)}</system-out>`);
    }
    if (r.generator.saturated) {
      lines.push(
        `      <system-err>${xmlEscape('load generator saturated: figures may reflect the generator, not the broker')}</system-err>`,
      );
    }
    lines.push('    </testcase>');
    suite.cases.push(lines.join('\n'));
  }
  return suite;
}

/** An interrupted run is one erroring testcase, so a CI test view never shows partial results as green. */
function interruptedSuite(doc: ResultsDocument): Suite {
  const i = doc.run.interrupted as NonNullable<ResultsDocument['run']['interrupted']>;
  const message = `run interrupted by ${i.signal} at ${i.at}: results cover only what finished before it`;
  const xml = [
    `    <testcase${attrs({ classname: 'crucible.run', name: 'interrupted', time: '0.000' })}>`,
    `      <properties>${property('signal', i.signal)}${property('at', i.at)}</properties>`,
    `      <error${attrs({ message, type: 'interrupted' })}>${xmlEscape(message)}</error>`,
    '    </testcase>',
  ].join('\n');
  return {
    name: 'crucible.run',
    cases: [xml],
    tests: 1,
    failures: 0,
    errors: 1,
    skipped: 0,
    time: 0,
    timestamp: i.at,
    properties: { command: doc.run.command, interrupted: i.signal },
  };
}

export function renderJunit(doc: ResultsDocument): string {
  const suites = new Map<string, Suite>();
  const urls = new Map(doc.brokers.map((b) => [b.label, b.url]));
  for (const c of allCases(doc)) {
    const name = `${c.broker}.${c.version}.${c.area}`;
    let s = suites.get(name);
    if (!s) {
      s = newSuite(name, 0, doc.run.startedAt, {});
      s.properties = { broker: c.broker, version: c.version, area: c.area };
      const url = urls.get(c.broker);
      if (url) s.properties.url = url;
      suites.set(name, s);
    }
    const { xml, kind } = caseXml(c, name);
    s.cases.push(xml);
    s.tests++;
    s.time += c.durationMs;
    if (kind === 'failure') s.failures++;
    else if (kind === 'error') s.errors++;
    else if (kind === 'skipped') s.skipped++;
  }
  for (const r of doc.load ?? []) {
    if (r.thresholds.length > 0) suites.set(`load:${r.broker}:${r.id}`, thresholdSuite(r));
  }
  if (doc.run.interrupted) suites.set('run:interrupted', interruptedSuite(doc));
  const all = [...suites.values()];
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped' | 'time') => all.reduce((a, s) => a + s[k], 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites${attrs({ name: `mqtt-crucible ${doc.run.command}`, tests: sum('tests'), failures: sum('failures'), errors: sum('errors'), skipped: sum('skipped'), time: secs(sum('time')), timestamp: doc.run.startedAt })}>`,
  );
  all.forEach((s, i) => {
    const ts = s.timestamp.replace(/\.\d+Z$|Z$/, '');
    out.push(
      `  <testsuite${attrs({ name: s.name, id: i, package: s.name, tests: s.tests, failures: s.failures, errors: s.errors, skipped: s.skipped, time: secs(s.time), timestamp: ts, hostname: doc.run.host.hostname })}>`,
    );
    out.push(
      `    <properties>${Object.entries(s.properties)
        .map(([k, v]) => property(k, v))
        .join('')}</properties>`,
    );
    out.push(...s.cases);
    out.push('  </testsuite>');
  });
  out.push('</testsuites>', '');
  return out.join('\n');
}

export class JunitReporter implements Reporter {
  readonly name = 'junit';
  constructor(private readonly outDir: string) {}

  async onEnd(doc: ResultsDocument): Promise<string[]> {
    await mkdir(this.outDir, { recursive: true });
    const file = join(this.outDir, JUNIT_FILE);
    await writeFile(file, renderJunit(doc), 'utf8');
    return [file];
  }
}
