// A lean MQTT client: one object per connection with a handful of fields, no per-message allocation on the
// publish path (template copied into a batch buffer and patched), a minimal inbound parser, acks batched per read.
import { type FrameErrorKind, FrameReader } from '../protocol/frames.ts';
import type { GroupSpec } from '../scenario/load-profile/model.ts';
import { type DialEvents, type DialOptions, dial, type Sock, type Via } from './dial.ts';
import { Outbound } from './outbound.ts';
import { clock, type DecodedHeader, patchHeader, readHeader } from './payload.ts';
import type { PlannedClient } from './plan.ts';
import type { WorkerStats } from './stats.ts';
import {
  connackReceiveMaximum,
  connectPacket,
  type InboundPublish,
  PINGREQ,
  type PublishTemplate,
  publishTemplate,
  readPublish,
  subscribePacket,
  T,
} from './wire.ts';

export interface ClientHost {
  readonly stats: WorkerStats;
  readonly brokerUrl: URL;
  /** Source addresses to rotate over (loopback brokers only), else empty. */
  readonly localAddresses: string[];
  readonly scratchPublish: InboundPublish;
  readonly scratchHeader: DecodedHeader;
  /** Called once per connection attempt when it settles (ready = CONNACK ok and SUBACK received). */
  settled(c: LeanClient, ok: boolean): void;
  /** Read batching window (ms, 0 = off) and the clients paused until the next window. */
  readonly readBatchMs: number;
  readonly pausedReads: LeanClient[];
  lost(c: LeanClient): void;
  /** Largest inbound frame accepted; a larger one closes the connection (counted as an error). */
  readonly maxInboundPacket: number;
  /** The fault proxy this client's connections go through (fault phases), if any. */
  via(c: LeanClient): Via | undefined;
}

enum S {
  Idle = 0,
  Connecting = 1,
  Subscribing = 2,
  Ready = 3,
  Closed = 4,
}

const MAX_BUFFERED = 8 * 1024 * 1024;
const ackScratch = Buffer.allocUnsafe(64 * 1024);

export class LeanClient {
  state: S = S.Idle;
  sock: Sock | undefined;
  /** Time CONNECT / SUBSCRIBE went out (common clock ms). */
  private sentAt = 0;
  /** Frames the inbound stream of the current connection (created on first data). */
  private reader: FrameReader | undefined;
  /** Clock reading of the chunk being framed (one reading per chunk, not per message). */
  private chunkNow = 0;
  private nextPid = 0;
  private inflight: Outbound | undefined;
  private receiveMax = 65535;
  private tpl: PublishTemplate | undefined;
  seq = 0;
  lastSend = 0;
  /** Messages assigned to this client in the current tick, and its write offset in the tick's arena. */
  tickCount = 0;
  tickOffset = 0;
  tickEnd = 0;
  /** When the current connection attempt started (for the connect timeout). */
  startedAt = 0;
  dropping = false;
  private ackLen = 0;
  private deliveredInChunk = 0;
  /** Inbound QoS 2 packet ids awaiting PUBREL (subscribers of QoS 2 only). */
  private qos2In: Set<number> | undefined;
  /** Connected (CONNACK + SUBACK) at least once: later attempts are reconnects. */
  wasReady = false;
  /** Failed reconnect attempts in a row (backoff exponent). */
  retries = 0;
  /** Connection attempts so far (the first one settles the initial connect phase). */
  attempts = 0;

  constructor(
    readonly host: ClientHost,
    readonly plan: PlannedClient,
    readonly group: GroupSpec,
  ) {}

  get ready(): boolean {
    return this.state === S.Ready;
  }

  get connecting(): boolean {
    return this.state === S.Connecting || this.state === S.Subscribing;
  }

  get publishBytes(): number {
    return this.template().bytes.length;
  }

  get backlogged(): boolean {
    return (this.sock?.writableLength ?? 0) > MAX_BUFFERED;
  }

