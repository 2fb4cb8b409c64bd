// Delivery ledger: per (publisher, subscriber stream) pair, which sequence numbers arrived; from that, lost,
// duplicated and out-of-order counts per QoS. A stream is one subscriber client, or one `$share` group as a whole
// (each message should reach one member). Recorders run where subscribers run (workers, shards); their parts add
// up exactly because every count is per pair and publisher/stream indices are global.
import type { LedgerGuarantee, LedgerSummary } from '../results/model.ts';

/** Largest window of sequence numbers remembered per pair (bits). Older arrivals count as out of order. */
const MAX_WINDOW_BITS = 1 << 16;

class PairState {
  base = 0;
  bits = new Uint8Array(16);
  max = -1;
  unique = 0;
  dup = 0;
  ooo = 0;
  constructor(readonly qos: number) {}

  /** Records one arrival; true when it is the first of its sequence number (as far as the window tells). */
  mark(seq: number): boolean {
    if (seq < this.base) {
      // Too old to tell apart from a duplicate: a very late arrival.
      this.unique++;
      this.ooo++;
      return true;
    }
    let idx = seq - this.base;
    if (idx >= this.bits.length * 8) this.makeRoom(seq);
    idx = seq - this.base;
    const byte = idx >>> 3;
    const bit = 1 << (idx & 7);
    const b = this.bits[byte] as number;
    if (b & bit) {
      this.dup++;
      return false;
    }
    this.bits[byte] = b | bit;
    this.unique++;
    if (seq < this.max) this.ooo++;
    else this.max = seq;
    return true;
  }

  private makeRoom(seq: number): void {
    let len = this.bits.length;
    while (seq - this.base >= len * 8 && len * 8 < MAX_WINDOW_BITS) len *= 2;
    if (len !== this.bits.length) {
      const nb = new Uint8Array(len);
      nb.set(this.bits);
      this.bits = nb;
    }
    if (seq - this.base < len * 8) return;
    // Slide: keep the most recent half window before seq.
    const newBase = (seq - (len * 8) / 2) & ~7;
    const shiftBytes = (newBase - this.base) >>> 3;
    if (shiftBytes >= len) this.bits.fill(0);
    else {
      this.bits.copyWithin(0, shiftBytes);
      this.bits.fill(0, len - shiftBytes);
    }
    this.base = newBase;
  }
}

/** Flat part: [pub, stream, qos, delivered, duplicated, outOfOrder] repeated. */
type LedgerPart = number[];

export class LedgerRecorder {
  private readonly pairs = new Map<number, PairState>();
  /** Messages that carried no valid measurement header. */
  foreign = 0;
  /** Distinct messages recorded (duplicates not counted): what the drain waits for. */
  unique = 0;

  constructor(private readonly streamCount: number) {}

  record(pub: number, stream: number, seq: number, qos: number): void {
    const key = pub * this.streamCount + stream;
    let p = this.pairs.get(key);
    if (!p) {
      p = new PairState(qos);
      this.pairs.set(key, p);
    }
    if (p.mark(seq)) this.unique++;
  }

  export(): LedgerPart {
    const out: number[] = [];
    for (const [key, p] of this.pairs) {
      const stream = key % this.streamCount;
      out.push((key - stream) / this.streamCount, stream, p.qos, p.unique, p.dup, p.ooo);
    }
    return out;
  }
}

export interface ExpectedPair {
  pub: number;
  stream: number;
  qos: number;
}

type Counts = { expected: number; delivered: number; lost: number; duplicated: number; outOfOrder: number };

/** Per-pair raw data kept in the results so shards and workers merge exactly (see mergeLedgerRaw). */
export interface LedgerRaw {
  /** [publisher index, messages sent] */
  sent: Array<[number, number]>;
  /** [publisher, stream, qos, delivered, duplicated, outOfOrder]; every expected pair, delivered or not. */
  pairs: Array<[number, number, number, number, number, number]>;
  /** Labels: publisher n is `${name}[${n - offset}]` for the last group whose offset <= n; streams by index. */
  groups?: Array<[string, number]>;
  streams?: string[];
}

/** Labels for summaries from the raw ledger's own tables. */
function rawLabels(raw: LedgerRaw): { pub(i: number): string; stream(i: number): string } {
  const groups = raw.groups ?? [];
  return {
    pub: (n) => {
      for (let g = groups.length - 1; g >= 0; g--) {
        const [name, off] = groups[g] as [string, number];
        if (n >= off) return `${name}[${n - off}]`;
      }
      return `#${n}`;
    },
    stream: (i) => raw.streams?.[i] ?? `#${i}`,
  };
}

/**
 * Exact merge of the ledgers of several results of one profile (shards, workers): per-pair counts add, each
 * publisher's sent count comes from the shard that ran it. Needs `raw` in every part; undefined otherwise.
 */
