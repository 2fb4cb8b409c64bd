// WebSocket connector (ws://, wss://): subprotocol `mqtt` (`mqttv3.1` for MQTT 3.1), binary frames by default;
// writeFrame() also sends TEXT frames and unmasked binary frames, to test how a server treats them.
// MQTT over WebSockets: packets may span frames and a frame may hold several packets; we hand
// raw message bytes to the engine, whose decoder reassembles the stream.
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';
import { type Connection, EventedConnection, type WsFrameKind } from './connection.ts';
import { classifyConnectError, TransportError } from './errors.ts';
import type { ConnectOptions } from './options.ts';
import { resolveTls, viaIdentity } from './tls.ts';
import type { Endpoint } from './url.ts';

/** The subprotocol to request for a protocol level (3 = MQTT 3.1). */
function wsSubprotocol(version: 3 | 4 | 5 | undefined): string {
  return version === 3 ? 'mqttv3.1' : 'mqtt';
}

/**
 * The header of a final, unmasked binary frame (FIN + opcode 2, MASK bit clear) carrying `length` payload
 * bytes (RFC 6455 section 5.2: 7-bit length, or 126 + 16-bit, or 127 + 64-bit).
 */
export function unmaskedFrameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x82, length]);
  if (length < 0x10000) {
    const h = Buffer.alloc(4);
    h[0] = 0x82;
    h[1] = 126;
    h.writeUInt16BE(length, 2);
    return h;
  }
  const h = Buffer.alloc(10);
  h[0] = 0x82;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/** Above this many buffered bytes write() reports backpressure. */
const WS_HIGH_WATER = 64 * 1024;

class WsConnection extends EventedConnection implements Connection {
  private error: Error | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly scheme: 'ws' | 'wss',
  ) {
    super();
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) {
        // MQTT over WebSockets requires binary frames; a text frame is a broker deviation.
        this.error = new Error('broker sent a WebSocket text frame (MQTT requires binary frames)');
        ws.terminate();
        return;
      }
      const chunk = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data as ArrayBuffer);
      this.events.emitData(chunk);
    });
    ws.on('error', (err) => {
      this.error ??= err;
    });
    ws.on('close', () => this.events.emitClose(this.error));
    this.socket()?.on('drain', () => this.events.emitDrain());
  }

  private socket(): Socket | undefined {
    return (this.ws as unknown as { _socket?: Socket })._socket;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  get raw(): undefined {
    return undefined;
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  get localPort(): number | undefined {
    return this.socket()?.localPort;
  }

  write(data: Buffer): boolean {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(data, { binary: true });
    return this.ws.bufferedAmount < WS_HIGH_WATER;
  }

  writeFrame(data: Buffer, frame: WsFrameKind): boolean {
    if (frame === 'binary') return this.write(data);
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    if (frame === 'text') {
      // ws sends a Buffer as given (no UTF-8 check on send): one TEXT frame, masked as usual
      this.ws.send(data, { binary: false });
      return this.ws.bufferedAmount < WS_HIGH_WATER;
    }
    // Unmasked: ws always masks client frames, so the frame is written by hand on the socket under it. Without
    // permessage-deflate ws writes each frame to the socket synchronously, so this one cannot split another.
    const socket = this.socket();
    if (!socket || socket.destroyed) return false;
    return socket.write(Buffer.concat([unmaskedFrameHeader(data.length), data]));
  }

  end(): void {
    this.endWithGrace(
      () => this.ws.close(1000),
      () => this.ws.terminate(),
      (cb) => this.ws.once('close', cb),
    );
  }

  destroy(): void {
    if (this.closed) return;
    this.ws.terminate();
  }
}

/** ws through a fault proxy: dial the proxy, keep the URL's host for the Host header and TLS. */
function viaConnection(
  ep: Endpoint,
  opts: ConnectOptions,
  tlsOpts: ReturnType<typeof resolveTls> | undefined,
): () => Socket {
  const via = opts.via as { host: string; port: number };
  const local = opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {};
  return () =>
    tlsOpts
      ? tls.connect({ host: via.host, port: via.port, ...tlsOpts, ...viaIdentity(ep, opts), ...local })
      : net.connect({ host: via.host, port: via.port, ...local });
}

export function connectWs(ep: Endpoint, opts: ConnectOptions): Promise<Connection> {
  const secure = ep.scheme === 'wss';
  const scheme = secure ? 'wss' : 'ws';
  const host = ep.host.includes(':') ? `[${ep.host}]` : ep.host;
  const target = `${scheme}://${host}:${ep.port}${ep.path}`;
  const tlsOpts = secure ? resolveTls(ep, opts.tls) : undefined;
  return new Promise<Connection>((resolve, reject) => {
    let settled = false;
    const ws = new WebSocket(target, [wsSubprotocol(opts.version)], {
      perMessageDeflate: false,
      followRedirects: false,
      ...(tlsOpts ?? {}),
      ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
      ...(opts.via ? { createConnection: viaConnection(ep, opts, tlsOpts) } : {}),
    });
    const fail = (err: TransportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      reject(err);
    };
    const timer = setTimeout(() => {
      fail(
        new TransportError(
          'timeout',
          ep.display,
          `connecting to ${ep.display} timed out after ${opts.timeoutMs} ms`,
        ),
      );
    }, opts.timeoutMs);
    ws.once('unexpected-response', (_req, res) => {
      fail(
        new TransportError(
          'handshake',
          ep.display,
          `WebSocket upgrade to ${ep.display} refused: HTTP ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim(),
        ),
      );
    });
    ws.once('error', (err: Error & { code?: string }) => {
      if (
        err.code === undefined &&
        /subprotocol|Sec-WebSocket|server response|handshake/i.test(err.message)
      ) {
        fail(
          new TransportError(
            'handshake',
            ep.display,
            `WebSocket handshake with ${ep.display} failed: ${err.message}`,
          ),
        );
      } else fail(classifyConnectError(err, ep.display, secure ? 'tls' : 'ws'));
    });
    ws.once('close', () =>
      fail(
        new TransportError('handshake', ep.display, `WebSocket to ${ep.display} closed during the handshake`),
      ),
    );
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      resolve(new WsConnection(ws, scheme));
    });
  });
}
