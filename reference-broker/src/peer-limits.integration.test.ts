// Bounded memory per peer: a client that never reads cannot make the broker hold its output without
// bound (PUBACK, PUBCOMP, PINGRESP alike), a socket before CONNECT cannot make it buffer more than
// maxConnectPacketSize, and a SCRAM exchange or a TLS / WebSocket handshake that never completes is
// closed by the connect timeout like a socket that never sends CONNECT.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import mqtt from 'mqtt';
import type { Packet } from '../../src/protocol/codec.ts';
import { type RunningBroker, ScramClient, startBroker } from './index.ts';
import { makeCert, RawClient } from './testing/support.ts';

const USERS = join(import.meta.dirname, '..', 'configs', 'users.txt');

/** Resolves when the socket closes, or with false after ms (a deadline, not a timing assertion). */
function closedWithin(s: Socket, ms: number): Promise<boolean> {
  if (s.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes one chunk and waits until the socket accepted it (or closed); false once closed. */
function writeChunk(s: Socket, b: Buffer): Promise<boolean> {
  if (s.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => resolve(false);
    s.once('close', onClose);
    s.write(b, (err) => {
      s.off('close', onClose);
      resolve(!err && !s.destroyed);
    });
  });
}

describe('output to a client that does not read is capped', () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startBroker({
      sysIntervalSeconds: 0,
      maxWriteBufferBytes: 64 * 1024,
      maxOutputBufferBytes: 256 * 1024,
    });
  });
  after(() => broker.close());

  // Each loop sends acknowledgement-producing packets (QoS 1 PUBLISH -> PUBACK, PUBREL -> PUBCOMP,
  // PINGREQ -> PINGRESP) and never reads. Without a cap the broker holds every answer.
  for (const [name, unit] of [
    ['QoS 1 PUBLISH (PUBACK)', Buffer.from([0x32, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01])],
    ['PUBREL (PUBCOMP)', Buffer.from([0x62, 0x02, 0x00, 0x07])],
    ['PINGREQ (PINGRESP)', Buffer.from([0xc0, 0x00])],
  ] as const) {
    test(`a flood of ${name} from a non-reading client ends with the broker closing it`, {
      timeout: 120_000,
    }, async () => {
      const [c] = await RawClient.connect(broker.listeners[0]!.port, 4);
      c.socket.pause(); // never reads: everything the broker answers stays on its side
      const chunk = Buffer.concat(Array.from({ length: Math.floor((1 << 20) / unit.length) }, () => unit));
      const closed = closedWithin(c.socket, 120_000);
      let sentMb = 0;
      // 48 MiB of input; with a 256 KiB cap the broker must give up long before (kernel buffers on
      // both sides hold a few MiB at most)
      while (sentMb < 48 && (await writeChunk(c.socket, chunk))) sentMb++;
      if (sentMb >= 48) c.socket.resume(); // still open: nothing capped it (the assertion below fails)
      assert.ok(sentMb < 48, `the broker kept answering a client that never reads (${sentMb} MiB sent)`);
      assert.ok(await closed);
      c.destroy();
    });
  }
});

