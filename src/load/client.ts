// A lean MQTT client: one object per connection with a handful of fields, no per-message allocation on the
// publish path (template copied into a batch buffer and patched), a minimal inbound parser, acks batched per read.
import { type FrameErrorKind, FrameReader } from '../protocol/frames.ts';
import type { GroupSpec } from '../scenario/load-profile/model.ts';
import { AckBatch } from './ack-batch.ts';
import type { ClientHost } from './client-host.ts';
import { type DialEvents, type DialOptions, dial, type Sock } from './dial.ts';
import { Outbound } from './outbound.ts';
import { clock, patchHeader, readHeader } from './payload.ts';
import type { PlannedClient } from './plan.ts';
import { resumeSession } from './session-resume.ts';
import {
  connackReceiveMaximum,
  connectPacket,
  PINGREQ,
  type PublishTemplate,
  publishTemplate,
  readPublish,
  subackRefusal,
  subscribePacket,
  T,
} from './wire.ts';

export type { ClientHost };

enum S {
  Idle = 0,
  Connecting = 1,
  Subscribing = 2,
  Ready = 3,
  Closed = 4,
}

const MAX_BUFFERED = 8 * 1024 * 1024;

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
  inflight: Outbound | undefined;
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
  /** acknowledgements of the chunk being read, written once per chunk */
  private readonly acks = new AckBatch(this);
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
    this.acks.flush();
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
    if (type === T.PUBLISH) this.onPublish(flags, buf, body, end, now);
    else if (type === T.PUBACK || type === T.PUBCOMP) this.onCompleted(type, buf, body, end, now);
    else if (type === T.PUBREC || type === T.PUBREL)
      this.onQos2Step(type, buf.readUInt16BE(body), buf, body, end, now);
    else if (type === T.CONNACK) this.onConnack(buf, body, end, now);
    else if (type === T.SUBACK) {
      const refused = subackRefusal(buf, body, end, this.group.version === 5);
      if (refused >= 0) this.fail(`suback.refused-0x${refused.toString(16)}`);
      else {
        this.host.stats.latency(this.plan.group, 'suback', now - this.sentAt);
        this.becomeReady();
      }
    } else if (type === T.DISCONNECT) {
      const v5 = this.group.version === 5 && end > body;
      this.host.stats.error(
        v5 ? `server-disconnect-0x${(buf[body] as number).toString(16)}` : 'server-disconnect',
        now,
      );
    } else if (type !== T.PINGRESP) this.protocolError(`unexpected-packet-type-${type}`);
  }

  /** PUBREC (our QoS 2 PUBLISH received: PUBREL, or the flow ends on a failure code) or PUBREL (PUBCOMP). */
  private onQos2Step(type: number, pid: number, buf: Buffer, body: number, end: number, now: number): void {
    if (type === T.PUBREL) {
      this.qos2In?.delete(pid);
      this.acks.add(T.PUBCOMP, pid);
      return;
    }
    if (this.group.version === 5 && end - body > 2 && (buf[body + 2] as number) >= 0x80) {
      this.inflight?.drop(pid);
      this.host.stats.error(`pubrec.reason-0x${(buf[body + 2] as number).toString(16)}`, now);
      return;
    }
    this.inflight?.pubrec(pid);
    this.acks.add(T.PUBREL, pid);
  }

  /** A delivery: acknowledged (QoS 1/2), checked against QoS 2 duplicates, measured and recorded. */
  private onPublish(flags: number, buf: Buffer, body: number, end: number, now: number): void {
    const stats = this.host.stats;
    const ip = this.host.scratchPublish;
    if (!readPublish(buf, flags, body, end, this.group.version === 5, ip)) {
      this.protocolError('publish.malformed');
      return;
    }
    if (ip.qos === 1) this.acks.add(T.PUBACK, ip.packetId);
    else if (ip.qos === 2) {
      this.acks.add(T.PUBREC, ip.packetId);
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
    stats.delivered(this.plan.group, ip.qos, now, h.intended, h.actual);
    this.deliveredInChunk++;
    if (this.plan.stream >= 0) stats.ledger.record(h.publisher, this.plan.stream, h.seq, ip.qos);
  }

  /** PUBACK / PUBCOMP: the end of one of our QoS 1/2 flows. */
  private onCompleted(type: number, buf: Buffer, body: number, end: number, now: number): void {
    const stats = this.host.stats;
    const g = this.plan.group;
    const pid = buf.readUInt16BE(body);
    const t0 = this.inflight?.complete(pid);
    if (t0 === undefined) {
      stats.error('ack.unknown-packet-id', now);
      return;
    }
    if (this.group.version === 5 && end - body > 2 && (buf[body + 2] as number) >= 0x80) {
      stats.error(`ack.reason-0x${(buf[body + 2] as number).toString(16)}`, now);
      return;
    }
    stats.latency(g, type === T.PUBACK ? 'puback' : 'pubcomp', now - t0);
    (stats.groups[g] as { acked: number }).acked++;
    stats.bump('acked', now, 1);
  }

  private onConnack(buf: Buffer, body: number, end: number, now: number): void {
    if (this.state !== S.Connecting) {
      this.protocolError('connack.unexpected');
      return;
    }
    const rc = buf[body + 1] as number;
    if (rc !== 0) {
      this.fail(`connack.refused-0x${rc.toString(16)}`);
      return;
    }
    this.host.stats.latency(this.plan.group, 'connack', now - this.sentAt);
    if (this.group.version === 5) this.receiveMax = connackReceiveMaximum(buf, body, end);
    const kept = resumeSession(this, ((buf[body] as number) & 1) === 1);
    if (!kept) this.qos2In = undefined;
    const resumed = kept && this.wasReady;
    if (this.plan.filters.length > 0 && !resumed) {
      this.state = S.Subscribing;
      this.sentAt = now;
      this.write(subscribePacket(1, this.plan.filters, this.group.version));
    } else this.becomeReady();
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
