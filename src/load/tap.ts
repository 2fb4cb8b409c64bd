// Test support: an MQTT-aware TCP tap between load clients and a broker (127.0.0.1 only). It records every frame
// each way per connection (with the CONNECT's client id) and lets a test rewrite the broker-to-client stream:
// drop a frame, answer the broker in the client's name (so a dropped message is truly lost), or inject a frame.
import net from 'node:net';
import { frameBody, readConnectHeader } from '../protocol/connect-header.ts';
import { frameSplitter } from '../protocol/frames.ts';

export interface TapFrame {
  conn: number;
  clientId: string;
  dir: 'up' | 'down';
  bytes: Buffer;
}

interface TapConn {
  index: number;
  clientId: string;
  /** Write to the broker as if the client had sent it. */
  toBroker(b: Buffer): void;
  /** Write to the client as if the broker had sent it. */
  toClient(b: Buffer): void;
}

interface TapOptions {
  brokerPort: number;
  /** Broker-to-client frames: return the frames to forward to the client (default: the frame itself). */
  down?(frame: Buffer, c: TapConn): Buffer[];
  /** Client-to-broker frames: return the frames to forward to the broker (default: the frame itself). */
  up?(frame: Buffer, c: TapConn): Buffer[];
}

interface Tap {
  port: number;
  url: string;
  frames: TapFrame[];
  close(): Promise<void>;
}

/** Client id of a CONNECT frame (3.1.1 and 5.0); '' when the frame is too short to hold one. */
export function clientIdOf(f: Buffer): string {
  const body = frameBody(f);
  const h = body && readConnectHeader(f, body.bodyAt, body.end);
  if (!h || h.payloadAt < 0 || h.payloadAt + 2 > body.end) return '';
  const at = h.payloadAt + 2;
  return f.subarray(at, Math.min(at + f.readUInt16BE(h.payloadAt), body.end)).toString();
}

export async function startTap(opts: TapOptions): Promise<Tap> {
  const frames: TapFrame[] = [];
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((client) => {
    const broker = net.connect({ host: '127.0.0.1', port: opts.brokerPort });
    sockets.add(client).add(broker);
    const conn: TapConn = {
      index: count++,
      clientId: '',
      toBroker: (b) => broker.write(b),
      toClient: (b) => client.write(b),
    };
    const up = frameSplitter((f) => {
      if (conn.clientId === '' && (f[0] as number) >> 4 === 1) conn.clientId = clientIdOf(f);
      frames.push({ conn: conn.index, clientId: conn.clientId, dir: 'up', bytes: f });
      const out = opts.up ? opts.up(f, conn) : [f];
      for (const o of out) broker.write(o);
    });
    const down = frameSplitter((f) => {
      frames.push({ conn: conn.index, clientId: conn.clientId, dir: 'down', bytes: f });
      const out = opts.down ? opts.down(f, conn) : [f];
      for (const o of out) client.write(o);
    });
    client.on('data', (d: Buffer) => up.push(d));
    broker.on('data', (d: Buffer) => down.push(d));
    const close = (): void => {
      client.destroy();
      broker.destroy();
      sockets.delete(client);
      sockets.delete(broker);
    };
    for (const s of [client, broker]) {
      s.on('error', close);
      s.on('close', close);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    frames,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