  template(): PublishTemplate {
    if (!this.tpl) {
      const p = this.group.publish;
      if (!p || this.plan.topic === undefined) throw new Error('not a publisher');
      this.tpl = publishTemplate(
        this.plan.topic,
        p.qos,
        p.retain,
        p.payload.size,
        this.plan.n,
        this.group.version,
        p.payload.template !== undefined ? Buffer.from(p.payload.template) : undefined,
      );
    }
    return this.tpl;
  }

  connect(): void {
    this.attempts++;
    this.state = S.Connecting;
    this.reader = undefined;
    // A clean session starts empty: unacknowledged publishes of a dropped connection are abandoned (counted).
    // A persistent session keeps them until the CONNACK says whether the broker kept the session.
    if (this.group.clean && this.inflight) {
      const n = this.inflight.clear();
      if (n > 0) this.host.stats.count('inflight.abandoned', n);
    }
    if (this.group.clean) this.qos2In = undefined;
    if (this.wasReady) this.host.stats.count('reconnect.attempts');
    this.dropping = false;
    this.startedAt = clock();
    this.host.stats.count('connect.attempts');
    const la = this.host.localAddresses;
    const via = this.host.via(this);
    const opts: DialOptions = {
      url: this.host.brokerUrl,
      timeoutMs: this.group.connect.timeoutMs,
      version: this.group.version,
      key: this.plan.n,
    };
    if (via) opts.via = via;
    else if (la.length > 0) opts.localAddress = la[this.plan.n % la.length] as string;
    dial(opts, this.events);
  }

  private readonly events: DialEvents = {
    attach: (s) => {
      this.sock = s;
    },
    open: () => this.onOpen(),
    data: (d) => this.onData(d),
    close: (s) => this.onClose(s),
    fail: (r) => this.fail(r),
    waiting: () => this.state === S.Connecting,
  };

  private onOpen(): void {
    const g = this.group;
    this.sentAt = clock();
    this.write(
      connectPacket({
        clientId: this.plan.clientId,
        version: g.version,
        clean: g.clean,
        keepAlive: g.keepAlive,
        sessionExpiry: g.sessionExpiry,
      }),
    );
  }

  /** Connect attempt failed (refused, timeout, CONNACK error): counted once. */
  fail(reason: string): void {
    if (this.state !== S.Connecting && this.state !== S.Subscribing) return;
    const now = clock();
    this.host.stats.error(reason, now);
    // A failed reconnect (broker restarting, link still cut) is retried, not a failure to connect at all.
    if (this.wasReady) this.host.stats.count('reconnect.failures');
    else {
      this.host.stats.count('connect.failures');
      (this.host.stats.groups[this.plan.group] as { connectFailures: number }).connectFailures++;
    }
    this.state = S.Closed;
    this.sock?.destroy();
    this.host.settled(this, false);
  }

  private onClose(s: Sock): void {
    if (s !== this.sock) return;
    const was = this.state;
    this.state = S.Closed;
    if (was === S.Connecting || was === S.Subscribing) {
      this.state = was;
      this.fail('connect.closed');
      return;
    }
    if (was === S.Ready) this.host.lost(this);
  }

  /** Abrupt drop (reconnect storm) or graceful end (finish). */
  close(graceful: boolean): void {
    const s = this.sock;
    const was = this.state;
    this.state = S.Closed;
    if (!s) return;
    if (graceful && was === S.Ready) {
      s.write(Buffer.from([0xe0, 0x00]));
      s.end();
    } else s.destroy();
  }

  write(b: Buffer): void {
    this.sock?.write(b);
    this.lastSend = clock();
  }

  ping(): void {
    this.write(PINGREQ);
  }

  /**
   * Writes the next PUBLISH into arena[off..] with header patched. Returns false (nothing written) when the
   * message cannot go out now: no free packet id or Receive Maximum reached (MQTT-3.3.4-7).
   */
  fillPublish(arena: Buffer, off: number, intended: number, now: number): boolean {
    const t = this.template();
    const qos = this.group.publish?.qos ?? 0;
    if (qos > 0) {
      if (!this.inflight) this.inflight = new Outbound(!this.group.clean);
      const inf = this.inflight;
      if (inf.size >= this.receiveMax) return false;
      const pid = (this.nextPid % 65535) + 1;
      if (inf.has(pid)) return false;
      this.nextPid = pid;
      t.bytes.copy(arena, off);
      arena.writeUInt16BE(pid, off + t.packetIdOffset);
      // Persistent sessions keep a view of the bytes (the arena is never reused) for a resend after reconnect.
      inf.add(pid, now, inf.keep ? arena.subarray(off, off + t.bytes.length) : undefined);
    } else t.bytes.copy(arena, off);
    patchHeader(arena, off + t.payloadOffset, this.seq++, intended, now);
    return true;
  }

