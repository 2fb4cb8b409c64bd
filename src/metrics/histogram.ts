// HDR histograms of latencies. Values are recorded in integer microseconds; summaries are in milliseconds.
// Histograms travel between workers, processes and shards encoded (compressed base64) and are merged by
// decoding and adding the counts: the merge is exact, percentiles are never averaged.
import * as hdr from 'hdr-histogram-js';
import type { HistogramSummary } from '../results/model.ts';

export type Histogram = hdr.Histogram;

/** Largest recordable latency: one hour (values above are clamped, and counted as such by the caller). */
export const MAX_US = 3_600_000_000;
const DISTRIBUTION_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100];

export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** A small, coarse histogram (2 significant digits, up to 60 s) for live progress only; never in results. */
export function newLiveHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 2,
    useWebAssembly: false,
  });
}

/** Records a latency given in milliseconds (fractional). Negative values (clock skew) record as 0. */
export function recordMs(h: Histogram, ms: number): void {
  let us = Math.round(ms * 1000);
  if (!(us > 0)) us = 0;
  else if (us > h.highestTrackableValue) us = h.highestTrackableValue;
  h.recordValue(us);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
  // Normalise into our layout so adds never resize and every histogram has the same range.
  const h = newHistogram();
  h.add(decoded);
  decoded.destroy();
  return h;
}

/** Adds an encoded histogram into `into` (exact). */
export function addEncoded(into: Histogram, encoded: string): void {
  if (!encoded) return;
  const d = hdr.decodeFromCompressedBase64(encoded, 32, false);
  into.add(d);
  d.destroy();
}

/** Merges encoded histograms exactly into a fresh histogram. */
export function mergeEncoded(encoded: Iterable<string>): Histogram {
  const h = newHistogram();
  for (const e of encoded) addEncoded(h, e);
  return h;
}

const ms = (us: number): number => Math.round(us) / 1000;

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
  // Min and max at bucket resolution (like the percentiles), so a merged histogram summarises exactly
  // like one that recorded every value itself (the recorder's exact max is lost by encoding).
  return {
    count,
    min: ms(h.getValueAtPercentile(0)),
    max: ms(h.getValueAtPercentile(100)),
    mean: Math.round(h.mean) / 1000,
    stddev: Math.round(h.stdDeviation) / 1000,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    distribution: DISTRIBUTION_PERCENTILES.map((p) => [p, ms(h.getValueAtPercentile(p))] as [number, number]),
    encoded: encodeHistogram(h),
  };
}

/** A keyed set of histograms (metric name -> histogram), created on first use. */
export class HistogramSet {
  readonly map = new Map<string, Histogram>();

  get(key: string): Histogram {
    let h = this.map.get(key);
    if (!h) {
      h = newHistogram();
      this.map.set(key, h);
    }
    return h;
  }

  record(key: string, ms: number): void {
    recordMs(this.get(key), ms);
  }

  encodeAll(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, h] of this.map) if (h.totalCount > 0) out[k] = encodeHistogram(h);
    return out;
  }

  addAll(encoded: Record<string, string>): void {
    for (const [k, e] of Object.entries(encoded)) addEncoded(this.get(k), e);
  }

  summarizeAll(filter: (key: string) => boolean = () => true): Record<string, HistogramSummary> {
    const out: Record<string, HistogramSummary> = {};
    for (const k of [...this.map.keys()].sort()) {
      const h = this.map.get(k);
      if (h && h.totalCount > 0 && filter(k)) out[k] = summarize(h);
    }
    return out;
  }

  reset(): void {
    for (const h of this.map.values()) h.reset();
  }

  destroy(): void {
    for (const h of this.map.values()) h.destroy();
    this.map.clear();
  }
}
