// The one function from a results document to its exit code (verdictOf), and the one for two documents
// (compareVerdictOf): a table of documents -> exit code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ResultsDocument } from '../results/model.ts';
import { checkComparable } from './comparable.ts';
import { compareDocuments, DEFAULT_COMPARE, DEFAULT_METRICS } from './compare.ts';
import { conformanceDoc, fullDoc, loadDoc, loadResult } from './test-fixtures.ts';
import { compareVerdictOf, verdictOf } from './verdict.ts';

function passingConformance(): ResultsDocument {
  const doc = conformanceDoc();
  if (doc.conformance)
    doc.conformance.cases = doc.conformance.cases.filter(
      (c) => c.outcome !== 'fail' && c.outcome !== 'error',
    );
  return doc;
}

function passingLoad(): ResultsDocument {
  const doc = loadDoc();
  for (const r of doc.load ?? []) for (const t of r.thresholds) t.passed = true;
  return doc;
}

function failingLoad(): ResultsDocument {
  const doc = passingLoad();
  (doc.load?.[0]?.thresholds[0] as { passed: boolean }).passed = false;
  return doc;
}

function interrupted(doc: ResultsDocument, signal: 'SIGINT' | 'SIGTERM'): ResultsDocument {
  doc.run.interrupted = { signal, at: '2026-01-01T10:00:30.000Z' };
  return doc;
}

describe('verdictOf: document -> exit code', () => {
  const table: Array<[string, () => ResultsDocument, number]> = [
    ['passing and non-strict, informational, not-applicable cases', passingConformance, 0],
    ['a failing case and a case error', conformanceDoc, 1],
    ['a load run within its thresholds', passingLoad, 0],
    ['a failed threshold', failingLoad, 2],
    [
      'a failing case and a failed threshold',
      () => {
        const doc = conformanceDoc();
        doc.load = failingLoad().load ?? [];
        return doc;
      },
      1,
    ],
    ['a passing run interrupted by SIGINT', () => interrupted(passingConformance(), 'SIGINT'), 130],
    ['a failing run interrupted by SIGTERM', () => interrupted(fullDoc(), 'SIGTERM'), 143],
    ['an empty document', () => ({ ...loadDoc(), load: [] }), 0],
  ];
  for (const [what, doc, code] of table) {
    test(`${what} -> ${code}`, () => assert.equal(verdictOf(doc()).exitCode, code));
  }

  test('the load results of a run alone (what crucible run reads before its document is finished)', () => {
    assert.equal(verdictOf({ run: {}, load: failingLoad().load ?? [] }).exitCode, 2);
    assert.equal(verdictOf({ run: {}, load: passingLoad().load ?? [] }).exitCode, 0);
  });
});

describe('compareVerdictOf: two documents -> exit code', () => {
  const compare = (base: ResultsDocument, cur: ResultsDocument) => {
    const no = checkComparable(base, cur);
    if (no) return compareVerdictOf({ incomparable: no });
    const opts = { ...DEFAULT_COMPARE, metrics: [...DEFAULT_METRICS] };
    return compareVerdictOf({ comparison: compareDocuments(base, cur, opts) });
  };
  const table: Array<[string, () => [ResultsDocument, ResultsDocument], number]> = [
    ['the same run twice', () => [fullDoc(), fullDoc()], 0],
    [
      'a case that passed now fails',
      () => {
        const cur = fullDoc();
        const c = cur.conformance?.cases.find((x) => x.outcome === 'pass');
        if (c) c.outcome = 'fail';
        return [fullDoc(), cur];
      },
      2,
    ],
    [
      'delivery latency four times the baseline',
      () => {
        const cur = fullDoc();
        cur.load = [loadResult({ baseUs: 3200 })];
        return [fullDoc(), cur];
      },
      2,
    ],
    [
      'cases of the baseline missing',
      () => {
        const cur = fullDoc();
        if (cur.conformance) cur.conformance.cases = cur.conformance.cases.slice(1);
        return [fullDoc(), cur];
      },
      10,
    ],
    ['a load result of the baseline missing', () => [fullDoc(), { ...fullDoc(), load: [] }], 11],
    ['the current run interrupted', () => [fullDoc(), interrupted(fullDoc(), 'SIGINT')], 12],
    [
      'the current run interrupted and cases missing: 12 first',
      () => {
        const cur = interrupted(fullDoc(), 'SIGINT');
        if (cur.conformance) cur.conformance.cases = cur.conformance.cases.slice(1);
        return [fullDoc(), cur];
      },
      12,
    ],
  ];
  for (const [what, docs, code] of table) {
    test(`${what} -> ${code}`, () => assert.equal(compare(...docs()), code));
  }
});
