// Wire transcript of one case run: every packet in and out with a monotonic timestamp (ms since the
// case started), raw bytes as hex and a JSON-safe decoded form; plus events (open, close, errors).
import { performance } from 'node:perf_hooks';
import type { TranscriptEntry } from '../results/model.ts';

/** Hex of raw bytes kept per entry; longer frames are cut (the note says so). */
const MAX_HEX_BYTES = 64 * 1024;
/** Entries kept per case; a flood beyond this is summarised by one event. */
export const MAX_ENTRIES = 20_000;
/** Approximate bytes of transcript kept per case and per client (hex, decoded view, notes). Past a
 *  client's share its further packets are counted, not kept; `finish()` says how many were left out. */
export const MAX_CASE_BYTES = 2 * 1024 * 1024;
export const MAX_CLIENT_BYTES = 1024 * 1024;
/** Events (opens, closes, errors, step failures) may use this much beyond the case budget, so the
 *  end of a flooded case is still explained. */
const EVENT_RESERVE_BYTES = 128 * 1024;
const EVENT_RESERVE_ENTRIES = 200;

/** Approximate cost of an entry: hex doubles the bytes, the decoded view repeats them once. */
function costOf(rawLength: number, note: string | undefined): number {
  return Math.min(rawLength, MAX_HEX_BYTES) * 3 + (note?.length ?? 0) + 96;
}

function isPrintableUtf8(buf: Buffer): boolean {
  const text = buf.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buf)) return false;
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/** JSON-safe copy of a decoded packet: Buffers become utf8 text when printable, else { $hex }. */
export function jsonSafe(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const buf = Buffer.isBuffer(value) ? value : Buffer.from(value);
    if (buf.length <= MAX_HEX_BYTES && isPrintableUtf8(buf)) return buf.toString('utf8');
    const shown = buf.subarray(0, MAX_HEX_BYTES).toString('hex');
    return buf.length > MAX_HEX_BYTES ? { $hex: shown, $size: buf.length } : { $hex: shown };
  }
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function') continue;
      out[k] = jsonSafe(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** Decoded packet without parser bookkeeping fields that carry no information. */
function packetView(packet: object): Record<string, unknown> {
  const p = jsonSafe(packet) as Record<string, unknown>;
  if (p.topic === null) delete p.topic;
  if (p.payload === null) delete p.payload;
  if (p.cmd !== 'publish') {
    if (p.qos === 0) delete p.qos;
    if (p.dup === false) delete p.dup;
    if (p.retain === false) delete p.retain;
  }
  return p;
}

interface ClientTally {
  bytes: number;
  dropped: number;
  droppedBytes: number;
}

export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private dropped = 0;
  private bytes = 0;
  private readonly perClient = new Map<string, ClientTally>();

  constructor(readonly start: number = performance.now()) {}

  now(): number {
    return Math.round((performance.now() - this.start) * 1000) / 1000;
  }

  private tally(client: string): ClientTally {
    let t = this.perClient.get(client);
    if (!t) {
      t = { bytes: 0, dropped: 0, droppedBytes: 0 };
      this.perClient.set(client, t);
    }
    return t;
  }

  /** Whether a packet entry of this cost still fits its client's share and the case's budget. */
  private admit(client: string, cost: number): boolean {
    const t = this.tally(client);
    if (
      this.entries.length >= MAX_ENTRIES ||
      t.bytes + cost > MAX_CLIENT_BYTES ||
      this.bytes + cost > MAX_CASE_BYTES
    ) {
      t.dropped++;
      t.droppedBytes += cost;
      return false;
    }
    t.bytes += cost;
    this.bytes += cost;
    return true;
  }

  private push(e: TranscriptEntry): void {
    this.entries.push(e);
  }

  packet(
    client: string,
    dir: 'in' | 'out',
    raw: Buffer | undefined,
    packet: object | undefined,
    note?: string,
  ): void {
    // decide before building the decoded view, so a flood past the budget costs no copies
    if (!this.admit(client, costOf(raw?.length ?? 0, note))) return;
    const e: TranscriptEntry = { t: this.now(), client, dir };
    if (raw) e.hex = raw.subarray(0, MAX_HEX_BYTES).toString('hex');
    if (packet) e.packet = packetView(packet);
    let n = note;
    if (raw && raw.length > MAX_HEX_BYTES)
      n = `${n ? `${n}; ` : ''}${raw.length} bytes, hex cut at ${MAX_HEX_BYTES}`;
    if (n !== undefined) e.note = n;
    this.push(e);
  }

  event(client: string, note: string, raw?: Buffer): void {
    const cost = costOf(raw?.length ?? 0, note);
    if (
      this.entries.length >= MAX_ENTRIES + EVENT_RESERVE_ENTRIES ||
      this.bytes + cost > MAX_CASE_BYTES + EVENT_RESERVE_BYTES
    ) {
      this.dropped++;
      return;
    }
    this.bytes += cost;
    const e: TranscriptEntry = { t: this.now(), client, dir: 'event', note };
    if (raw && raw.length > 0) e.hex = raw.subarray(0, MAX_HEX_BYTES).toString('hex');
    this.push(e);
  }

  /** The entries, with a closing note when some were dropped. */
  finish(): TranscriptEntry[] {
    for (const [client, t] of this.perClient) {
      if (t.dropped === 0) continue;
      this.entries.push({
        t: this.now(),
        client,
        dir: 'event',
        note:
          `transcript truncated: ${t.dropped} more packets of ${client || 'the case'} (about ` +
          `${Math.ceil(t.droppedBytes / 1024)} KiB) not recorded; limits ${MAX_CLIENT_BYTES / 1024} KiB per ` +
          `client, ${MAX_CASE_BYTES / 1024} KiB and ${MAX_ENTRIES} entries per case`,
      });
      t.dropped = 0;
      t.droppedBytes = 0;
    }
    if (this.dropped > 0) {
      this.entries.push({
        t: this.now(),
        client: '',
        dir: 'event',
        note: `transcript truncated: ${this.dropped} more events not recorded`,
      });
      this.dropped = 0;
    }
    return this.entries;
  }
}