describe('before CONNECT', () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startBroker({
      sysIntervalSeconds: 0,
      maxConnectPacketSize: 4096,
      connectTimeoutMs: 60_000,
    });
  });
  after(() => broker.close());

  test('a CONNECT announcing more than maxConnectPacketSize is refused before its body is read', async () => {
    const s = await openSocket(broker.listeners[0]!.port);
    s.on('error', () => {});
    const closed = closedWithin(s, 20_000);
    // CONNECT with Remaining Length 200,000,000 (0x80 0x84 0xAF 0x5F), then 8 MiB of body
    s.write(Buffer.from([0x10, 0x80, 0x84, 0xaf, 0x5f]));
    const body = Buffer.alloc(1 << 20, 0x41);
    let sent = 0;
    while (sent < 8 && (await writeChunk(s, body))) sent++;
    assert.ok(await closed, `the broker kept reading an unauthenticated CONNECT (${sent} MiB)`);
  });

  test('over WebSocket too: a frame announcing more than maxConnectPacketSize is refused before it arrives', async () => {
    const ws = await startBroker({
      sysIntervalSeconds: 0,
      maxConnectPacketSize: 4096,
      connectTimeoutMs: 60_000,
      listeners: [{ kind: 'ws', host: '127.0.0.1', port: 0 }],
    });
    try {
      const s = await openSocket(ws.listeners[0]!.port);
      s.on('error', () => {});
      s.write(
        'GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n',
      );
      await new Promise<void>((resolve) => {
        let head = '';
        const onData = (d: Buffer) => {
          head += d.toString('latin1');
          if (head.includes('\r\n\r\n')) {
            s.off('data', onData);
            resolve();
          }
        };
        s.on('data', onData);
      });
      s.resume();
      const closed = closedWithin(s, 20_000);
      // one masked binary frame of 64 MiB: a CONNECT announcing 200,000,000 bytes, then filler
      const len = Buffer.alloc(8);
      len.writeBigUInt64BE(64n << 20n);
      s.write(Buffer.concat([Buffer.from([0x82, 0xff]), len, Buffer.from([0, 0, 0, 0])]));
      s.write(Buffer.from([0x10, 0x80, 0x84, 0xaf, 0x5f]));
      const body = Buffer.alloc(1 << 20, 0x41);
      let sent = 0;
      while (sent < 8 && (await writeChunk(s, body))) sent++;
      assert.ok(await closed, `the broker kept reading an unauthenticated WebSocket frame (${sent} MiB)`);
      // once connected, packets up to maximumPacketSize pass (the limit was raised for this connection)
      const c = await mqtt.connectAsync(ws.listeners[0]!.url, { reconnectPeriod: 0, connectTimeout: 5000 });
      try {
        await c.subscribeAsync('big', { qos: 0 });
        const got = new Promise<number>((resolve, reject) => {
          c.once('message', (_t, p) => resolve(p.length));
          c.once('close', () => reject(new Error('the broker closed the connection')));
          setTimeout(() => reject(new Error('no message within 10 s')), 10_000).unref();
        });
        c.publish('big', Buffer.alloc(3 << 20, 0x42), { qos: 0 });
        assert.equal(await got, 3 << 20);
      } finally {
        c.end(true);
      }
    } finally {
      await ws.close();
    }
  });

  test('a CONNECT within the limit is accepted', async () => {
    const [c, ack] = await RawClient.connect(broker.listeners[0]!.port, 4, {
      will: { topic: 'w', payload: Buffer.alloc(3000, 0x41), qos: 0, retain: false },
    });
    assert.equal((ack as { returnCode: number }).returnCode, 0);
    c.destroy();
  });
});

describe('the connect timeout covers authentication and handshakes', () => {
  let broker: RunningBroker;
  let cert: { cert: string; key: string };
  before(async () => {
    cert = makeCert();
    broker = await startBroker({
      sysIntervalSeconds: 0,
      connectTimeoutMs: 300,
      usersFile: USERS,
      authMethods: ['SCRAM-SHA-256'],
      listeners: [
        { kind: 'tcp', host: '127.0.0.1', port: 0 },
        { kind: 'tls', host: '127.0.0.1', port: 0, ...cert },
        { kind: 'ws', host: '127.0.0.1', port: 0 },
        { kind: 'wss', host: '127.0.0.1', port: 0, ...cert },
      ],
    });
  });
  after(() => broker.close());

  test('a SCRAM exchange that stops after the first challenge is closed', async () => {
    const scram = new ScramClient('crucible', 'crucible-pass');
    const c = await RawClient.open(broker.listeners[0]!.port, 5);
    c.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 5,
      clientId: 'scram-stall',
      clean: true,
      keepalive: 0,
      properties: { authenticationMethod: 'SCRAM-SHA-256', authenticationData: scram.first() },
    } as Packet);
    assert.equal((await c.next('auth')).cmd, 'auth');
    // the client never sends its final message
    assert.ok(await closedWithin(c.socket, 10_000), 'a stalled SCRAM exchange stayed open');
  });

  for (const i of [1, 2, 3]) {
    test(`a silent socket on the ${['', 'tls', 'ws', 'wss'][i]} listener is closed`, async () => {
      const s = await openSocket(broker.listeners[i]!.port);
      s.on('error', () => {});
      if (i === 2) s.write('GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // headers never finished
      assert.ok(await closedWithin(s, 10_000), 'a handshake that never completes stayed open');
    });
  }
});

describe('documented caps on what a session holds', () => {
  test('subscriptions beyond maxSubscriptionsPerClient are refused in SUBACK (0x97 / 0x80)', async () => {
    const broker = await startBroker({ sysIntervalSeconds: 0, maxSubscriptionsPerClient: 3 });
    try {
      for (const version of [4, 5] as const) {
        const [c] = await RawClient.connect(broker.listeners[0]!.port, version);
        const subscriptions = ['a', 'b', 'c', 'd', 'a'].map((topic) => ({ topic, qos: 0 as const }));
        c.send({ cmd: 'subscribe', messageId: 1, subscriptions } as Packet);
        const granted = (await c.next('suback')) as unknown as { granted: number[] };
        // the fourth is over the cap; re-subscribing to an existing filter replaces it (MQTT-3.8.4-3)
        assert.deepEqual(granted.granted, [0, 0, 0, version === 5 ? 0x97 : 0x80, 0]);
        c.destroy();
      }
    } finally {
      await broker.close();
    }
  });

  test('sessions of clients that never return expire by default (5.0 is told the granted interval)', async () => {
    const broker = await startBroker({ sysIntervalSeconds: 0 });
    try {
      const [c, ack] = await RawClient.connect(broker.listeners[0]!.port, 5, {
        clean: false,
        properties: { sessionExpiryInterval: 0xffffffff },
      });
      const props = (ack as unknown as { properties?: Record<string, unknown> }).properties ?? {};
      assert.equal(props.sessionExpiryInterval, 7 * 86400);
      c.destroy();
    } finally {
      await broker.close();
    }
  });
});

