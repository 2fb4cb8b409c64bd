import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LoadResult } from '../results/model.ts';
import type { ThresholdSpec } from '../scenario/load-profile/model.ts';
import { parseThreshold } from '../scenario/load-profile/thresholds.ts';
import { newHistogram, recordMs, summarize } from './histogram.ts';
import { evaluateThresholds } from './thresholds.ts';

function t(expr: string): ThresholdSpec {
  const r = parseThreshold(expr);
  if ('error' in r) throw new Error(r.error);
  return r;
}

function result(): LoadResult {
  const h = newHistogram();
  for (let i = 1; i <= 1000; i++) recordMs(h, i / 10); // 0.1 .. 100 ms
  const led = { expected: 1000, delivered: 998, lost: 2, duplicated: 1, outOfOrder: 0 };
  return {
    id: 'x',
    title: 'x',
    broker: 'b',
    startedAt: '',
    durationMs: 10_000,
    profile: {},
    latency: { 'deliver.intended': summarize(h) },
    groups: [
      {
        name: 'g',
        role: 'both',
        clients: 2,
        connected: 2,
        connectFailures: 1,
        qos: 1,
        sent: 1000,
        acked: 1000,
        delivered: 998,
        latency: {},
      },
    ],
    series: { t: [], sent: [], acked: [], delivered: [], connected: [], errors: [] },
    ledger: { ...led, deliveredRatio: 0.998, byQos: { '1': led }, pairs: [] },
    thresholds: [],
    generator: {
      workers: 1,
      cpuPercent: 1,
      eventLoopLagMs: { p50: 0, p99: 0, max: 0 },
      sendLagMs: { p50: 0, p99: 0, max: 0 },
      saturated: false,
      warnings: [],
    },
    counters: { errors: 3 },
  };
}

describe('thresholds', () => {
  test('pass and fail decisions', () => {
    const r = result();
    const got = evaluateThresholds(
      [
        t('deliver.intended.p99 < 100ms'),
        t('deliver.intended.p50 > 60ms'),
        t('deliver.intended.max <= 0.11s'),
        t('delivered >= 99.9%'),
        t('delivered >= 99.5%'),
        t('lost <= 2'),
        t('duplicates == 0'),
        t('outOfOrder.qos1 == 0'),
        t('connect.failures == 0'),
        t('throughput.delivered >= 99/s'),
        t('throughput.sent > 100/s'),
        t('puback.p99 < 5ms'),
        t('errors < 5'),
      ],
      r,
    );
    assert.deepEqual(
      got.map((x) => [x.expression, x.passed]),
      [
        ['deliver.intended.p99 < 100ms', true],
        ['deliver.intended.p50 > 60ms', false],
        ['deliver.intended.max <= 0.11s', true],
        ['delivered >= 99.9%', false],
        ['delivered >= 99.5%', true],
        ['lost <= 2', true],
        ['duplicates == 0', false],
        ['outOfOrder.qos1 == 0', true],
        ['connect.failures == 0', false],
        ['throughput.delivered >= 99/s', true],
        ['throughput.sent > 100/s', false],
        ['puback.p99 < 5ms', false], // no data is a failure, never a silent pass
        ['errors < 5', true],
      ],
    );
    assert.equal(got[3]?.actual, 99.8);
    assert.equal(got[3]?.limit, 99.9);
    assert.equal(got[11]?.actual, null);
  });
});
