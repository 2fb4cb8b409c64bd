// The Connection interface every connector returns, and its implementation over a net/tls socket.
import type { Socket } from 'node:net';
import type { Scheme } from './url.ts';

/**
 * How a ws connection frames one write: `binary` (the default, what MQTT requires), `text` (a TEXT data frame,
 * which MQTT-6.0.0-1 forbids), `unmasked` (a binary frame without the client mask RFC 6455 section 5.1 requires).
 */
export type WsFrameKind = 'binary' | 'text' | 'unmasked';

export interface Connection {
  /** tcp/tls: socket write; ws: one binary frame. Returns false when the caller should wait for drain. */
  write(data: Buffer): boolean;
  /**
   * ws/wss only (absent on tcp/tls): writes `data` as one frame of the given kind, for testing how a server
   * treats frames MQTT or RFC 6455 forbid. Returns false when the caller should wait for drain.
   */
  writeFrame?(data: Buffer, frame: WsFrameKind): boolean;
  /** Raw chunks as they arrive (ws: each binary message's bytes). The engine decodes. */
  onData(cb: (chunk: Buffer) => void): void;
  /** Fires exactly once; `error` is set when the connection failed rather than closed cleanly. */
  onClose(cb: (info: { error?: Error }) => void): void;
  /** Fires when the write buffer has drained after write() returned false. */
  onDrain(cb: () => void): void;
  /** Graceful close (FIN / ws close frame). */
  end(): void;
  /** Abrupt close (socket destroyed / ws terminated). */
  destroy(): void;
  readonly closed: boolean;
  readonly scheme: Scheme;
  /** Bytes queued but not yet handed to the OS. */
  readonly bufferedAmount: number;
  /** tcp/tls: the underlying socket (lean load clients cork/uncork it); ws: undefined. */
  readonly raw: Socket | undefined;
  /** ws/wss: the negotiated subprotocol; '' otherwise. */
  readonly protocol: string;
  /** The local TCP port (a fault proxy tells its links apart by it); undefined once closed. */
  readonly localPort: number | undefined;
}

/** Milliseconds end() waits for the peer to close before destroying the socket. */
const END_GRACE_MS = 2000;

type CloseInfo = { error?: Error };

/** Shared bookkeeping: data listeners (buffered until the first one), single close notification. */
class ConnectionEvents {
  private dataCbs: Array<(chunk: Buffer) => void> = [];
  private pendingData: Buffer[] = [];
  private closeCbs: Array<(info: CloseInfo) => void> = [];
  private drainCbs: Array<() => void> = [];
  closeInfo: CloseInfo | undefined;

  onData(cb: (chunk: Buffer) => void): void {
    this.dataCbs.push(cb);
    if (this.pendingData.length > 0) {
      const queued = this.pendingData;
      this.pendingData = [];
      for (const c of queued) cb(c);
    }
  }

  emitData(chunk: Buffer): void {
    if (this.dataCbs.length === 0) {
      this.pendingData.push(chunk);
      return;
    }
    for (const cb of this.dataCbs) cb(chunk);
  }

  onDrain(cb: () => void): void {
    this.drainCbs.push(cb);
  }

  emitDrain(): void {
    for (const cb of this.drainCbs) cb();
  }

  onClose(cb: (info: CloseInfo) => void): void {
    if (this.closeInfo) {
      const info = this.closeInfo;
      queueMicrotask(() => cb(info));
      return;
    }
    this.closeCbs.push(cb);
  }

  emitClose(error?: Error): void {
    if (this.closeInfo) return;
    this.closeInfo = error ? { error } : {};
    const cbs = this.closeCbs;
    this.closeCbs = [];
    const info = this.closeInfo;
    for (const cb of cbs) cb(info);
  }
}

/**
 * What both connections share: the events and `closed`, the listeners, and an end() that starts a clean close
 * and forces it when the peer has not closed within END_GRACE_MS.
 */
export abstract class EventedConnection {
  protected readonly events = new ConnectionEvents();

  get closed(): boolean {
    return this.events.closeInfo !== undefined;
  }

  onData(cb: (chunk: Buffer) => void): void {
    this.events.onData(cb);
  }

  onClose(cb: (info: { error?: Error }) => void): void {
    this.events.onClose(cb);
  }

  onDrain(cb: () => void): void {
    this.events.onDrain(cb);
  }

  protected endWithGrace(close: () => void, force: () => void, onClosed: (cb: () => void) => void): void {
    if (this.closed) return;
    close();
    const t = setTimeout(force, END_GRACE_MS);
    t.unref();
    onClosed(() => clearTimeout(t));
  }
}

/** Connection over a connected net.Socket or tls.TLSSocket. */
export class SocketConnection extends EventedConnection implements Connection {
  private lastError: Error | undefined;

  constructor(
    private readonly socket: Socket,
    readonly scheme: Scheme,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.events.emitData(chunk));
    socket.on('drain', () => this.events.emitDrain());
    socket.on('error', (err) => {
      this.lastError = err;
    });
    socket.on('close', () => {
      this.events.emitClose(this.lastError);
    });
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  get raw(): Socket {
    return this.socket;
  }

  get protocol(): string {
    return '';
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  write(data: Buffer): boolean {
    if (this.closed || this.socket.destroyed || this.socket.writableEnded) return false;
    return this.socket.write(data);
  }

  end(): void {
    this.endWithGrace(
      () => this.socket.end(),
      () => this.socket.destroy(),
      (cb) => this.socket.once('close', cb),
    );
  }

  destroy(): void {
    if (this.closed) return;
    // resetAndDestroy sends RST where supported (Node >= 16.17), closest to a dropped link.
    // TLS sockets refuse it (their handle is not a TCP handle): plain destroy then.
    const s = this.socket as Socket & { resetAndDestroy?: () => Socket };
    if (this.scheme === 'mqtt' && typeof s.resetAndDestroy === 'function' && !s.connecting) {
      try {
        s.resetAndDestroy();
        return;
      } catch {
        // fall through
      }
    }
    s.destroy();
  }
}