test('a full retained store: 5.0 QoS 1 publisher gets 0x97 and nothing is delivered; 3.1.1 is delivered, not stored', async () => {
  const broker = await startBroker({ sysIntervalSeconds: 0, maxRetainedMessages: 1 });
  const port = broker.listeners[0]!.port;
  try {
    const [s] = await RawClient.connect(port, 5);
    s.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'full/#', qos: 1 }] } as Packet);
    await s.next('suback');
    const [p5] = await RawClient.connect(port, 5);
    const publish = (topic: string, messageId: number) =>
      ({ cmd: 'publish', topic, qos: 1, retain: true, messageId, payload: Buffer.from(topic) }) as Packet;
    p5.send(publish('full/a', 1));
    assert.equal(((await p5.next('puback')) as unknown as { reasonCode?: number }).reasonCode ?? 0, 0);
    p5.send(publish('full/b', 2));
    assert.equal(((await p5.next('puback')) as unknown as { reasonCode?: number }).reasonCode, 0x97);
    const [p4] = await RawClient.connect(port, 4);
    p4.send(publish('full/c', 3));
    await p4.next('puback');
    const got: string[] = [];
    for (let i = 0; i < 2; i++) {
      const m = (await s.next('publish')) as unknown as { topic: string; messageId: number };
      got.push(m.topic);
      s.send({ cmd: 'puback', messageId: m.messageId } as Packet);
    }
    assert.deepEqual(got, ['full/a', 'full/c']);
    assert.equal(broker.stats().retained, 1);
    assert.equal(broker.stats().retainedRefused, 2);
    for (const c of [s, p5, p4]) c.destroy();
  } finally {
    await broker.close();
  }
});

test('$SYS shows what the broker holds', async () => {
  const broker = await startBroker({ sysIntervalSeconds: 1 });
  try {
    const [c] = await RawClient.connect(broker.listeners[0]!.port, 4);
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$SYS/broker/#', qos: 0 }] } as Packet);
    await c.next('suback');
    const seen = new Map<string, string>();
    const want = [
      'sessions/count',
      'sessions/offline',
      'subscriptions/count',
      'clients/pending',
      'clients/closed-slow',
      'messages/queued',
      'messages/queued-bytes',
      'messages/inflight',
      'messages/dropped',
      'retained messages/count',
      'retained messages/bytes',
      'retained messages/refused',
    ];
    while (want.some((k) => !seen.has(k))) {
      const m = (await c.next('publish', 5000)) as unknown as { topic: string; payload: Buffer };
      seen.set(m.topic.slice('$SYS/broker/'.length), String(m.payload));
    }
    for (const k of want) assert.match(seen.get(k)!, /^\d+$/, k);
    c.destroy();
  } finally {
    await broker.close();
  }
});

test('output held for a client that does not read costs about its bytes in memory, not an object per packet', {
  timeout: 120_000,
}, async () => {
  // 8 MiB of 4-byte PUBCOMPs is two million packets: held one Buffer object each, that is hundreds of MB
  const broker = await startBroker({
    sysIntervalSeconds: 0,
    maxWriteBufferBytes: 1 << 20,
    maxOutputBufferBytes: 8 << 20,
  });
  try {
    const [c] = await RawClient.connect(broker.listeners[0]!.port, 4);
    c.socket.pause();
    const unit = Buffer.from([0x62, 0x02, 0x00, 0x07]); // PUBREL -> PUBCOMP
    const chunk = Buffer.concat(Array.from({ length: 1 << 18 }, () => unit));
    const heap = () => process.memoryUsage().heapUsed;
    const before = heap();
    let peak = before;
    let sent = 0;
    while (sent < 96 && (await writeChunk(c.socket, chunk))) {
      sent++;
      peak = Math.max(peak, heap());
    }
    assert.ok(sent < 96, 'the broker never closed the client');
    const growthMb = (peak - before) / 1e6;
    assert.ok(growthMb < 96, `heap grew by ${growthMb.toFixed(0)} MB while holding 8 MiB of output`);
    c.destroy();
  } finally {
    await broker.close();
  }
});
