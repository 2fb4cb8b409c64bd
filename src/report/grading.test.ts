// Flaky cases and baseline verdicts are graded the same way in every view: console, summary.md, JUnit
// and the exit code (the HTML view: html/grading.integration.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { applyBaseline, loadBaseline } from '../conformance/baseline.ts';
import type { CaseResult, ResultsDocument } from '../results/model.ts';
import { makeStyle } from './ansi.ts';
import { renderConsoleSummary } from './console.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { conformanceDoc } from './test-fixtures.ts';
import { verdictOf } from './verdict.ts';

const find = (doc: ResultsDocument, pred: (c: CaseResult) => boolean): CaseResult => {
  const c = doc.conformance?.cases.find(pred);
  assert.ok(c);
  return c;
};

/** Only the reference broker's cases (no failures), plus what each test adds. */
function referenceOnly(): ResultsDocument {
  const doc = conformanceDoc();
  if (doc.conformance)
    doc.conformance.cases = doc.conformance.cases.filter(
      (c) => c.broker === 'reference' && c.outcome !== 'error',
    );
  return doc;
}

/** The <testcase> element of one case. */
function testcase(xml: string, id: string): string {
  const at = xml.indexOf(` name="${id}"`);
  assert.ok(at > 0, id);
  return xml.slice(at, xml.indexOf('</testcase>', at));
}

