// Wire transcript of one case run: every packet in and out with a monotonic timestamp (ms since the
// case started), raw bytes as hex and a JSON-safe decoded form; plus events (open, close, errors).
import { performance } from 'node:perf_hooks';
import type { TranscriptEntry } from '../results/model.ts';

/** Hex of raw bytes kept per entry; longer frames are cut (the note says so). */
const MAX_HEX_BYTES = 64 * 1024;
/** Entries kept per case; a flood beyond this is summarised by one event. */
const MAX_ENTRIES = 20_000;

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

export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private dropped = 0;

  constructor(readonly start: number = performance.now()) {}

  now(): number {
    return Math.round((performance.now() - this.start) * 1000) / 1000;
  }

  private push(e: TranscriptEntry): void {
    if (this.entries.length < MAX_ENTRIES) this.entries.push(e);
    else this.dropped++;
  }

  packet(
    client: string,
    dir: 'in' | 'out',
    raw: Buffer | undefined,
    packet: object | undefined,
    note?: string,
  ): void {
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
    const e: TranscriptEntry = { t: this.now(), client, dir: 'event', note };
    if (raw && raw.length > 0) e.hex = raw.subarray(0, MAX_HEX_BYTES).toString('hex');
    this.push(e);
  }

  /** The entries, with a closing note when some were dropped. */
  finish(): TranscriptEntry[] {
    if (this.dropped > 0) {
      this.entries.push({
        t: this.now(),
        client: '',
        dir: 'event',
        note: `${this.dropped} more entries not recorded`,
      });
      this.dropped = 0;
    }
    return this.entries;
  }
}
