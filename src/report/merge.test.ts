import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ResultsDocument } from '../results/model.ts';
import { decodeHistogram } from './hist.ts';
import { mergeDocuments, mergeLoadResults } from './merge.ts';
import { conformanceDoc, latencies, loadDoc, loadResult, summaryOf } from './test-fixtures.ts';

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

describe('mergeDocuments', () => {
  test('brokers union; cases concatenated with the latest result per broker + case; verdicts recomputed', () => {
    const a = conformanceDoc();
    a.run.id = 'a';
    a.run.finishedAt = '2026-01-01T10:00:00.000Z';
    const b: ResultsDocument = structuredClone(a);
    b.run.id = 'b';
    b.run.finishedAt = '2026-01-01T11:00:00.000Z';
    b.brokers = [
      { label: 'mosquitto', url: 'mqtt://127.0.0.1:18831' },
      { label: 'emqx', url: 'mqtt://127.0.0.1:18832' },
    ];
    const cases = b.conformance?.cases ?? [];
    b.conformance = {
      cases: cases
        .filter((c) => c.broker === 'mosquitto')
        .map((c) => (c.outcome === 'fail' ? { ...c, outcome: 'pass' as const } : c)),
      statements: [],
      summary: {},
    };
    const m = mergeDocuments([b, a]);
    assert.deepEqual(new Set(m.brokers.map((x) => x.label)), new Set(['reference', 'mosquitto', 'emqx']));
    assert.equal(m.conformance?.cases.length, 32);
    assert.equal(m.conformance?.summary.mosquitto?.fail, 0, 'the later run (b) wins');
    assert.equal(m.conformance?.summary.reference?.pass, 8);
    const v = m.conformance?.statements.find((s) => s.broker === 'mosquitto' && s.id === 'MQTT-3.1.2-3');
    assert.equal(v?.outcome, 'pass');
    assert.deepEqual(m.run.mergedFrom, ['b', 'a']);
  });

  test('load results of different brokers stay separate; same profile + broker merge', () => {
    const x = loadDoc();
    const y = loadDoc();
    const z = loadDoc();
    z.load = [loadResult({ broker: 'mosquitto' })];
    const m = mergeDocuments([x, y, z]);
    assert.equal(m.load?.length, 2);
    assert.equal(m.load?.find((r) => r.broker === 'reference')?.ledger.expected, 10000);
    assert.equal(m.load?.find((r) => r.broker === 'mosquitto')?.ledger.expected, 5000);
  });
});