  /** Resumes reading after a read-batching pause (called by the worker once per window). */
  resumeReads(): void {
    this.sock?.resume?.();
  }

  private onData(chunk: Buffer): void {
    if (this.host.readBatchMs > 0 && this.sock?.pause) {
      this.sock.pause();
      this.host.pausedReads.push(this);
    }
    this.chunkNow = clock();
    if (!this.reader) this.reader = new FrameReader(this, this.host.maxInboundPacket);
    this.reader.push(chunk);
    if (this.deliveredInChunk > 0) {
      this.host.stats.bump('delivered', this.chunkNow, this.deliveredInChunk);
      this.deliveredInChunk = 0;
    }
    this.flushAcks();
  }

  private queueAck(type: number, pid: number): void {
    if (this.ackLen + 4 > ackScratch.length) this.flushAcks();
    const o = this.ackLen;
    ackScratch[o] = (type << 4) | (type === T.PUBREL ? 2 : 0);
    ackScratch[o + 1] = 2;
    ackScratch.writeUInt16BE(pid, o + 2);
    this.ackLen += 4;
  }

  private flushAcks(): void {
    if (this.ackLen === 0) return;
    this.sock?.write(Buffer.from(ackScratch.subarray(0, this.ackLen)));
    this.ackLen = 0;
  }

  /** FrameSink: one whole inbound frame (the reader enforces the size cap and the 4-byte length). */
  frame(buf: Buffer, start: number, end: number, headerLength: number): void {
    if (this.state === S.Closed) return;
    const b0 = buf[start] as number;
    this.onFrame(b0 >> 4, b0 & 15, buf, start + headerLength, end, this.chunkNow);
  }

  /** FrameSink: the broker's stream cannot be framed (5-byte length, or a frame over the cap). */
  error(kind: FrameErrorKind): void {
    this.protocolError(kind === 'too-large' ? 'inbound.too-large' : 'inbound.malformed-length');
  }

