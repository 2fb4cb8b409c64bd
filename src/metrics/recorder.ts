// A fast HDR recorder for the hot path: the same bucket layout as hdr-histogram-js (lowest discernible value 1,
// 3 significant digits), indexed with integer bit operations instead of pow/log2, counts in an Int32Array.
// Converting to an hdr-histogram-js histogram (toHdr) adds each bucket's count at a value of that bucket, so the
// result (and its encoding) is identical to recording every value directly: merging stays exact.
import type { Histogram } from './histogram.ts';

/** 3 significant digits: 2 * 10^3 values at unit resolution -> 2048 sub-buckets (half: 1024). */
const HALF_MAG = 10;
const HALF = 1 << HALF_MAG;

export function indexOf(v: number): number {
  // v is a non-negative integer below 2^32.
  const bucket = v < HALF * 2 ? 0 : 31 - Math.clz32(v) - HALF_MAG;
  const sub = v >>> bucket;
  return (bucket + 1) * HALF + (sub - HALF);
}

export function valueAt(index: number): number {
  let bucket = (index >> HALF_MAG) - 1;
  let sub = (index & (HALF - 1)) + HALF;
  if (bucket < 0) {
    sub -= HALF;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

export class FastRecorder {
  private counts: Int32Array;
  private snapshot: Int32Array | undefined;
  total = 0;

  constructor(readonly maxValue: number) {
    this.counts = new Int32Array(indexOf(Math.min(maxValue, 0xffffffff)) + 1);
  }

  /** Records an integer value (microseconds), clamped to [0, maxValue]. */
  record(v: number): void {
    let x = 0; // negative (clock skew) and NaN record as 0
    if (v > this.maxValue) x = this.maxValue;
    else if (v > 0) x = v;
    (this.counts[indexOf(x)] as number)++;
    this.total++;
  }

  /** Records a latency in (fractional) milliseconds as integer microseconds. */
  recordMs(ms: number): void {
    this.record(Math.round(ms * 1000));
  }

  /** Adds every bucket into an hdr-histogram-js histogram of the same precision. */
  addTo(h: Histogram): void {
    const c = this.counts;
    for (let i = 0; i < c.length; i++) {
      const n = c[i] as number;
      if (n > 0) h.recordValueWithCount(valueAt(i), n);
    }
  }

  /** Adds what was recorded since the last call (for live views) into h; keeps its own snapshot. */
  addSinceLast(h: Histogram): void {
    const c = this.counts;
    if (!this.snapshot) this.snapshot = new Int32Array(c.length);
    const s = this.snapshot;
    for (let i = 0; i < c.length; i++) {
      const n = (c[i] as number) - (s[i] as number);
      if (n > 0) {
        h.recordValueWithCount(valueAt(i), n);
        s[i] = c[i] as number;
      }
    }
  }

  reset(): void {
    this.counts.fill(0);
    this.snapshot?.fill(0);
    this.total = 0;
  }
}

/** Recorders by metric name (worker side); exported encoded, in the layout of src/metrics/histogram.ts. */
export class RecorderSet {
  readonly map = new Map<string, FastRecorder>();

  constructor(
    private readonly maxValue: number,
    private readonly newHdr: () => Histogram,
    private readonly encode: (h: Histogram) => string,
  ) {}

  get(key: string): FastRecorder {
    let r = this.map.get(key);
    if (!r) {
      r = new FastRecorder(this.maxValue);
      this.map.set(key, r);
    }
    return r;
  }

  encodeAll(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, r] of this.map) {
      if (r.total === 0) continue;
      const h = this.newHdr();
      r.addTo(h);
      out[k] = this.encode(h);
      h.destroy();
    }
    return out;
  }
}