describe('flaky grading (--repeat)', () => {
  test('a case whose attempts differ is graded flaky everywhere; its outcome is the worst attempt', () => {
    const doc = referenceOnly();
    const flakyFail = find(doc, (c) => c.id === 'connect.basic@5.0');
    Object.assign(flakyFail, { outcome: 'fail', attempts: ['pass', 'fail', 'pass'], flaky: true });
    flakyFail.failure = { stepIndex: 2, step: 'sub expect connack', message: 'no CONNACK within 2000 ms' };
    const flakyShould = find(doc, (c) => c.outcome === 'non-strict');
    Object.assign(flakyShould, { attempts: ['pass', 'non-strict'], flaky: true });

    const v = verdictOf(doc);
    assert.equal(v.exitCode, 1, 'a MUST that failed in one attempt fails the run');
    assert.match(v.headline, /^FAIL: 1 failing case \(2 flaky\)$/);

    const text = renderConsoleSummary(doc, makeStyle(false)).join('\n');
    assert.match(text, /^FAIL FLAKY connect\.basic@5\.0 \[reference, MQTT 5\.0, must\]$/m);
    assert.match(text, /attempts: pass, fail, pass \(flaky: 1 of 3 did not pass; the outcome is the worst/);
    assert.match(text, new RegExp(`Flaky \\(1\\):\\n  ${flakyShould.id.replace(/[.@]/g, '\\$&')} `));
    assert.match(text, /reference: .*; 2 flaky/);

    const md = renderMarkdown(doc);
    assert.match(md, /^## ❌ mqtt-crucible conform: FAIL: 1 failing case \(2 flaky\)/);
    assert.match(md, /\| `connect\.basic@5\.0` \| fail \(flaky: pass, fail, pass\) \|/);
    assert.match(md, /#### Flaky cases \(1\)/);
    assert.match(
      md,
      /\| broker \| pass \| fail \| non-strict \| informational \| not-applicable \| error \| flaky \| total \|/,
    );

    const xml = renderJunit(doc);
    const tc = testcase(xml, 'connect.basic@5.0');
    assert.match(tc, /<failure message="flaky \(pass, fail, pass\): no CONNACK within 2000 ms"/);
    assert.match(
      tc,
      /<property name="flaky" value="true"\/><property name="attempts" value="pass,fail,pass"\/>/,
    );
    assert.match(
      testcase(xml, flakyShould.id),
      /<system-out>SHOULD not met[^<]*attempts: pass, non-strict|flaky/,
    );
  });
});

describe('baseline verdicts in every view', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-grading-'));
  const file = join(dir, 'b.yaml');
  writeFileSync(
    file,
    [
      '- { case: connect.reserved-flag, version: "3.1.1", outcome: fail, kind: deviation, why: "accepts the reserved flag" }',
      '- { case: connect.reserved-flag, version: "5.0", outcome: fail, kind: flaky, why: "keep alive timer is coarse" }',
      '- { case: will.abrupt, outcome: fail, kind: deviation, why: "will arrives late" }',
      '- { case: publish.qos1.order, outcome: non-strict, kind: variation, why: "reorders under load" }',
      '',
    ].join('\n'),
  );
  const { entries, problems } = loadBaseline(file);
  rmSync(dir, { recursive: true, force: true });

  function mosquitto(): ResultsDocument {
    const doc = conformanceDoc();
    if (doc.conformance)
      doc.conformance.cases = doc.conformance.cases.filter((c) => c.broker === 'mosquitto');
    return doc;
  }

  test('expected deviations are not failures: exit 0, JUnit skipped (expected), summary PASS', () => {
    assert.deepEqual(problems, []);
    const doc = mosquitto();
    const cases = doc.conformance?.cases ?? [];
    const five = find(doc, (c) => c.id === 'connect.reserved-flag@5.0');
    five.outcome = 'pass'; // a flaky entry that passed this time is "flaky", never "better"
    const cmp = applyBaseline(
      cases.map((c) => Object.assign(c, { baseId: c.id.replace(/@.*$/, '') })),
      entries,
    );
    assert.equal(cmp.better.length, 0, 'a declared-flaky entry is not reported as better');
    assert.equal(five.baseline?.status, 'flaky');
    // will.abrupt errors (worse than the entry's fail): that one still gates.
    const worse = cases.filter((c) => c.baseline?.status === 'worse').map((c) => c.id);
    assert.deepEqual(worse.sort(), ['will.abrupt@3.1.1', 'will.abrupt@5.0']);
    for (const c of cases) if (c.id.startsWith('will.abrupt')) c.outcome = 'fail';
    applyBaseline(cases, entries);

    const v = verdictOf(doc);
    assert.equal(v.exitCode, 0);
    assert.equal(v.headline, 'PASS (5 expected deviations)');
    const xml = renderJunit(doc);
    assert.match(xml, /<testsuites [^>]*failures="0" errors="0"/);
    assert.match(
      testcase(xml, 'connect.reserved-flag@3.1.1'),
      /<skipped message="fail, expected by the baseline \(fail, .*b\.yaml:1\): accepts the reserved flag" type="expected"\/>/,
    );
    const md = renderMarkdown(doc);
    assert.match(md, /^## ✅ mqtt-crucible conform: PASS \(5 expected deviations\)/);
    assert.match(md, /Expected by the baseline \(not failures\): 5/);
    assert.doesNotMatch(md, /#### Failing cases/);
    const text = renderConsoleSummary(doc, makeStyle(false)).join('\n');
    assert.match(
      text,
      /Expected by the baseline \(5, not failures\):\n {2}fail connect\.reserved-flag@3\.1\.1 /,
    );
    assert.doesNotMatch(text, /^Failures/m);
  });

  test('a case outside the baseline fails in full, known ones one line each; all views agree', () => {
    const doc = mosquitto();
    const cases = doc.conformance?.cases ?? [];
    for (const c of cases) c.baseId = c.id.replace(/@.*$/, '');
    const extra = find(doc, (c) => c.id === 'connect.basic@5.0');
    extra.outcome = 'fail';
    applyBaseline(cases, entries);
    assert.equal(extra.baseline?.status, 'new');
    const v = verdictOf(doc);
    assert.equal(v.exitCode, 1);
    const failingIds = v.failingCases.map((c) => c.id).sort();
    assert.deepEqual(failingIds, ['connect.basic@5.0', 'will.abrupt@3.1.1', 'will.abrupt@5.0']);
    const xml = renderJunit(doc);
    const failures = xml
      .split('<testcase')
      .filter((tc) => /<(failure|error) /.test(tc))
      .map((tc) => / name="([^"]+)"/.exec(tc)?.[1]);
    assert.deepEqual(failures.sort(), failingIds, 'JUnit fails exactly the gating cases');
    const text = renderConsoleSummary(doc, makeStyle(false)).join('\n');
    assert.match(text, /^FAIL NEW connect\.basic@5\.0 /m);
    assert.match(text, /baseline: new: not in the baseline/);
    assert.match(text, /^ERROR WORSE will\.abrupt@3\.1\.1 /m);
    assert.match(renderMarkdown(doc), /FAIL: 1 failing case, 2 case errors \(4 expected deviations\)/);
  });

  test('a case that was not applicable this time is neither better nor worse than its entry', () => {
    const doc = mosquitto();
    const cases = doc.conformance?.cases ?? [];
    for (const c of cases) c.baseId = c.id.replace(/@.*$/, '');
    const na = find(doc, (c) => c.id === 'connect.reserved-flag@3.1.1');
    na.outcome = 'not-applicable';
    const cmp = applyBaseline(cases, entries);
    assert.deepEqual(
      cmp.notRun.map((x) => x.result.id),
      ['connect.reserved-flag@3.1.1'],
    );
    assert.equal(cmp.better.length, 0);
    assert.equal(na.baseline, undefined);
  });
});
