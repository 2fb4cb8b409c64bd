// Listeners: tcp, tls, ws, wss. WebSocket listeners accept the "mqtt" and "mqttv3.1" subprotocols
// on the configured path and carry MQTT in binary frames.
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server as HttpServer } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createNet, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTls } from 'node:tls';
import { WebSocketServer } from 'ws';
import type { Broker } from './broker.ts';
import type { ListenerConfig, ListenerKind } from './config/schema.ts';
import { Connection } from './connection.ts';
import { SocketTransport, type Transport, WsTransport } from './transport.ts';

export interface RunningListener {
  kind: ListenerKind;
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** A new client connection on transport t (sockets, WebSockets, and the in-process warm-up). */
export function acceptTransport(broker: Broker, t: Transport): void {
  broker.conns.add(new Connection(broker, t));
}

/**
 * Pending connections the kernel queues for accept(): Node's default is 511, and a storm of connects
 * beyond it has its SYNs dropped and retried 1 s, 3 s... later (CONNACK latency in seconds). Linux caps
 * the value at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 65535;

function listen(server: NetServer | HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

function closeServer(server: NetServer | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startListener(broker: Broker, l: ListenerConfig): Promise<RunningListener> {
  const onSocket = (s: Socket) => acceptTransport(broker, new SocketTransport(s));
  const scheme = { tcp: 'mqtt', tls: 'mqtts', ws: 'ws', wss: 'wss' }[l.kind];
  const urlHost = l.host.includes(':') ? `[${l.host}]` : l.host;
  // A1.4: a TLS handshake or a WebSocket upgrade that does not complete within connectTimeoutMs is
  // closed, like a socket that sends no CONNECT (the CONNECT deadline starts once they complete)
  const limit = broker.config.connectTimeoutMs;
  const tlsOpts = () => ({ cert: readFileSync(l.cert!), key: readFileSync(l.key!), handshakeTimeout: limit });
  if (l.kind === 'tcp' || l.kind === 'tls') {
    const server = l.kind === 'tcp' ? createNet({ noDelay: true }, onSocket) : createTls(tlsOpts(), onSocket);
    server.on('error', () => {});
    // a handshake that timed out (or failed) is not closed by node itself once it is reported
    server.on('tlsClientError', (_err: Error, socket: { destroy(): void }) => socket.destroy());
    const port = await listen(server, l.host, l.port);
    return {
      kind: l.kind,
      host: l.host,
      port,
      url: `${scheme}://${urlHost}:${port}`,
      close: () => closeServer(server),
    };
  }
  const httpOpts = {
    headersTimeout: limit,
    requestTimeout: limit,
    connectionsCheckingInterval: Math.min(1000, limit),
  };
  const http = l.kind === 'ws' ? createHttp(httpOpts) : createHttps({ ...tlsOpts(), ...httpOpts });
  const path = l.path ?? '/mqtt';
  const wss = new WebSocketServer({
    server: http,
    path,
    perMessageDeflate: false,
    // per connection: maxConnectPacketSize until CONNECT is accepted, then maximumPacketSize (Connection)
    maxPayload: Math.max(broker.config.maxConnectPacketSize, 1024),
    handleProtocols: (protocols) => {
      for (const p of ['mqtt', 'mqttv3.1']) if (protocols.has(p)) return p; // MQTT-6.0.0-3
      return false;
    },
  });
  // TEXT frames are refused in WsTransport (MQTT-6.0.0-1); unmasked client frames never reach it: the ws server
  // closes the connection on them itself (RFC 6455 section 5.1; see src/engine/frames.integration.test.ts)
  // the upgrade request must complete within the limit too (silent sockets, slow headers)
  const pending = new WeakMap<object, NodeJS.Timeout>();
  const arm = (sock: Socket) => {
    const t = setTimeout(() => sock.destroy(), limit);
    t.unref();
    pending.set(sock, t);
    sock.once('close', () => clearTimeout(t));
  };
  http.on(l.kind === 'ws' ? 'connection' : 'secureConnection', arm);
  if (l.kind === 'wss') http.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
  wss.on('connection', (ws, req) => {
    clearTimeout(pending.get(req.socket));
    acceptTransport(broker, new WsTransport(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
  });
  wss.on('error', () => {});
  http.on('error', () => {});
  const port = await listen(http, l.host, l.port);
  return {
    kind: l.kind,
    host: l.host,
    port,
    url: `${scheme}://${urlHost}:${port}${path}`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      http.closeAllConnections?.();
      await closeServer(http);
    },
  };
}
