import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { statementVerdicts, summarize } from '../results/document.ts';
import type { CaseResult, ResultsDocument } from '../results/model.ts';
import { decodeHistogram } from './hist.ts';
import { MergeRefused, mergeDocuments, mergeLoadResults } from './merge.ts';
import { conformanceDoc, latencies, loadDoc, loadResult, summaryOf } from './test-fixtures.ts';
import { verdictOf } from './verdict.ts';

describe('mergeLoadResults', () => {
  test('histograms merge exactly: same as recording every value in one histogram', () => {
    const a = latencies(4000, 700, 11);
    const b = latencies(3000, 1500, 29);
    const merged = mergeLoadResults([
      { ...loadResult({ seed: 11 }), latency: { 'deliver.intended': summaryOf(a) } },
      { ...loadResult({ seed: 29 }), latency: { 'deliver.intended': summaryOf(b) } },
    ]);
    const whole = summaryOf([...a, ...b]);
    const m = merged.latency['deliver.intended'];
    assert.ok(m);
    for (const k of ['count', 'min', 'max', 'p50', 'p90', 'p99', 'p999', 'mean'] as const) {
      assert.equal(m[k], whole[k], k);
    }
    assert.deepEqual(m.distribution, whole.distribution);
    // The encoded merged histogram decodes to the same counts.
    const h = decodeHistogram(m.encoded);
    assert.equal(h.totalCount, 7000);
    assert.notEqual(m.p99, (summaryOf(a).p99 + summaryOf(b).p99) / 2, 'never an average of percentiles');
  });

  test('counters, series, groups and ledger add; thresholds are re-evaluated on the merged figures', () => {
    const a = loadResult({ seed: 1, n: 2000 });
    const b = loadResult({ seed: 2, n: 2000 });
    const m = mergeLoadResults([a, b]);
    assert.equal(m.ledger.expected, 4000);
    assert.equal(m.ledger.delivered, 3994);
    assert.equal(m.ledger.lost, 6);
    assert.equal(m.ledger.deliveredRatio, 3994 / 4000);
    assert.equal(m.ledger.byQos['1']?.lost, 6);
    assert.equal(m.counters.sent, 4000);
    assert.deepEqual(m.series.t, a.series.t);
    assert.equal(m.series.sent[0], (a.series.sent[0] ?? 0) * 2);
    assert.equal(m.groups.find((g) => g.name === 'pubs')?.clients, 20);
    assert.equal(m.generator.workers, 2);
    const p99 = m.thresholds.find((t) => t.metric === 'deliver.intended.p99');
    assert.ok(p99);
    assert.equal(p99.actual, m.latency['deliver.intended']?.p99);
    assert.equal(p99.passed, true);
    const delivered = m.thresholds.find((t) => t.expression.startsWith('delivered'));
    assert.ok(delivered);
    assert.equal(delivered.passed, false);
    assert.equal(delivered.actual, (3994 / 4000) * 100);
  });
});

/** A copy of `d` as another run (its own id), as a second invocation would write it. */
function anotherRun(
  d: ResultsDocument,
  id: string,
  shard?: { index: number; count: number },
): ResultsDocument {
  const c: ResultsDocument = structuredClone(d);
  c.run.id = id;
  if (shard) c.run.shard = shard;
  return c;
}

function only(d: ResultsDocument, keep: (c: CaseResult) => boolean): ResultsDocument {
  const c = structuredClone(d);
  if (c.conformance) {
    const cases = c.conformance.cases.filter(keep);
    c.conformance = { cases, statements: statementVerdicts(cases), summary: summarize(cases) };
  }
  return c;
}

