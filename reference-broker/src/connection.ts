// One client connection: framing (src/protocol's FrameReader), keep alive, the corked writer, and
// dispatch to the packet handlers. Packets other than PUBLISH and the plain acks go through the shared
// codec (packet-decoder.ts); PUBLISH is read in place (wire.ts) because it is the hot path.
import { Decoder, encode, type Packet, type ProtocolVersion } from '../../src/protocol/codec.ts';
import { type FrameErrorKind, FrameReader, MAX_REMAINING_LENGTH } from '../../src/protocol/frames.ts';
import type { Broker } from './broker.ts';
import type { ClientLink, Will } from './client-link.ts';
import { handlePuback, handlePubcomp, handlePubrec, handlePubrel } from './handlers/acks.ts';
import { connectFast } from './handlers/connect-fast.ts';
import { dispatch } from './handlers/index.ts';
import { handlePublish } from './handlers/publish.ts';
import { connectProtocol, FrameDecoder } from './packet-decoder.ts';
import type { Session } from './session.ts';
import { describe, describeIn } from './trace-format.ts';
import type { Transport, TransportEvents } from './transport.ts';
import { type InPublish, newInPublish, parsePublishAt } from './wire.ts';

const ACK_HEADER = [0x40, 0x50, 0x62, 0x70];
const ACK_NAME = ['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'];

function uncorkConn(c: Connection): void {
  c.corked = false;
  c.pendingAcks = 0;
  c.transport.uncork();
}

function keepAliveCheck(c: Connection): void {
  c.kaTimer = undefined;
  if (c.state === 'closed') return;
  const limit = c.keepAlive * 1500; // MQTT-3.1.2-24 (3.1.1) / MQTT-3.1.2-22 (5.0): 1.5 x Keep Alive
  const idle = Date.now() - c.lastRx;
  if (idle >= limit) {
    c.broker.log(`keep alive expired for ${c.clientId}`);
    c.closeWithError(0x8d, 'keep alive timeout');
    return;
  }
  c.kaTimer = setTimeout(keepAliveCheck, limit - idle, c);
}

export class Connection implements TransportEvents, ClientLink {
  state: 'new' | 'auth' | 'connected' | 'closing' | 'closed' = 'new';
  version: ProtocolVersion = 4;
  v5 = false;
  clientId = '';
  username: string | undefined;
  session: Session | undefined;
  will: Will | undefined;
  keepAlive = 0;
  kaTimer: NodeJS.Timeout | undefined;
  connectTimer: NodeJS.Timeout | undefined;
  lastRx = Date.now();
  corked = false;
  /** QoS 1 PUBACKs written in the current batch (still unacknowledged on the wire) */
  pendingAcks = 0;
  /** client's limits (v5 CONNECT properties) */
  sendQuota = 65535;
  clientMaxPacket = 0;
  clientAliasMax = 0;
  outAliases: Map<string, number> | undefined;
  inAliases: Map<number, string> | undefined;
  requestProblemInfo = true;
  /** enhanced authentication state (auth/scram.ts) */
  authState: unknown;
  authMethod: string | undefined;
  connectPacket: Packet | undefined;
  /** publish the will when this connection ends (false after a normal DISCONNECT) */
  willOnClose = true;
  readPaused = false;
  /** frames the client's stream: Remaining Length rules and the inbound size limit */
  private readonly reader: FrameReader;
  private decoder: FrameDecoder | undefined;
  private readonly pub: InPublish = newInPublish();
  private outTrace: Decoder | undefined;
  /** largest packet read once connected (maximumPacketSize; -1 = the protocol maximum) */
  readonly maxIn: number;
  /** bytes held for this client before it is disconnected (maxOutputBufferBytes) */
  private readonly maxOut: number;
  /** the largest single packet written since the output last drained (allowed on top of maxOut) */
  private bigOut = 0;
  /** closed for not reading: nothing more is written (QoS 1/2 stay in flight for a resumed session) */
  private overflowed = false;

  constructor(
    readonly broker: Broker,
    readonly transport: Transport,
  ) {
    const cfg = broker.config;
    this.maxIn = cfg.maximumPacketSize > 0 ? cfg.maximumPacketSize : 268435460;
    // the largest packet read now: maxConnectPacketSize until the CONNECT is accepted, then maxIn
    const limitIn = Math.min(this.maxIn, cfg.maxConnectPacketSize);
    this.reader = new FrameReader(this, limitIn, { minimalLength: true });
    this.maxOut = cfg.maxOutputBufferBytes;
    transport.attach(this);
    transport.limitInput(limitIn);
    this.connectTimer = setTimeout(() => {
      if (this.state === 'new' || this.state === 'auth') this.destroy(); // A1.4
    }, cfg.connectTimeoutMs);
  }

  /** The CONNECT was accepted: the connect deadline (which covers AUTH exchanges) ends and packets up
   * to maximumPacketSize are read from now on. */
  accepted(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    // test-only variation ignore-max-packet-size: a connected client's packets are not limited
    this.reader.maxPacketSize = this.broker.faults['ignore-max-packet-size']
      ? MAX_REMAINING_LENGTH + 5
      : this.maxIn;
    // a WebSocket message may carry several packets: at least the ws library's own default
    this.transport.limitInput(Math.max(this.maxIn + 5, 100 * 1024 * 1024));
  }

