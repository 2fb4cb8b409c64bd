import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeHistogram,
  encodeHistogram,
  mergeEncoded,
  newHistogram,
  recordMs,
  summarize,
} from './histogram.ts';

/** Deterministic pseudo-random latencies (ms) with a long tail. */
function values(n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const u = x / 2 ** 32;
    out.push(u < 0.99 ? 0.05 + u * 5 : 50 + u * 2000);
  }
  return out;
}

describe('histogram merge', () => {
  test('merging encoded parts equals the histogram of all values, bucket for bucket', () => {
    const all = newHistogram();
    const parts = [newHistogram(), newHistogram(), newHistogram(), newHistogram()];
    const vs = values(50_000, 7);
    vs.forEach((v, i) => {
      recordMs(all, v);
      recordMs(parts[i % 4]!, v);
    });
    const merged = mergeEncoded(parts.map(encodeHistogram));
    assert.equal(merged.totalCount, all.totalCount);
    for (const p of [0, 1, 10, 50, 90, 99, 99.9, 99.99, 100]) {
      assert.equal(merged.getValueAtPercentile(p), all.getValueAtPercentile(p), `p${p}`);
    }
    // Encodings are identical, so the merge is exact (not an approximation).
    assert.equal(encodeHistogram(merged), encodeHistogram(all));
    const s = summarize(merged);
    assert.deepEqual({ ...s, encoded: '' }, { ...summarize(all), encoded: '' });
  });

  test('round trip through the summary encoding, and merges of merges', () => {
    const a = newHistogram();
    const b = newHistogram();
    for (const v of values(1000, 1)) recordMs(a, v);
    for (const v of values(1000, 2)) recordMs(b, v);
    const ab = mergeEncoded([summarize(a).encoded, summarize(b).encoded]);
    const again = mergeEncoded([encodeHistogram(decodeHistogram(encodeHistogram(ab)))]);
    assert.equal(again.totalCount, 2000);
    assert.equal(encodeHistogram(again), encodeHistogram(ab));
  });

  test('summary is in milliseconds, latencies recorded in microseconds', () => {
    const h = newHistogram();
    for (let i = 1; i <= 100; i++) recordMs(h, i);
    const s = summarize(h);
    assert.equal(s.count, 100);
    // HDR resolution: 3 significant digits.
    const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= b / 1000, `${a} ~ ${b}`);
    near(s.p50, 50);
    near(s.max, 100);
    near(s.min, 1);
    assert.equal(s.distribution.at(-1)?.[0], 100);
  });
});
