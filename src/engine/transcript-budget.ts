// A budget for the transcripts a whole run keeps. Each case's transcript is already capped
// (transcript.ts); this caps their sum, so a broker that misbehaves in every case cannot make the
// results document (and every report rendered from it) grow without bound. Once the run has kept
// RUN_TRANSCRIPT_BYTES, each further transcript keeps its head and tail and says what was left out.
import type { TranscriptEntry } from '../results/model.ts';

export const RUN_TRANSCRIPT_BYTES = 256 * 1024 * 1024;
/** Bytes kept at each end of a transcript trimmed by the run budget. */
const TRIMMED_END_BYTES = 32 * 1024;

function sizeOf(e: TranscriptEntry): number {
  return (e.hex?.length ?? 0) + (e.note?.length ?? 0) + (e.packet ? JSON.stringify(e.packet).length : 0) + 48;
}

export class TranscriptBudget {
  private used = 0;

  constructor(private readonly limit: number = RUN_TRANSCRIPT_BYTES) {}

  /** The transcript to keep for one more case: whole while the run is under budget, else trimmed. */
  admit(entries: TranscriptEntry[]): TranscriptEntry[] {
    const sizes = entries.map(sizeOf);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (this.used + total <= this.limit) {
      this.used += total;
      return entries;
    }
    let head = 0;
    let headBytes = 0;
    while (head < entries.length && headBytes + (sizes[head] as number) <= TRIMMED_END_BYTES)
      headBytes += sizes[head++] as number;
    let tail = entries.length;
    let tailBytes = 0;
    while (tail > head && tailBytes + (sizes[tail - 1] as number) <= TRIMMED_END_BYTES)
      tailBytes += sizes[--tail] as number;
    if (head === entries.length) {
      this.used += total;
      return entries;
    }
    const left = tail - head;
    const marker: TranscriptEntry = {
      t: entries[head]?.t ?? 0,
      client: '',
      dir: 'event',
      note:
        `transcript truncated: ${left} entries left out because the run's transcripts reached ` +
        `${this.limit / (1024 * 1024)} MiB`,
    };
    this.used += headBytes + tailBytes;
    return [...entries.slice(0, head), marker, ...entries.slice(tail)];
  }
}
