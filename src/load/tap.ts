// Test support: an MQTT-aware TCP tap between load clients and a broker (127.0.0.1 only). It records every frame
// each way per connection (with the CONNECT's client id) and lets a test rewrite the broker-to-client stream:
// drop a frame, answer the broker in the client's name (so a dropped message is truly lost), or inject a frame.
import net from 'node:net';

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

/** Splits complete MQTT frames off the front of buf. */
export function splitFrames(buf: Buffer): { list: Buffer[]; rest: Buffer } {
  const list: Buffer[] = [];
  let off = 0;
  while (off + 2 <= buf.length) {
    let len = 0;
    let mult = 1;
    let p = off + 1;
    let ok = false;
    for (let n = 0; n < 4 && p < buf.length; n++) {
      const b = buf[p++] as number;
      len += (b & 0x7f) * mult;
      mult *= 128;
      if (!(b & 0x80)) {
        ok = true;
        break;
      }
    }
    if (!ok || p + len > buf.length) break;
    list.push(Buffer.from(buf.subarray(off, p + len)));
    off = p + len;
  }
  return { list, rest: Buffer.from(buf.subarray(off)) };
}

/** Client id of a CONNECT frame (3.1.1 and 5.0). */
export function clientIdOf(f: Buffer): string {
  let p = 1;
  while ((f[p] as number) & 0x80) p++;
  p++;
  p += 2 + f.readUInt16BE(p);
  const level = f[p] as number;
  p += 4;
  if (level === 5) {
    let len = 0;
    let mult = 1;
    for (;;) {
      const b = f[p++] as number;
      len += (b & 0x7f) * mult;
      mult *= 128;
      if (!(b & 0x80)) break;
    }
    p += len;
  }
  return f.subarray(p + 2, p + 2 + f.readUInt16BE(p)).toString();
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
    let up: Buffer = Buffer.alloc(0);
    let down: Buffer = Buffer.alloc(0);
    client.on('data', (d: Buffer) => {
      const { list, rest } = splitFrames(Buffer.concat([up, d]));
      up = rest;
      for (const f of list) {
        if (conn.clientId === '' && (f[0] as number) >> 4 === 1) conn.clientId = clientIdOf(f);
        frames.push({ conn: conn.index, clientId: conn.clientId, dir: 'up', bytes: f });
        const out = opts.up ? opts.up(f, conn) : [f];
        for (const o of out) broker.write(o);
      }
    });
    broker.on('data', (d: Buffer) => {
      const { list, rest } = splitFrames(Buffer.concat([down, d]));
      down = rest;
      for (const f of list) {
        frames.push({ conn: conn.index, clientId: conn.clientId, dir: 'down', bytes: f });
        const out = opts.down ? opts.down(f, conn) : [f];
        for (const o of out) client.write(o);
      }
    });
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