  onData(chunk: Buffer): void {
    if (!this.broker.faults['keepalive-pingreq-only']) this.lastRx = Date.now();
    this.broker.stats.bytesReceived += chunk.length;
    this.process(chunk);
  }

  /** Backpressure from the router: stop reading (and stop parsing the current chunk). */
  pauseReading(): void {
    this.readPaused = true;
    this.transport.pause();
    this.reader.pause();
  }

  resumeReading(): void {
    if (!this.readPaused) return;
    this.readPaused = false;
    this.transport.resume();
    if (this.state === 'connected') this.reader.resume();
  }

  private process(chunk: Buffer) {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.reader.push(chunk);
  }

  // FrameSink: one whole frame of the client's stream
  frame(buf: Buffer, start: number, end: number, headerLength: number): void {
    try {
      this.onFrame(buf, start, end, headerLength);
    } catch (e) {
      // a bug or an unexpected packet shape must never take the broker down: close this one
      this.broker.logger(
        `internal error on ${this.clientId || this.transport.remote}: ${(e as Error).stack}`,
      );
      this.closeWithError(0x83, 'implementation specific error');
    }
    if (this.state === 'closed' || this.state === 'closing') this.reader.stop();
  }

  // FrameSink: the stream cannot be framed (Remaining Length) or a packet is over the limit
  error(kind: FrameErrorKind, message: string): void {
    // MQTT-1.5.5-1 / 2.2.3: a Remaining Length of more than 4 bytes or not minimally encoded => 0x81
    if (kind === 'framing') this.protocolError(0x81, message);
    // before CONNECT is accepted: at most maxConnectPacketSize bytes are ever held for the socket
    else if (this.state !== 'connected') this.protocolError(0x95, 'CONNECT or AUTH packet too large');
    // MQTT-3.2.2-15: packet larger than the server's Maximum Packet Size => DISCONNECT 0x95
    else this.protocolError(0x95, 'packet too large');
  }

  /** One frame, buf[start, end): PUBLISH and plain acks read in place (the hot path), the rest decoded. */
  private onFrame(buf: Buffer, start: number, end: number, headerLength: number) {
    this.broker.stats.packetsReceived++;
    const type = buf[start]! >> 4;
    if (this.state === 'connected') {
      if (type === 3) return this.onPublishFrame(buf, start, end, headerLength);
      if (type >= 4 && type <= 7 && end - start === 4 && this.onAckFrame(type, buf, start)) return;
    }
    const frame = buf.subarray(start, end);
    if (this.state === 'new') {
      if (type !== 1) return this.protocolError(0x82, 'first packet is not CONNECT'); // MQTT-3.1.0-1
      if (!this.startDecoder(frame, headerLength)) return;
      if (connectFast(this, frame, headerLength)) return; // a plain CONNECT, without mqtt-packet
    }
    this.decoder ??= new FrameDecoder(this.version); // made on first use: not on the CONNACK path
    const pk = this.decoder.decode(frame);
    if (typeof pk === 'string') {
      if (this.broker.faults['accept-malformed'] && this.state === 'connected') {
        this.decoder.reset();
        return;
      }
      // MQTT-2.2.2-2 / MQTT-3.1.2-3 / MQTT-1.5.4-1: malformed packet => close (0x81)
      return this.protocolError(0x81, pk);
    }
    if (this.broker.config.trace) this.broker.trace(this, 'in', describe(pk));
    dispatch(this, pk, frame);
  }

  private onPublishFrame(buf: Buffer, start: number, end: number, headerLength: number): void {
    const p = parsePublishAt(buf, start, start + headerLength, end, this.v5, this.pub);
    if (this.broker.config.trace) this.broker.trace(this, 'in', describeIn(p));
    if (p.error === undefined) handlePublish(this, p);
    else if (!this.broker.faults['accept-malformed']) this.protocolError(p.errorCode, p.error);
  }

  /** A plain PUBACK / PUBREC / PUBREL / PUBCOMP (reserved flags checked, id non-zero); false = decode it. */
  private onAckFrame(type: number, buf: Buffer, start: number): boolean {
    const id = (buf[start + 2]! << 8) | buf[start + 3]!;
    if (buf[start] !== ACK_HEADER[type - 4] || id === 0) return false;
    if (this.broker.config.trace) this.broker.trace(this, 'in', `${ACK_NAME[type - 4]} {"messageId":${id}}`);
    if (type === 4) handlePuback(this, id);
    else if (type === 5) handlePubrec(this, id, undefined);
    else if (type === 6) handlePubrel(this, id);
    else handlePubcomp(this, id);
    return true;
  }

