// HDR histogram helpers for merging and summarising: the load engine's own (src/metrics/histogram.ts),
// so a merged result summarises exactly like one that recorded every value itself.
import {
  decodeHistogram,
  type Histogram,
  mergeEncoded,
  newHistogram,
  summarize,
} from '../metrics/histogram.ts';
import type { HistogramSummary } from '../results/model.ts';

export { decodeHistogram, type Histogram, newHistogram, summarize };

/** Exact merge: decode every encoded histogram, add, summarise again. */
export function mergeSummaries(parts: readonly HistogramSummary[]): HistogramSummary {
  const total = mergeEncoded(parts.map((p) => p.encoded).filter((e) => e !== ''));
  const s = summarize(total);
  total.destroy();
  return s;
}
