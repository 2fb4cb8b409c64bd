import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ResultsDocument } from '../results/model.ts';
import { checkComparable } from './comparable.ts';
import { compareDocuments, DEFAULT_COMPARE, parseTolerance } from './compare.ts';
import { fullDoc, loadResult } from './test-fixtures.ts';

function withLoad(doc: ResultsDocument, baseUs: number, n = 5000): ResultsDocument {
  doc.load = [loadResult({ baseUs, n })];
  return doc;
}

describe('compare', () => {
  test('identical documents: no regression', () => {
    const c = compareDocuments(fullDoc(), fullDoc());
    assert.equal(c.regressions, 0);
    assert.equal(c.newFailures.length, 0);
    assert.ok(c.metrics.some((m) => m.metric === 'deliver.intended.p99'));
    assert.ok(c.metrics.some((m) => m.metric === 'throughput.delivered'));
  });

  test('a case that passed and now fails is a new failure; a fixed case is listed, not counted', () => {
    const base = fullDoc();
    const cur = fullDoc();
    const cases = cur.conformance?.cases ?? [];
    const passing = cases.find((c) => c.broker === 'reference' && c.outcome === 'pass');
    const failing = cases.find((c) => c.broker === 'mosquitto' && c.outcome === 'fail');
    assert.ok(passing && failing);
    passing.outcome = 'fail';
    failing.outcome = 'pass';
    const c = compareDocuments(base, cur);
    assert.deepEqual(
      c.newFailures.map((f) => [f.broker, f.id, f.before, f.after]),
      [['reference', passing.id, 'pass', 'fail']],
    );
    assert.deepEqual(
      c.fixed.map((f) => f.id),
      [failing.id],
    );
    assert.equal(c.regressions, 1);
  });

  test('a non-strict or not-applicable case that errors now is a new failure', () => {
    const base = fullDoc();
    const cur = fullDoc();
    const na = cur.conformance?.cases.find((c) => c.outcome === 'not-applicable');
    assert.ok(na);
    na.outcome = 'error';
    assert.equal(compareDocuments(base, cur).newFailures.length, 1);
  });

  test('latency beyond the tolerance regresses; within it does not', () => {
    const base = withLoad(fullDoc(), 800);
    const slower = withLoad(fullDoc(), 1200);
    const c = compareDocuments(base, slower, { tolerance: 0.1, minDeltaMs: 0, stats: ['p50', 'p99'] });
    const p99 = c.metrics.find((m) => m.metric === 'deliver.intended.p99');
    assert.equal(p99?.regression, true);
    assert.ok((p99?.change ?? 0) > 0.4);
    const lenient = compareDocuments(base, slower, { tolerance: 0.6, minDeltaMs: 0, stats: ['p50', 'p99'] });
    assert.equal(lenient.metrics.filter((m) => m.regression).length, 0);
    const floor = compareDocuments(base, slower, { tolerance: 0.1, minDeltaMs: 50, stats: ['p50', 'p99'] });
    assert.equal(floor.metrics.filter((m) => m.unit === 'ms' && m.regression).length, 0, 'noise floor');
  });

  test('throughput drop beyond the tolerance regresses', () => {
    const base = withLoad(fullDoc(), 800, 5000);
    const cur = withLoad(fullDoc(), 800, 4000);
    const t = compareDocuments(base, cur).metrics.find((m) => m.metric === 'throughput.delivered');
    assert.equal(t?.regression, true);
    assert.ok(t && Math.abs(t.change + 0.2) < 0.01);
  });

  test('tolerance syntax', () => {
    assert.equal(parseTolerance('10%'), 0.1);
    assert.equal(parseTolerance('0.05'), 0.05);
    assert.equal(parseTolerance('5'), 0.05);
    assert.equal(parseTolerance('ten'), undefined);
  });

  test("the default metrics are the broker's (delivery latency, throughput, loss), not the generator's send lag", () => {
    const base = withLoad(fullDoc(), 800);
    const cur = withLoad(fullDoc(), 800);
    const b = base.load?.[0];
    const c = cur.load?.[0];
    assert.ok(b && c);
    const lag = b.latency['deliver.intended'];
    assert.ok(lag);
    b.latency.sendLag = lag;
    c.latency.sendLag = { ...lag, p50: lag.p50 * 10, p99: lag.p99 * 10 };
    const byDefault = compareDocuments(base, cur);
    assert.deepEqual([...new Set(byDefault.metrics.map((m) => m.metric))].sort(), [
      'deliver.intended.p50',
      'deliver.intended.p99',
      'loss',
      'throughput.delivered',
    ]);
    assert.equal(byDefault.regressions, 0, "the generator's own delay is not the broker's regression");
    const asked = compareDocuments(base, cur, { ...DEFAULT_COMPARE, metrics: ['sendLag'] });
    assert.equal(asked.metrics.find((m) => m.metric === 'sendLag.p99')?.regression, true);
  });

  test('a lost share that grows beyond the tolerance regresses', () => {
    const base = withLoad(fullDoc(), 800);
    const cur = withLoad(fullDoc(), 800);
    const l = cur.load?.[0]?.ledger;
    assert.ok(l);
    l.lost = 60;
    const loss = compareDocuments(base, cur).metrics.find((m) => m.metric === 'loss');
    assert.equal(loss?.regression, true);
    assert.equal(loss?.after, (60 / l.expected) * 100);
    const same = compareDocuments(base, withLoad(fullDoc(), 800)).metrics.find((m) => m.metric === 'loss');
    assert.equal(same?.regression, false);
  });

  test('what does not change the measurement is not a different selection; what does is', () => {
    const base = withLoad(fullDoc(), 800);
    const broker = base.brokers[0];
    assert.ok(broker);
    broker.profile = { linkStealing: true, urls: { ws: 'ws://127.0.0.1:1/mqtt' } };
    const same = structuredClone(base);
    const r = same.load?.[0];
    assert.ok(r);
    r.profile = { ...r.profile, file: '/elsewhere/p.yaml', thresholds: [] };
    (same.brokers[0] as { profile: Record<string, unknown> }).profile = {
      linkStealing: true,
      urls: { ws: 'ws://127.0.0.1:2/mqtt' },
    };
    assert.equal(checkComparable(base, same), undefined);
    const other = structuredClone(base);
    (other.brokers[0] as { profile: Record<string, unknown> }).profile = { linkStealing: false };
    const no = checkComparable(base, other);
    assert.equal(no?.kind, 'different-selection');
    assert.match(no?.details[0] ?? '', /broker 'reference': the broker profile differs \(linkStealing\)/);
  });
});
