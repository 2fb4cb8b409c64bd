import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { Decoder, encode, type Packet, type ProtocolVersion } from '../protocol/codec.ts';
import { type Connection, connect, TransportError } from './index.ts';
import { mosquittoSkipReason, useMosquitto } from './testing/peers/mosquitto.ts';
import { freePort } from './testing/ports.ts';

const skip = mosquittoSkipReason();
const TIMEOUT = 5000;

function connectPacket(clientId: string, version: ProtocolVersion = 4): Packet {
  return {
    cmd: 'connect',
    protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: version,
    clientId,
    clean: true,
    keepalive: 0,
  } as Packet;
}

/** Collects decoded packets from a connection; next() waits (with a deadline) for the next one. */
function reader(conn: Connection, version: ProtocolVersion = 4) {
  const queue: Packet[] = [];
  const waiters: Array<(p: Packet) => void> = [];
  const dec = new Decoder(version, {
    packet: (p) => {
      const w = waiters.shift();
      if (w) w(p);
      else queue.push(p);
    },
    error: (e) => assert.fail(`decode error: ${e.message}`),
  });
  conn.onData((chunk) => dec.push(chunk));
  return {
    next(): Promise<Packet> {
      const p = queue.shift();
      if (p) return Promise.resolve(p);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no packet within 5s')), TIMEOUT);
        waiters.push((pk) => {
          clearTimeout(t);
          resolve(pk);
        });
      });
    },
  };
}

function closed(conn: Connection): Promise<{ error?: Error }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no close within 5s')), TIMEOUT);
    conn.onClose((info) => {
      clearTimeout(t);
      resolve(info);
    });
  });
}

async function handshake(conn: Connection, id: string, version: ProtocolVersion = 4): Promise<void> {
  const r = reader(conn, version);
  conn.write(encode(connectPacket(id, version), version));
  const ack = await r.next();
  assert.equal(ack.cmd, 'connack');
  assert.equal((ack as { returnCode?: number }).returnCode, 0);
  conn.end();
  await closed(conn);
}

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  try {
    const c = await p;
    (c as Connection).destroy();
  } catch (err) {
    assert.ok(err instanceof TransportError, `expected TransportError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the connect to fail');
}

describe('transport against mosquitto', { skip }, () => {
  const m = useMosquitto();

  test('tcp: CONNECT/CONNACK, raw socket exposed', async () => {
    const conn = await connect(`mqtt://127.0.0.1:${m.tcp}`, { timeoutMs: TIMEOUT });
    assert.equal(conn.scheme, 'mqtt');
    assert.ok(conn.raw instanceof net.Socket);
    await handshake(conn, 'crucible-tcp');
    assert.equal(conn.closed, true);
  });

  test('tcp: alias scheme tcp://', async () => {
    const conn = await connect(`tcp://127.0.0.1:${m.tcp}`, { timeoutMs: TIMEOUT });
    await handshake(conn, 'crucible-tcp-alias');
  });

  test('tls: CA file', async () => {
    const conn = await connect(`mqtts://127.0.0.1:${m.tls}`, { timeoutMs: TIMEOUT, tls: { ca: m.caFile } });
    assert.equal(conn.scheme, 'mqtts');
    assert.ok(conn.raw);
    await handshake(conn, 'crucible-tls');
  });

  test('tls: CA as PEM contents, ssl:// alias', async () => {
    const pem = readFileSync(m.caFile, 'utf8');
    const conn = await connect(`ssl://127.0.0.1:${m.tls}`, { timeoutMs: TIMEOUT, tls: { ca: pem } });
    await handshake(conn, 'crucible-tls-pem');
  });

  test('tls: untrusted certificate is a tls error; insecure accepts it', async () => {
    const err = await rejection(connect(`mqtts://127.0.0.1:${m.tls}`, { timeoutMs: TIMEOUT }));
    assert.equal(err.kind, 'tls');
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${m.tls}`));
    const conn = await connect(`mqtts://127.0.0.1:${m.tls}`, { timeoutMs: TIMEOUT, tls: { insecure: true } });
    await handshake(conn, 'crucible-tls-insecure');
  });

  test('tls: client certificate', async () => {
    const conn = await connect(`mqtts://127.0.0.1:${m.mtls}`, {
      timeoutMs: TIMEOUT,
      tls: { ca: m.caFile, cert: m.clientCertFile, key: m.clientKeyFile },
    });
    await handshake(conn, 'crucible-mtls');
  });

  test('tls: unreadable CA file names the file', async () => {
    const err = await rejection(
      connect(`mqtts://127.0.0.1:${m.tls}`, { timeoutMs: TIMEOUT, tls: { ca: '/nonexistent/ca.pem' } }),
    );
    assert.equal(err.kind, 'tls');
    assert.match(err.message, /\/nonexistent\/ca\.pem/);
  });

  test('ws: subprotocol mqtt, CONNECT/CONNACK', async () => {
    const conn = await connect(`ws://127.0.0.1:${m.ws}/mqtt`, { timeoutMs: TIMEOUT });
    assert.equal(conn.scheme, 'ws');
    assert.equal(conn.protocol, 'mqtt');
    assert.equal(conn.raw, undefined);
    await handshake(conn, 'crucible-ws');
  });

  test('ws: MQTT 3.1 uses subprotocol mqttv3.1', async () => {
    const conn = await connect(`ws://127.0.0.1:${m.ws}`, { timeoutMs: TIMEOUT, version: 3 });
    assert.equal(conn.protocol, 'mqttv3.1');
    await handshake(conn, 'crucible-ws31', 3);
  });

  test('wss: CA file', async () => {
    const conn = await connect(`wss://127.0.0.1:${m.wss}/mqtt`, {
      timeoutMs: TIMEOUT,
      tls: { ca: m.caFile },
    });
    assert.equal(conn.scheme, 'wss');
    assert.equal(conn.protocol, 'mqtt');
    await handshake(conn, 'crucible-wss');
  });

  test('wss: untrusted certificate is a tls error; insecure accepts it', async () => {
    const err = await rejection(connect(`wss://127.0.0.1:${m.wss}/mqtt`, { timeoutMs: TIMEOUT }));
    assert.equal(err.kind, 'tls');
    const conn = await connect(`wss://127.0.0.1:${m.wss}/mqtt`, {
      timeoutMs: TIMEOUT,
      tls: { insecure: true },
    });
    await handshake(conn, 'crucible-wss-insecure');
  });

  test('ws: one packet split across several frames', async () => {
    const conn = await connect(`ws://127.0.0.1:${m.ws}/mqtt`, { timeoutMs: TIMEOUT });
    const r = reader(conn);
    const bytes = encode(connectPacket('crucible-split'), 4);
    conn.write(bytes.subarray(0, 1));
    conn.write(bytes.subarray(1, 5));
    conn.write(bytes.subarray(5));
    assert.equal((await r.next()).cmd, 'connack');
    conn.destroy();
    await closed(conn);
  });

  test('ws: several packets in one frame', async () => {
    const conn = await connect(`ws://127.0.0.1:${m.ws}/mqtt`, { timeoutMs: TIMEOUT });
    const r = reader(conn);
    const sub = encode(
      { cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'crucible/ws/multi', qos: 1 }] } as Packet,
      4,
    );
    conn.write(Buffer.concat([encode(connectPacket('crucible-multi'), 4), sub]));
    assert.equal((await r.next()).cmd, 'connack');
    const suback = (await r.next()) as Packet & { messageId?: number; granted?: number[] };
    assert.equal(suback.cmd, 'suback');
    assert.equal(suback.messageId, 3);
    assert.deepEqual(suback.granted, [1]);
    conn.end();
    await closed(conn);
  });
});

