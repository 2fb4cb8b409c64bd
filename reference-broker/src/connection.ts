// One client connection: framing, decoding, keep alive, the corked writer, and dispatch to the
// packet handlers. Packets other than PUBLISH go through the shared codec; PUBLISH is parsed
// directly (wire.ts) because it is the hot path.
import {
  type DecodeError,
  Decoder,
  encode,
  type Packet,
  type ProtocolVersion,
} from '../../src/protocol/codec.ts';
import type { Broker } from './broker.ts';
import { handlePuback, handlePubcomp, handlePubrec, handlePubrel } from './handlers/acks.ts';
import { connectFast } from './handlers/connect-fast.ts';
import { dispatch } from './handlers/index.ts';
import type { Session } from './session.ts';
import { describe, describeIn } from './trace-format.ts';
import type { Transport, TransportEvents } from './transport.ts';
import { type InPublish, newInPublish, parsePublish } from './wire.ts';

export interface Will {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  props: Buffer | undefined;
  expiryInterval: number;
  delay: number;
}

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

export class Connection implements TransportEvents {
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
  private buf: Buffer | undefined;
  /** chunks of a large frame still arriving, and the bytes it needs */
  private parts: Buffer[] = [];
  private partsLen = 0;
  private need = 0;
  private decoder: Decoder | undefined;
  private readonly pub: InPublish = newInPublish();
  private decoded: Packet | undefined;
  private decodeErr: DecodeError | undefined;
  private outTrace: Decoder | undefined;
  /** largest packet read once connected (maximumPacketSize; -1 = the protocol maximum) */
  readonly maxIn: number;
  /** largest packet read now: maxConnectPacketSize until the CONNECT is accepted, then maxIn */
  private limitIn: number;
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
    this.limitIn = Math.min(this.maxIn, cfg.maxConnectPacketSize);
    this.maxOut = cfg.maxOutputBufferBytes;
    transport.attach(this);
    transport.limitInput(this.limitIn);
    this.connectTimer = setTimeout(() => {
      if (this.state === 'new' || this.state === 'auth') this.destroy(); // A1.4
    }, cfg.connectTimeoutMs);
  }

  /** The CONNECT was accepted: the connect deadline (which covers AUTH exchanges) ends and packets up
   * to maximumPacketSize are read from now on. */
  accepted(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.limitIn = this.maxIn;
    // a WebSocket message may carry several packets: at least the ws library's own default
    this.transport.limitInput(Math.max(this.maxIn + 5, 100 * 1024 * 1024));
  }

  onData(chunk: Buffer) {
    if (!this.broker.faults['keepalive-pingreq-only']) this.lastRx = Date.now();
    this.broker.stats.bytesReceived += chunk.length;
    this.process(chunk);
  }

  /** Backpressure from the router: stop reading (and stop parsing the current chunk). */
  pauseReading(): void {
    this.readPaused = true;
    this.transport.pause();
  }

  resumeReading(): void {
    if (!this.readPaused) return;
    this.readPaused = false;
    this.transport.resume();
    const rest = this.buf;
    if (rest && this.state === 'connected') {
      this.buf = undefined;
      this.process(rest);
    }
  }

  private process(chunk: Buffer) {
    if (this.need > 0) {
      // a large frame is still arriving: collect the chunks, join them once it is complete
      // (joining on every read would copy O(n^2) bytes for big packets)
      this.parts.push(chunk);
      this.partsLen += chunk.length;
      if (this.partsLen < this.need) return;
      chunk = Buffer.concat(this.parts, this.partsLen);
      this.parts = [];
      this.partsLen = 0;
      this.need = 0;
    }
    let b = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    this.buf = undefined;
    let off = 0;
    let pendingTotal = 0;
    const len = b.length;
    while (off < len && this.state !== 'closed' && this.state !== 'closing' && !this.readPaused) {
      if (len - off < 2) break;
      let rem = 0;
      let mult = 1;
      let i = off + 1;
      let done = false;
      for (let n = 0; n < 4 && i < len; n++) {
        const x = b[i++]!;
        rem += (x & 0x7f) * mult;
        mult *= 128;
        if ((x & 0x80) === 0) {
          // MQTT-1.5.5-1 (5.0) / 2.2.3 (3.1.1): the fewest bytes possible; a trailing 0x00 is overlong
          if (x === 0 && n > 0) return this.protocolError(0x81, 'remaining length not minimally encoded');
          done = true;
          break;
        }
        if (n === 3) return this.protocolError(0x81, 'remaining length longer than 4 bytes'); // MQTT-1.5.5
      }
      if (!done) break;
      const total = i - off + rem;
      if (total > this.limitIn) {
        // before CONNECT is accepted: at most maxConnectPacketSize bytes are ever held for the socket
        if (this.state !== 'connected') return this.protocolError(0x95, 'CONNECT or AUTH packet too large');
        // MQTT-3.2.2-15: packet larger than the server's Maximum Packet Size => DISCONNECT 0x95
        if (!this.broker.faults['ignore-max-packet-size'])
          return this.protocolError(0x95, 'packet too large');
      }
      if (len - off < total) {
        pendingTotal = total;
        break;
      }
      const frame = b.subarray(off, off + total);
      const bodyStart = i - off;
      off += total;
      try {
        this.onFrame(frame, bodyStart);
      } catch (e) {
        // a bug or an unexpected packet shape must never take the broker down: close this one
        this.broker.logger(
          `internal error on ${this.clientId || this.transport.remote}: ${(e as Error).stack}`,
        );
        this.closeWithError(0x83, 'implementation specific error');
        return;
      }
    }
    if (off < len && this.state !== 'closed' && this.state !== 'closing') {
      b = b.subarray(off);
      if (pendingTotal > 65536 && !this.readPaused) {
        this.parts = [b];
        this.partsLen = b.length;
        this.need = pendingTotal;
      } else this.buf = off === 0 && b === chunk ? Buffer.from(b) : b;
    }
  }

  private onFrame(frame: Buffer, bodyStart: number) {
    this.broker.stats.packetsReceived++;
    const type = frame[0]! >> 4;
    if (this.state === 'new') {
      if (type !== 1) return this.protocolError(0x82, 'first packet is not CONNECT'); // MQTT-3.1.0-1
      if (!this.startDecoder(frame, bodyStart)) return;
      if (connectFast(this, frame, bodyStart)) return; // a plain CONNECT, without mqtt-packet
    }
    if (type === 3 && this.state === 'connected') {
      const p = parsePublish(frame, bodyStart, this.v5, this.pub);
      if (this.broker.config.trace) this.broker.trace(this, 'in', describeIn(p));
      if (p.error !== undefined) {
        if (this.broker.faults['accept-malformed']) return;
        return this.protocolError(p.errorCode, p.error);
      }
      this.broker.onPublish(this, p);
      return;
    }
    if (type >= 4 && type <= 7 && frame.length === 4 && this.state === 'connected') {
      // hot path: a plain PUBACK / PUBREC / PUBREL / PUBCOMP (reserved flags checked, id non-zero)
      const id = (frame[2]! << 8) | frame[3]!;
      if (frame[0] === ACK_HEADER[type - 4] && id !== 0) {
        if (this.broker.config.trace)
          this.broker.trace(this, 'in', `${ACK_NAME[type - 4]} {"messageId":${id}}`);
        if (type === 4) handlePuback(this, id);
        else if (type === 5) handlePubrec(this, id, undefined);
        else if (type === 6) handlePubrel(this, id);
        else handlePubcomp(this, id);
        return;
      }
    }
    this.decoded = undefined;
    this.decodeErr = undefined;
    this.decoder ??= new Decoder(this.version, this); // made on first use: not on the CONNACK path
    this.decoder.push(frame);
    if (this.decodeErr !== undefined || this.decoded === undefined) {
      if (this.broker.faults['accept-malformed'] && this.state === 'connected') {
        this.decoder = new Decoder(this.version, this);
        return;
      }
      // MQTT-2.2.2-2 / MQTT-3.1.2-3 / MQTT-1.5.4-1: malformed packet => close (0x81)
      return this.protocolError(
        0x81,
        (this.decodeErr as DecodeError | undefined)?.message ?? 'malformed packet',
      );
    }
    const pk = this.decoded;
    if (this.broker.config.trace) this.broker.trace(this, 'in', describe(pk));
    dispatch(this, pk, frame);
  }

  /** Reads the protocol level of the first CONNECT and answers unsupported levels (MQTT-3.1.2-2). */
  private startDecoder(frame: Buffer, bodyStart: number): boolean {
    let level = -1;
    let name = '';
    if (frame.length >= bodyStart + 2) {
      const nl = frame.readUInt16BE(bodyStart);
      if (frame.length >= bodyStart + 2 + nl + 1) {
        name = frame.toString('latin1', bodyStart + 2, bodyStart + 2 + nl);
        level = frame[bodyStart + 2 + nl]! & 0x7f;
      }
    }
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

  // DecoderHandlers
  packet(p: Packet): void {
    this.decoded = p;
  }
  error(err: DecodeError): void {
    this.decodeErr = err;
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
    if (this.state === 'closed' || this.overflowed) return;
    const held = this.transport.buffered();
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
