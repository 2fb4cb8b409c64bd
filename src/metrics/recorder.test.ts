import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeHistogram, MAX_US, newHistogram } from './histogram.ts';
import { FastRecorder, indexOf, valueAt } from './recorder.ts';

test('the fast recorder lands every value in the same bucket as hdr-histogram-js (exact encoding)', () => {
  const direct = newHistogram();
  const fast = new FastRecorder(MAX_US);
  let x = 12345;
  const vals = [0, 1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 999_999, MAX_US, MAX_US - 1];
  for (let i = 0; i < 100_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    vals.push(x % 1000 === 0 ? x % MAX_US : x % 200_000);
  }
  for (const v of vals) {
    direct.recordValue(v);
    fast.record(v);
  }
  const via = newHistogram();
  fast.addTo(via);
  assert.equal(via.totalCount, direct.totalCount);
  for (const p of [0, 25, 50, 90, 99, 99.9, 99.99, 100])
    assert.equal(via.getValueAtPercentile(p), direct.getValueAtPercentile(p));
  assert.equal(encodeHistogram(via), encodeHistogram(direct));
  for (const v of [0, 5, 2047, 2048, 3000, 70_000, 3_600_000_000])
    assert.equal(indexOf(valueAt(indexOf(v))), indexOf(v));
});
