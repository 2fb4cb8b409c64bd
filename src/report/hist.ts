// HDR histogram helpers for merging and summarising (values recorded in microseconds, summaries in ms).
import * as hdr from 'hdr-histogram-js';
import type { HistogramSummary } from '../results/model.ts';

export type Histogram = hdr.Histogram;

const DIST_PERCENTILES = [
  0, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75,
  99.9, 99.95, 99.99, 99.995, 99.999, 100,
];

export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 64, false);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

const us = (v: number) => v / 1000;

/** Summary (ms) of a microsecond histogram, with its exact encoding for later merges. */
export function summarize(h: Histogram): HistogramSummary {
  const count = h.totalCount;
  if (count === 0) {
    return {
      count: 0,
      min: 0,
      max: 0,
      mean: 0,
      stddev: 0,
      p50: 0,
      p90: 0,
      p99: 0,
      p999: 0,
      distribution: [],
      encoded: encodeHistogram(h),
    };
  }
  const distribution: Array<[number, number]> = [];
  for (const p of DIST_PERCENTILES) {
    const v = us(h.getValueAtPercentile(p));
    const last = distribution[distribution.length - 1];
    if (p === 100 || !last || last[0] !== p) distribution.push([p, v]);
  }
  return {
    count,
    min: us(h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue),
    max: us(h.maxValue),
    mean: us(h.mean),
    stddev: us(h.stdDeviation),
    p50: us(h.getValueAtPercentile(50)),
    p90: us(h.getValueAtPercentile(90)),
    p99: us(h.getValueAtPercentile(99)),
    p999: us(h.getValueAtPercentile(99.9)),
    distribution,
    encoded: encodeHistogram(h),
  };
}

/** Exact merge: decode every encoded histogram, add, summarise again. */
export function mergeSummaries(parts: readonly HistogramSummary[]): HistogramSummary {
  const total = newHistogram();
  for (const p of parts) {
    if (!p.encoded) continue;
    const h = decodeHistogram(p.encoded);
    total.add(h);
    h.destroy();
  }
  const s = summarize(total);
  total.destroy();
  return s;
}