  /** Reads the protocol level of the first CONNECT and answers unsupported levels (MQTT-3.1.2-2). */
  private startDecoder(frame: Buffer, bodyStart: number): boolean {
    const { name, level } = connectProtocol(frame, bodyStart);
    if (level === -1) {
      this.protocolError(0x81, 'malformed CONNECT');
      return false;
    }
    if (name !== 'MQTT' && name !== 'MQIsdp') {
      // MQTT-3.1.2-1: wrong protocol name => close without CONNACK
      this.destroy();
      return false;
    }
    if (level !== 3 && level !== 4 && level !== 5) {
      // MQTT-3.1.2-2 (3.1.1): CONNACK 0x01 unacceptable protocol level, then close; 5.0: 0x84
      this.rawWrite(Buffer.from([0x20, 0x02, 0x00, 0x01]));
      this.end();
      return false;
    }
    if ((level === 3 && name !== 'MQIsdp') || (level !== 3 && name !== 'MQTT')) {
      this.destroy();
      return false;
    }
    this.version = level as ProtocolVersion;
    this.v5 = level === 5;
    return true;
  }

  setKeepAlive(seconds: number): void {
    this.keepAlive = seconds;
    if (this.kaTimer) clearTimeout(this.kaTimer);
    this.kaTimer = undefined;
    if (seconds > 0 && !this.broker.faults['no-keepalive']) {
      this.kaTimer = setTimeout(keepAliveCheck, seconds * 1500, this);
    }
  }

  /** Queue bytes for the peer; all writes of one tick leave in one batch. */
  write(buf: Buffer): void {
    this.writeHeld(buf, this.transport.buffered());
  }

  /** write(), for a caller that has just read transport.buffered() (held) and written nothing since. */
  writeHeld(buf: Buffer, held: number): void {
    if (this.state === 'closed' || this.overflowed) return;
    if (held > this.maxOut + this.bigOut) {
      this.outputOverflow(held);
      return;
    }
    if (buf.length > this.bigOut) this.bigOut = buf.length;
    if (!this.corked) {
      this.corked = true;
      this.transport.cork();
      // a durable store releases the writes of this turn after their state is committed
      if (this.broker.store.durable) this.broker.store.holdWrites(this);
      else process.nextTick(uncorkConn, this);
    }
    this.broker.stats.bytesSent += buf.length;
    if (this.broker.config.trace) this.traceOut(buf);
    this.transport.write(buf);
  }

  /** The client does not read what it is sent: disconnect rather than hold its output without bound. */
  private outputOverflow(held: number): void {
    this.overflowed = true;
    this.broker.stats.slowClientsClosed++;
    this.broker.log(
      `closing ${this.clientId || this.transport.remote}: ${held} bytes of output not read (maxOutputBufferBytes ${this.maxOut})`,
    );
    this.destroy();
  }

  private rawWrite(buf: Buffer): void {
    this.transport.write(buf);
  }

  send(p: Packet): void {
    this.write(encode(p, this.version));
  }

  private traceOut(buf: Buffer): void {
    this.outTrace ??= new Decoder(this.version, {
      packet: (p) => this.broker.trace(this, 'out', describe(p)),
      error: () => {
        this.outTrace = undefined;
      },
    });
    this.outTrace.push(buf);
  }

  /** A protocol violation: v5 gets DISCONNECT with the reason code, then the connection closes. */
  protocolError(reasonCode: number, reason: string): void {
    this.broker.log(`closing ${this.clientId || this.transport.remote}: ${reason}`);
    this.closeWithError(reasonCode, reason);
  }

  closeWithError(reasonCode: number, reason: string): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    if (this.v5 && this.state === 'connected') {
      const properties: Record<string, unknown> = {};
      if (this.broker.config.reasonStrings && this.requestProblemInfo) properties.reasonString = reason;
      // test-only variation: another error code than the one the spec names (4.13 leaves the choice open)
      const code = this.broker.faults['other-error-reason-code'] && reasonCode >= 0x80 ? 0x83 : reasonCode;
      this.send({ cmd: 'disconnect', reasonCode: code, properties } as Packet);
    }
    this.end();
  }

  /** Writes held for a durable store's commit go out (persist/sqlite.ts, after the commit). */
  releaseWrites(): void {
    if (this.corked) uncorkConn(this);
  }

  /** Flush and close; the will is published (unless cleared). */
  end(): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.state = 'closing';
    this.broker.store.commitNow(); // what the last writes report is stored before they leave
    if (this.corked) uncorkConn(this);
    this.transport.end();
    this.broker.onConnectionEnded(this);
  }

  destroy(): void {
    if (this.state === 'closed') return;
    this.transport.destroy();
    if (this.state !== 'closing') {
      this.state = 'closing';
      this.broker.onConnectionEnded(this);
    }
  }

  onTransportClose(): void {
    if (this.state !== 'closing' && this.state !== 'closed') {
      this.state = 'closing';
      this.broker.onConnectionEnded(this);
    }
    this.state = 'closed';
    if (this.kaTimer) clearTimeout(this.kaTimer);
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.kaTimer = undefined;
    this.broker.onTransportClosed(this);
  }

  onDrain(): void {
    if (this.transport.buffered() === 0) this.bigOut = 0;
    if (this.session && this.session.conn === this) this.broker.pump(this.session);
  }
}