describe('transport failures (no broker needed)', () => {
  test('refused port -> unreachable naming the URL', async () => {
    const port = await freePort();
    const err = await rejection(connect(`mqtt://127.0.0.1:${port}`, { timeoutMs: TIMEOUT }));
    assert.equal(err.kind, 'unreachable');
    assert.match(err.message, new RegExp(`mqtt://127\\.0\\.0\\.1:${port}`));
    const werr = await rejection(connect(`ws://127.0.0.1:${port}`, { timeoutMs: TIMEOUT }));
    assert.equal(werr.kind, 'unreachable');
  });

  test('server accepts TCP but never answers the ws upgrade -> timeout', async () => {
    const sockets: net.Socket[] = [];
    const srv = net.createServer((s) => {
      s.on('error', () => {});
      sockets.push(s);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const err = await rejection(connect(`ws://127.0.0.1:${port}/mqtt`, { timeoutMs: 300 }));
      assert.equal(err.kind, 'timeout');
      const terr = await rejection(connect(`mqtts://127.0.0.1:${port}`, { timeoutMs: 300 }));
      assert.equal(terr.kind, 'timeout');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => srv.close(r));
    }
  });

  test('ws server without the mqtt subprotocol -> handshake error', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => false });
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as net.AddressInfo).port;
    try {
      const err = await rejection(connect(`ws://127.0.0.1:${port}/mqtt`, { timeoutMs: TIMEOUT }));
      assert.equal(err.kind, 'handshake');
    } finally {
      await new Promise((r) => wss.close(r));
    }
  });

  test('a text frame from the broker closes the connection with an error', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (s) => s.send('hello'));
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as net.AddressInfo).port;
    try {
      const conn = await connect(`ws://127.0.0.1:${port}`, { timeoutMs: TIMEOUT });
      const info = await closed(conn);
      assert.match(info.error?.message ?? '', /text frame/);
    } finally {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    }
  });

  test('tcp connection semantics: buffered data, single close, write after close', async () => {
    const srv = net.createServer((s) => {
      s.on('error', () => {}); // our destroy() resets the connection
      s.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
      s.on('data', (d) => s.write(d));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const conn = await connect(`mqtt://127.0.0.1:${port}`, { timeoutMs: TIMEOUT });
      // data that arrived before the first onData is delivered to it
      await new Promise((r) => setTimeout(r, 50));
      const chunks: Buffer[] = [];
      const echoed = new Promise<void>((resolve) =>
        conn.onData((c) => {
          chunks.push(c);
          if (Buffer.concat(chunks).length >= 6) resolve();
        }),
      );
      assert.equal(conn.write(Buffer.from([0xc0, 0x00])), true);
      await echoed;
      assert.deepEqual([...Buffer.concat(chunks)], [0x20, 0x02, 0x00, 0x00, 0xc0, 0x00]);
      let closes = 0;
      conn.onClose(() => closes++);
      conn.destroy();
      await closed(conn);
      conn.destroy();
      conn.end();
      assert.equal(conn.closed, true);
      assert.equal(conn.write(Buffer.from([0xc0, 0x00])), false);
      // a listener registered after the close still hears about it, once
      const late = await closed(conn);
      assert.equal(late.error, undefined);
      assert.equal(closes, 1);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });

  test('unknown scheme -> bad-url', async () => {
    const err = await rejection(connect('http://127.0.0.1:1', { timeoutMs: TIMEOUT }));
    assert.equal(err.kind, 'bad-url');
  });
});
