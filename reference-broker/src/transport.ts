// Byte transports under a connection: a TCP/TLS socket, or a WebSocket carrying MQTT in binary
// frames. cork()/uncork() batch the writes of one tick into one buffer (socket) or one frame (ws).
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

export interface TransportEvents {
  onData(chunk: Buffer): void;
  onTransportClose(hadError: boolean): void;
  onDrain(): void;
}

export interface Transport {
  readonly remote: string;
  attach(ev: TransportEvents): void;
  cork(): void;
  write(buf: Buffer): void;
  uncork(): void;
  /** bytes accepted but not yet handed to the OS */
  buffered(): number;
  /** the most the transport may buffer of one incoming message (WebSocket frames; sockets stream) */
  limitInput(bytes: number): void;
  pause(): void;
  resume(): void;
  /** flush then close */
  end(): void;
  destroy(): void;
}

/**
 * The socket transport batches by itself instead of socket.cork(): everything written between cork()
 * and uncork() goes to the socket as ONE buffer, and while the socket is backed up (write() returned
 * false) further output is held here and handed over as one buffer on 'drain'. Node's own buffering
 * would hand libuv one writev of every small PUBLISH queued meanwhile (tens of thousands of buffers
 * for a few MiB), and libuv writes at most IOV_MAX (1024) buffers per event-loop turn: under a flood
 * of publishers (turns of ~1 s) such a backlog drains at ~1000 messages a turn while buffered()
 * stays above maxWriteBufferBytes, so every new QoS 0 delivery to that client is dropped.
 */
const COMPACT_AT = 256;

export class SocketTransport implements Transport {
  private peer: string | undefined;
  private parts: Buffer[] = [];
  private partsLen = 0;
  /** parts before this index are already merged (see compact) */
  private merged = 0;
  private corked = false;
  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
  }
  /** read when first needed (logs and traces, while the socket is open): a getpeername() per accepted
   *  socket is a measurable share of a connection storm */
  get remote(): string {
    this.peer ??= `${this.socket.remoteAddress}:${this.socket.remotePort}`;
    return this.peer;
  }
  attach(ev: TransportEvents): void {
    const s = this.socket;
    s.on('data', (c: Buffer) => ev.onData(c));
    s.on('drain', () => {
      this.flush();
      ev.onDrain();
    });
    s.on('error', () => {});
    s.on('close', (hadError: boolean) => ev.onTransportClose(hadError));
  }
  cork(): void {
    this.corked = true;
  }
  write(buf: Buffer): void {
    if (this.socket.destroyed) return;
    this.parts.push(buf);
    this.partsLen += buf.length;
    if (!this.corked) this.flush();
    if (this.parts.length - this.merged >= COMPACT_AT) this.compact();
  }
  /**
   * Output held while the socket is backed up (or within one large batch) is merged every COMPACT_AT
   * writes: held as separate Buffers, millions of 4-byte acks would cost ~100 bytes of heap each and
   * maxOutputBufferBytes would bound their bytes but not their memory. Each byte is copied once more.
   */
  private compact(): void {
    const tail = this.parts.splice(this.merged);
    this.parts.push(Buffer.concat(tail));
    this.merged = this.parts.length;
  }
  uncork(): void {
    this.corked = false;
    this.flush();
  }
  /** Hands the held bytes to the socket as one buffer, unless it is backed up (then on 'drain'). */
  private flush(force = false): void {
    if (this.parts.length === 0 || this.corked) return;
    const s = this.socket;
    if (s.destroyed) {
      this.parts = [];
      this.partsLen = 0;
      this.merged = 0;
      return;
    }
    if (s.writableNeedDrain && !force) return;
    const b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsLen);
    this.parts = [];
    this.partsLen = 0;
    this.merged = 0;
    s.write(b);
  }
  buffered(): number {
    return this.socket.writableLength + this.partsLen;
  }
  limitInput(): void {}
  pause(): void {
    this.socket.pause();
  }
  resume(): void {
    this.socket.resume();
  }
  end(): void {
    if (this.socket.destroyed) return;
    this.corked = false;
    this.flush(true);
    this.socket.end();
    // do not wait forever for a peer that never reads
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }
  destroy(): void {
    this.parts = [];
    this.partsLen = 0;
    this.merged = 0;
    this.socket.destroy();
  }
}

export class WsTransport implements Transport {
  readonly remote: string;
  private parts: Buffer[] = [];
  private partsLen = 0;
  private corked = false;
  constructor(
    private readonly ws: WebSocket,
    remote: string,
  ) {
    this.remote = remote;
  }
  attach(ev: TransportEvents): void {
    this.ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) {
        // MQTT over WebSocket uses binary frames only (MQTT-6.0.0-1)
        this.ws.terminate();
        return;
      }
      const c = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      ev.onData(c);
    });
    this.ws.on('error', () => {});
    this.ws.on('close', () => ev.onTransportClose(false));
  }
  cork(): void {
    this.corked = true;
  }
  write(buf: Buffer): void {
    if (this.corked) {
      this.parts.push(buf);
      this.partsLen += buf.length;
    } else if (this.ws.readyState === 1) this.ws.send(buf, { binary: true });
  }
  uncork(): void {
    this.corked = false;
    if (this.parts.length === 0) return;
    const b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsLen);
    this.parts = [];
    this.partsLen = 0;
    if (this.ws.readyState === 1) this.ws.send(b, { binary: true });
  }
  buffered(): number {
    return this.ws.bufferedAmount + this.partsLen;
  }
  limitInput(bytes: number): void {
    // ws checks each frame's announced length against its receiver's maxPayload before buffering it;
    // the option is per server, so the receiver of this connection is adjusted (checked by
    // peer-limits.integration.test.ts, which fails if a ws upgrade renames the field)
    const rx = (this.ws as unknown as { _receiver?: { _maxPayload?: number } })._receiver;
    if (rx && typeof rx._maxPayload === 'number') rx._maxPayload = bytes;
  }
  pause(): void {
    this.ws.pause();
  }
  resume(): void {
    this.ws.resume();
  }
  end(): void {
    this.uncork();
    this.ws.close();
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
  destroy(): void {
    this.ws.terminate();
  }
}