export function mergeLedgerSummaries(
  parts: Array<LedgerSummary & { raw?: LedgerRaw }>,
): (LedgerSummary & { raw: LedgerRaw }) | undefined {
  const raws = parts.map((p) => p.raw);
  if (raws.length === 0 || raws.some((r) => r === undefined)) return undefined;
  const first = raws[0] as LedgerRaw;
  const merged = mergeLedgerRaw(raws as LedgerRaw[]);
  if (first.groups) merged.groups = first.groups;
  if (first.streams) merged.streams = first.streams;
  return { ...summarizeLedger(merged, rawLabels(merged)), raw: merged };
}

/** Builds the raw ledger from recorder parts (added per pair), the expected pairs and per-publisher sent counts. */
export function buildLedgerRaw(
  parts: LedgerPart[],
  expected: ExpectedPair[],
  sent: Map<number, number>,
  streamCount: number,
): { raw: LedgerRaw; unexpected: number } {
  const acc = new Map<number, [number, number, number, number, number, number]>();
  for (const e of expected) acc.set(e.pub * streamCount + e.stream, [e.pub, e.stream, e.qos, 0, 0, 0]);
  let unexpected = 0;
  for (const part of parts) {
    for (let i = 0; i + 5 < part.length; i += 6) {
      const pub = part[i] as number;
      const stream = part[i + 1] as number;
      const row = acc.get(pub * streamCount + stream);
      if (!row) {
        unexpected += part[i + 3] as number;
        continue;
      }
      row[2] = part[i + 2] as number;
      row[3] += part[i + 3] as number;
      row[4] += part[i + 4] as number;
      row[5] += part[i + 5] as number;
    }
  }
  return {
    raw: { sent: [...sent.entries()].sort((a, b) => a[0] - b[0]), pairs: [...acc.values()] },
    unexpected,
  };
}

/** Adds raw ledgers of several shards: pair counts add, sent counts come from the shard owning the publisher. */
export function mergeLedgerRaw(raws: LedgerRaw[]): LedgerRaw {
  const sent = new Map<number, number>();
  const pairs = new Map<string, [number, number, number, number, number, number]>();
  for (const r of raws) {
    for (const [p, n] of r.sent) sent.set(p, (sent.get(p) ?? 0) + n);
    for (const row of r.pairs) {
      const k = `${row[0]}:${row[1]}`;
      const cur = pairs.get(k);
      if (!cur) pairs.set(k, [...row]);
      else for (let i = 3; i < 6; i++) cur[i] = (cur[i] as number) + (row[i] as number);
    }
  }
  return { sent: [...sent.entries()].sort((a, b) => a[0] - b[0]), pairs: [...pairs.values()] };
}

/** Summarises a raw ledger: expected = what the publisher sent, for every pair that should see it. */
export function summarizeLedger(
  raw: LedgerRaw,
  label: { pub(i: number): string; stream(i: number): string },
  worst = 20,
): LedgerSummary {
  const sent = new Map(raw.sent);
  const total: Counts = { expected: 0, delivered: 0, lost: 0, duplicated: 0, outOfOrder: 0 };
  const byQos: Record<string, Counts> = {};
  const rows: LedgerSummary['pairs'] = [];
  for (const [pub, stream, qos, delivered, duplicated, outOfOrder] of raw.pairs) {
    const expected = sent.get(pub) ?? 0;
    const lost = Math.max(0, expected - delivered);
    let q = byQos[String(qos)];
    if (!q) {
      q = { expected: 0, delivered: 0, lost: 0, duplicated: 0, outOfOrder: 0 };
      byQos[String(qos)] = q;
    }
    for (const c of [total, q]) {
      c.expected += expected;
      c.delivered += Math.min(delivered, expected);
      c.lost += lost;
      c.duplicated += duplicated;
      c.outOfOrder += outOfOrder;
    }
    if (lost + duplicated + outOfOrder > 0) {
      rows.push({
        publisher: label.pub(pub),
        subscriber: label.stream(stream),
        qos,
        expected,
        delivered,
        lost,
        duplicated,
        outOfOrder,
      });
    }
  }
  rows.sort((a, b) => b.lost + b.duplicated + b.outOfOrder - (a.lost + a.duplicated + a.outOfOrder));
  return {
    ...total,
    deliveredRatio: total.expected === 0 ? 1 : total.delivered / total.expected,
    byQos,
    guarantees: judgeQos(byQos),
    pairs: rows.slice(0, worst),
  };
}

const PROMISE: Record<string, LedgerGuarantee['promise']> = {
  '0': 'at most once',
  '1': 'at least once',
  '2': 'exactly once',
};

/**
 * Each QoS against its delivery promise [MQTT-4.3.1, 4.3.2, 4.3.3]: QoS 0 may lose but never duplicates; QoS 1
 * loses nothing (duplicates allowed, counted); QoS 2 loses nothing and duplicates nothing.
 */
function judgeQos(byQos: Record<string, Counts>): LedgerGuarantee[] {
  return Object.keys(byQos)
    .sort()
    .map((q) => {
      const c = byQos[q] as Counts;
      const held =
        q === '0' ? c.duplicated === 0 : q === '1' ? c.lost === 0 : c.lost === 0 && c.duplicated === 0;
      return {
        qos: Number(q),
        promise: PROMISE[q] ?? 'at most once',
        held,
        expected: c.expected,
        lost: c.lost,
        duplicated: c.duplicated,
      };
    });
}