  private onFrame(type: number, flags: number, buf: Buffer, body: number, end: number, now: number): void {
    const stats = this.host.stats;
    const g = this.plan.group;
    const v5 = this.group.version === 5;
    switch (type) {
      case T.PUBLISH: {
        const ip = this.host.scratchPublish;
        if (!readPublish(buf, flags, body, end, v5, ip)) {
          this.protocolError('publish.malformed');
          return;
        }
        if (ip.qos === 1) this.queueAck(T.PUBACK, ip.packetId);
        else if (ip.qos === 2) {
          this.queueAck(T.PUBREC, ip.packetId);
          // Exactly once: a PUBLISH re-sent before our PUBREC reached the broker (same packet id, awaiting
          // PUBREL) gets PUBREC again and is not a new delivery [MQTT-4.3.3-10]; after PUBCOMP the id is free [MQTT-4.3.3-12].
          if (!this.qos2In) this.qos2In = new Set();
          if (this.qos2In.has(ip.packetId)) {
            stats.count('qos2.resent');
            return;
          }
          this.qos2In.add(ip.packetId);
        }
        const h = this.host.scratchHeader;
        if (!readHeader(buf, ip.payloadStart, end, h)) {
          stats.ledger.foreign++;
          return;
        }
        stats.delivered(g, ip.qos, now, h.intended, h.actual);
        this.deliveredInChunk++;
        if (this.plan.stream >= 0) stats.ledger.record(h.publisher, this.plan.stream, h.seq, ip.qos);
        return;
      }
      case T.PUBACK:
      case T.PUBCOMP: {
        const pid = buf.readUInt16BE(body);
        const t0 = this.inflight?.complete(pid);
        if (t0 === undefined) {
          stats.error('ack.unknown-packet-id', now);
          return;
        }
        if (v5 && end - body > 2 && (buf[body + 2] as number) >= 0x80) {
          stats.error(`ack.reason-0x${(buf[body + 2] as number).toString(16)}`, now);
          return;
        }
        stats.latency(g, type === T.PUBACK ? 'puback' : 'pubcomp', now - t0);
        (stats.groups[g] as { acked: number }).acked++;
        stats.bump('acked', now, 1);
        return;
      }
      case T.PUBREC: {
        const pid = buf.readUInt16BE(body);
        if (v5 && end - body > 2 && (buf[body + 2] as number) >= 0x80) {
          this.inflight?.drop(pid);
          stats.error(`pubrec.reason-0x${(buf[body + 2] as number).toString(16)}`, now);
          return;
        }
        this.inflight?.pubrec(pid);
        this.queueAck(T.PUBREL, pid);
        return;
      }
      case T.PUBREL: {
        const pid = buf.readUInt16BE(body);
        this.qos2In?.delete(pid);
        this.queueAck(T.PUBCOMP, pid);
        return;
      }
      case T.CONNACK: {
        if (this.state !== S.Connecting) {
          this.protocolError('connack.unexpected');
          return;
        }
        const rc = buf[body + 1] as number;
        if (rc !== 0) {
          this.fail(`connack.refused-0x${rc.toString(16)}`);
          return;
        }
        stats.latency(g, 'connack', now - this.sentAt);
        if (v5) this.receiveMax = connackReceiveMaximum(buf, body, end);
        const resumed = this.resume(((buf[body] as number) & 1) === 1);
        if (this.plan.filters.length > 0 && !resumed) {
          this.state = S.Subscribing;
          this.sentAt = now;
          this.write(subscribePacket(1, this.plan.filters, this.group.version));
        } else this.becomeReady();
        return;
      }
      case T.SUBACK: {
        let p = body + 2;
        if (v5) {
          let len = 0;
          let mult = 1;
          for (let n = 0; n < 4; n++) {
            const b = buf[p++] as number;
            len += (b & 0x7f) * mult;
            mult *= 128;
            if (!(b & 0x80)) break;
          }
          p += len;
        }
        for (; p < end; p++)
          if ((buf[p] as number) >= 0x80) {
            this.fail(`suback.refused-0x${(buf[p] as number).toString(16)}`);
            return;
          }
        stats.latency(g, 'suback', now - this.sentAt);
        this.becomeReady();
        return;
      }
      case T.PINGRESP:
        return;
      case T.DISCONNECT:
        stats.error(
          v5 && end > body
            ? `server-disconnect-0x${(buf[body] as number).toString(16)}`
            : 'server-disconnect',
          now,
        );
        return;
      default: {
        this.protocolError(`unexpected-packet-type-${type}`);
        return;
      }
    }
  }

  /**
   * After CONNACK: with the session resumed, resend what is unacknowledged; without it, the client's session state
   * is discarded [MQTT-3.2.2-5 / 3.1.1 MQTT-4.1.0-1]. Returns true when the broker kept the subscriptions too.
   */
  private resume(sessionPresent: boolean): boolean {
    const stats = this.host.stats;
    if (!sessionPresent || this.group.clean) {
      const n = this.inflight?.clear() ?? 0;
      if (n > 0) stats.count('inflight.abandoned', n);
      if (this.wasReady && !this.group.clean) stats.count('session.lost');
      this.qos2In = undefined;
      return false;
    }
    const r = this.inflight?.resend();
    if (r && r.bytes.length > 0) {
      this.write(r.bytes);
      if (r.publishes > 0) stats.count('resent.publish', r.publishes);
      if (r.pubrels > 0) stats.count('resent.pubrel', r.pubrels);
    }
    return this.wasReady;
  }

  private becomeReady(): void {
    this.state = S.Ready;
    this.wasReady = true;
    this.retries = 0;
    this.host.settled(this, true);
  }

  private protocolError(what: string): void {
    this.host.stats.error(what, clock());
    if (this.state === S.Connecting || this.state === S.Subscribing) this.fail(what);
    else this.close(false);
  }
}