describe('mergeDocuments', () => {
  test('brokers union; cases of different brokers concatenated; verdicts recomputed', () => {
    const a = only(anotherRun(conformanceDoc(), 'a'), (c) => c.broker === 'reference');
    const b = only(anotherRun(conformanceDoc(), 'b'), (c) => c.broker === 'mosquitto');
    b.brokers = [
      { label: 'mosquitto', url: 'mqtt://127.0.0.1:18831' },
      { label: 'emqx', url: 'mqtt://127.0.0.1:18832' },
    ];
    const m = mergeDocuments([b, a]);
    assert.deepEqual(new Set(m.brokers.map((x) => x.label)), new Set(['reference', 'mosquitto', 'emqx']));
    assert.equal(m.conformance?.cases.length, 32);
    assert.equal(m.conformance?.summary.mosquitto?.fail, 2);
    assert.equal(m.conformance?.summary.reference?.pass, 8);
    const v = m.conformance?.statements.find((s) => s.broker === 'mosquitto' && s.id === 'MQTT-3.1.2-3');
    assert.equal(v?.outcome, 'fail');
    assert.deepEqual(m.run.mergedFrom, ['b', 'a']);
  });

  test('a result merged with itself is refused, never counted twice', () => {
    const a = conformanceDoc();
    assert.throws(
      () => mergeDocuments([a, a], ['a.json', 'a.json']),
      (err: unknown) => {
        assert.ok(err instanceof MergeRefused);
        assert.match(err.message, /a\.json and a\.json hold the same run \(run-conform\)/);
        return true;
      },
    );
    const l = loadDoc();
    assert.throws(() => mergeDocuments([l, structuredClone(l)]), MergeRefused);
  });

  test('a case is (broker, version, id): 3.1.1 and 5.0 results of the same ids are both kept', () => {
    // The same ids in both suites: a 3.1.1 failure must not be replaced by the 5.0 pass of the same id.
    const strip = (d: ResultsDocument, version: '3.1.1' | '5.0', outcome: 'fail' | 'pass') => {
      const x = only(d, (c) => c.version === version && c.broker === 'mosquitto');
      for (const c of x.conformance?.cases ?? []) {
        c.id = c.id.replace(/@.*$/, '');
        if (c.id === 'connect.reserved-flag') c.outcome = outcome;
      }
      return x;
    };
    const v3 = strip(anotherRun(conformanceDoc(), 'v3'), '3.1.1', 'fail');
    const v5 = strip(anotherRun(conformanceDoc(), 'v5'), '5.0', 'pass');
    v5.run.finishedAt = '2026-01-01T12:00:00.000Z';
    const m = mergeDocuments([v3, v5]);
    assert.equal(m.conformance?.cases.length, 16);
    const same = m.conformance?.cases.filter((c) => c.id === 'connect.reserved-flag') ?? [];
    assert.deepEqual(same.map((c) => `${c.version}:${c.outcome}`).sort(), ['3.1.1:fail', '5.0:pass']);
    assert.equal(verdictOf(m).exitCode, 1, 'the 3.1.1 failure still fails the merged run');
  });

  test('separate runs of the same cases on the same broker are refused, naming both files and the case', () => {
    const a = anotherRun(conformanceDoc(), 'a');
    const b = anotherRun(conformanceDoc(), 'b');
    assert.throws(
      () => mergeDocuments([a, b], ['mon.json', 'tue.json']),
      /mon\.json and tue\.json both have case .* \(MQTT 3\.1\.1\) on broker 'reference': they are separate runs/,
    );
  });

  test('load results of the same profile + broker merge only as shards of one run', () => {
    const x = anotherRun(loadDoc(), 'x', { index: 0, count: 2 });
    const y = anotherRun(loadDoc(), 'y', { index: 1, count: 2 });
    const z = anotherRun(loadDoc(), 'z');
    if (z.load) z.load = [loadResult({ broker: 'mosquitto' })];
    const m = mergeDocuments([x, y, z]);
    assert.equal(m.load?.length, 2);
    assert.equal(m.load?.find((r) => r.broker === 'reference')?.ledger.expected, 10000);
    assert.equal(m.load?.find((r) => r.broker === 'mosquitto')?.ledger.expected, 5000);
    // Two separate runs (no --shard): their counts and durations are never added.
    assert.throws(
      () => mergeDocuments([anotherRun(loadDoc(), 'p'), anotherRun(loadDoc(), 'q')], ['p.json', 'q.json']),
      /p\.json, q\.json all have load result 'smoke' on broker 'reference' but are not shards of one run/,
    );
    // The same shard twice, or different shard counts.
    const y0 = anotherRun(loadDoc(), 'y0', { index: 0, count: 2 });
    assert.throws(() => mergeDocuments([x, y0]), /include the same shard twice/);
    const w = anotherRun(loadDoc(), 'w', { index: 1, count: 3 });
    assert.throws(() => mergeDocuments([x, w]), /different shard counts/);
    // Older results without run.shard: the --shard argument tells.
    const o1 = anotherRun(loadDoc(), 'o1');
    o1.run.argv = ['run', 'p.yaml', '--shard', '0/2'];
    const o2 = anotherRun(loadDoc(), 'o2');
    o2.run.argv = ['run', 'p.yaml', '--shard=1/2'];
    assert.equal(mergeDocuments([o1, o2]).load?.[0]?.ledger.expected, 10000);
  });
});
