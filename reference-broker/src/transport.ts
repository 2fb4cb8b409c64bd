// Byte transports under a connection: a TCP/TLS socket, or a WebSocket carrying MQTT in binary
// frames. cork()/uncork() batch the writes of one tick into one writev (socket) or one frame (ws).
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
  pause(): void;
  resume(): void;
  /** flush then close */
  end(): void;
  destroy(): void;
}

export class SocketTransport implements Transport {
  readonly remote: string;
  constructor(private readonly socket: Socket) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
  }
  attach(ev: TransportEvents): void {
    const s = this.socket;
    s.on('data', (c: Buffer) => ev.onData(c));
    s.on('drain', () => ev.onDrain());
    s.on('error', () => {});
    s.on('close', (hadError: boolean) => ev.onTransportClose(hadError));
  }
  cork(): void {
    this.socket.cork();
  }
  write(buf: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(buf);
  }
  uncork(): void {
    this.socket.uncork();
  }
  buffered(): number {
    return this.socket.writableLength;
  }
  pause(): void {
    this.socket.pause();
  }
  resume(): void {
    this.socket.resume();
  }
  end(): void {
    if (this.socket.destroyed) return;
    this.socket.end();
    // do not wait forever for a peer that never reads
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }
  destroy(): void {
    this.socket.destroy();
  }
}

export class WsTransport implements Transport {
  readonly remote: string;
  private parts: Buffer[] = [];
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
    if (this.corked) this.parts.push(buf);
    else if (this.ws.readyState === 1) this.ws.send(buf, { binary: true });
  }
  uncork(): void {
    this.corked = false;
    if (this.parts.length === 0) return;
    const b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    if (this.ws.readyState === 1) this.ws.send(b, { binary: true });
  }
  buffered(): number {
    return this.ws.bufferedAmount;
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
