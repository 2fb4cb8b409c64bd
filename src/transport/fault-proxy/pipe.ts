// One direction of a proxied link: reads from one socket, applies the lasting faults in force (latency and
// jitter, bandwidth, slicing, black hole) and writes to the other. Memory is bounded: past HIGH_WATER bytes held
// (queued here or buffered in the destination socket) the source is paused, so its TCP window fills.
import type { Socket } from 'node:net';
import { acts, type FaultState } from './types.ts';

const HIGH_WATER = 1024 * 1024;
/** Bandwidth is paced in steps of this many ms worth of bytes. */
const PACE_MS = 10;

interface PipeStats {
  bytes: number;
  writes: number;
}

export class Pipe {
  private readonly queue: Array<{ buf: Buffer; at: number }> = [];
  private queued = 0;
  private lastAt = 0;
  private busyUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private pumping = false;
  /** Set when this direction is shut: incoming bytes are read and discarded. */
  closed = false;
  /** FIN from the source: end the destination once the queue is written. */
  private ending = false;
  readonly stats: PipeStats = { bytes: 0, writes: 0 };

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    readonly dir: 'toBroker' | 'toClient',
    private readonly state: () => FaultState,
  ) {
    src.on('data', (d: Buffer) => this.onData(d));
    src.on('end', () => {
      this.ending = true;
      this.pump();
    });
    dst.on('drain', () => this.pump());
  }

  private onData(d: Buffer): void {
    if (this.closed) return;
    const st = this.state();
    let at = performance.now();
    const lat = st.latency && acts(st.latency.direction, this.dir) ? st.latency : undefined;
    if (lat) at += Math.max(0, lat.latencyMs + (Math.random() * 2 - 1) * lat.jitterMs);
    // TCP delivers in order: jitter delays, it never reorders.
    if (at < this.lastAt) at = this.lastAt;
    this.lastAt = at;
    this.queue.push({ buf: d, at });
    this.queued += d.length;
    if (this.queued > HIGH_WATER) this.src.pause();
    this.pump();
  }

  /** Writes whatever may go now; schedules itself for what must wait. */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      this.drain();
    } finally {
      this.pumping = false;
    }
  }

  private drain(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dst.destroyed) return;
    const st = this.state();
    const hole = st.blackhole && acts(st.blackhole.direction, this.dir);
    const bw = st.bandwidth && acts(st.bandwidth.direction, this.dir) ? st.bandwidth : undefined;
    const slice = st.slice && acts(st.slice.direction, this.dir) ? st.slice : undefined;
    while (this.queue.length > 0 && !hole) {
      if (this.dst.writableLength > HIGH_WATER) return; // 'drain' pumps again
      const now = performance.now();
      const head = this.queue[0] as { buf: Buffer; at: number };
      const wait = Math.max(head.at - now, bw ? this.busyUntil - now : 0);
      if (wait > 0) {
        this.later(wait);
        return;
      }
      let n = head.buf.length;
      if (bw) n = Math.min(n, Math.max(1, Math.floor((bw.bytesPerSec * PACE_MS) / 1000)));
      if (slice) n = Math.min(n, slice.size);
      const piece = n === head.buf.length ? head.buf : head.buf.subarray(0, n);
      if (n === head.buf.length) this.queue.shift();
      else head.buf = head.buf.subarray(n);
      this.queued -= n;
      this.stats.bytes += n;
      this.stats.writes++;
      this.dst.write(piece);
      if (bw) this.busyUntil = Math.max(now, this.busyUntil) + (n * 1000) / bw.bytesPerSec;
      if (slice && this.queue.length > 0) {
        // A separate write in a later turn of the event loop is a separate segment (Nagle is off).
        this.timer = setTimeout(() => this.pump(), slice.delayMs);
        return;
      }
    }
    if (this.queued <= HIGH_WATER / 2 && this.src.isPaused() && !hole) this.src.resume();
    if (hole && this.queued <= HIGH_WATER && this.src.isPaused()) this.src.resume();
    if (this.queue.length === 0 && this.ending && !this.dst.writableEnded) this.dst.end();
  }

  private later(ms: number): void {
    this.timer = setTimeout(() => this.pump(), Math.max(0, Math.ceil(ms)));
  }

  /** Bytes read but not yet written. */
  get held(): number {
    return this.queued;
  }

  /** Stop forwarding this way and discard what is held. */
  shut(): void {
    this.closed = true;
    this.queue.length = 0;
    this.queued = 0;
    if (this.src.isPaused()) this.src.resume();
    this.stop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
