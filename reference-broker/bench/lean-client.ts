// Lean raw-socket MQTT 3.1.1 clients for the broker benchmark: pre-encoded PUBLISH, batched writes,
// pipelined QoS 1/2 with a window, acknowledgements batched per read.
import { connect, type Socket } from 'node:net';
import { encode } from '../../src/protocol/codec.ts';
import { FrameReader } from '../../src/protocol/frames.ts';

let idSeq = 0;
let cleanSession = true;

/** false: every client connects with Clean Session 0 (persistent sessions, stored by a persistent broker). */
export function setCleanSession(clean: boolean): void {
  cleanSession = clean;
}

/** Opens a connection and completes CONNECT/CONNACK. */
export function openClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.setNoDelay(true);
    s.on('error', reject);
    s.once('connect', () => {
      s.write(
        encode(
          {
            cmd: 'connect',
            protocolId: 'MQTT',
            protocolVersion: 4,
            clientId: `bench-${process.pid}-${++idSeq}`,
            clean: cleanSession,
            keepalive: 0,
          },
          4,
        ),
      );
    });
    s.once('data', (d: Buffer) => {
      if (d[0] !== 0x20 || d[3] !== 0) reject(new Error('CONNACK refused'));
      else resolve(s);
    });
  });
}

/** Frame walker over src/protocol's frame reader: onFrame(first byte, buf, body start, end) per packet. */
export class Framer {
  private readonly reader: FrameReader;
  constructor(onFrame: (h: number, b: Buffer, body: number, end: number) => void) {
    this.reader = new FrameReader({
      frame: (buf, start, end, headerLength) => onFrame(buf[start]!, buf, start + headerLength, end),
      error: (_kind, message) => {
        throw new Error(`benchmark client: broker stream cannot be framed: ${message}`);
      },
    });
  }
  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }
}

/** QoS 0 PUBLISHes per write */
const BATCH = 64;

function ack(type: number, id: number): Buffer {
  return Buffer.from([type, 2, id >> 8, id & 0xff]);
}

export class Subscriber {
  received = 0;
  private constructor(readonly socket: Socket) {}
  static async create(port: number, filter: string, qos: number): Promise<Subscriber> {
    const s = await openClient(port);
    const sub = new Subscriber(s);
    await new Promise<void>((resolve) => {
      s.once('data', () => resolve());
      s.write(
        encode(
          { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: qos as 0 | 1 | 2 }] },
          4,
        ),
      );
    });
    const acks: Buffer[] = [];
    const framer = new Framer((h, b, body) => {
      const type = h >> 4;
      if (type === 3) {
        sub.received++;
        const q = (h >> 1) & 3;
        if (q > 0) {
          const tl = b.readUInt16BE(body);
          const id = b.readUInt16BE(body + 2 + tl);
          acks.push(q === 1 ? ack(0x40, id) : ack(0x50, id));
        }
      } else if (type === 6) acks.push(ack(0x70, b.readUInt16BE(body)));
    });
    s.on('data', (c: Buffer) => {
      framer.push(c);
      if (acks.length > 0) {
        s.write(acks.length === 1 ? acks[0]! : Buffer.concat(acks));
        acks.length = 0;
      }
    });
    s.on('error', () => {});
    return sub;
  }
  close(): void {
    this.socket.destroy();
  }
}

export class Publisher {
  /** PUBLISH packets handed to the socket (the loss of a load is sent x subscribers - received) */
  sent = 0;
  private running = false;
  private inflight = 0;
  private nextId = 1;
  private readonly template: Buffer;
  private readonly batch: Buffer | undefined;
  private constructor(
    readonly socket: Socket,
    topic: string,
    readonly qos: number,
    payloadSize: number,
    private readonly window: number,
  ) {
    this.template = encode(
      {
        cmd: 'publish',
        topic,
        qos: qos as 0 | 1 | 2,
        messageId: qos > 0 ? 1 : undefined,
        payload: Buffer.alloc(payloadSize, 0x61),
        retain: false,
        dup: false,
      } as never,
      4,
    );
    if (qos === 0) this.batch = Buffer.concat(new Array(BATCH).fill(this.template));
    const idOff = this.template.length - payloadSize - 2;
    const framer = new Framer((h, b, body) => {
      const type = h >> 4;
      if (type === 4 || type === 7) this.inflight--;
      else if (type === 5) socket.write(Buffer.from([0x62, 2, b[body]!, b[body + 1]!]));
    });
    socket.on('data', (c: Buffer) => {
      framer.push(c);
      this.fill(idOff);
    });
    socket.on('drain', () => this.fill(idOff));
    socket.on('error', () => {});
    this.idOff = idOff;
  }
  private readonly idOff: number;

  static async create(
    port: number,
    topic: string,
    qos: number,
    payloadSize: number,
    window: number,
  ): Promise<Publisher> {
    return new Publisher(await openClient(port), topic, qos, payloadSize, window);
  }

  start(): void {
    this.running = true;
    this.fill(this.idOff);
  }

  stop(): void {
    this.running = false;
  }

  private fill(idOff: number): void {
    if (!this.running) return;
    const s = this.socket;
    if (this.qos === 0) {
      while (s.writableLength < 256 * 1024) {
        this.sent += BATCH;
        if (!s.write(this.batch!)) break;
      }
      return;
    }
    const n = this.window - this.inflight;
    if (n <= 0) return;
    const len = this.template.length;
    const out = Buffer.allocUnsafe(len * n);
    for (let i = 0; i < n; i++) {
      this.template.copy(out, i * len);
      const id = this.nextId;
      this.nextId = id === 65535 ? 1 : id + 1;
      out[i * len + idOff] = id >> 8;
      out[i * len + idOff + 1] = id & 0xff;
    }
    this.inflight += n;
    this.sent += n;
    s.write(out);
  }

  close(): void {
    this.running = false;
    this.socket.destroy();
  }
}
