// Each fault of the proxy, measured on the wire: a plain TCP server stands where the broker would be and records
// what reaches it (bytes, chunk boundaries, FIN versus RST); the client side records the same. Bounds only, never
// a timing assertion that a slow machine could break (a delay is checked as "no earlier than").
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Decoder, encode, type Packet } from '../../protocol/codec.ts';
import { connect } from '../index.ts';
import { mosquittoSkipReason, useMosquitto } from '../testing/peers/mosquitto.ts';
import { type FaultProxy, startFaultProxy } from './index.ts';

interface Side {
  sock: net.Socket;
  chunks: Buffer[];
  times: number[];
  ended: boolean;
  error: string | undefined;
  closed: Promise<void>;
}

function watch(sock: net.Socket): Side {
  const s: Side = { sock, chunks: [], times: [], ended: false, error: undefined, closed: Promise.resolve() };
  sock.on('data', (d: Buffer) => {
    s.chunks.push(d);
    s.times.push(performance.now());
  });
  sock.on('end', () => {
    s.ended = true;
  });
  sock.on('error', (e: NodeJS.ErrnoException) => {
    s.error = e.code ?? e.message;
  });
  s.closed = new Promise((r) => sock.once('close', () => r()));
  return s;
}

const bytes = (s: Side): Buffer => Buffer.concat(s.chunks);

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met within deadline');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('fault proxy on the wire', () => {
  let server: net.Server;
  let peers: Side[] = [];
  let proxy: FaultProxy;

  before(async () => {
    server = net.createServer({ allowHalfOpen: true }, (s) => peers.push(watch(s)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    await proxy?.close();
    for (const p of peers) p.sock.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function link(): Promise<{ client: Side; broker: Side }> {
    const n = peers.length;
    const sock = net.connect({ host: '127.0.0.1', port: proxy.port, allowHalfOpen: true });
    sock.setNoDelay(true);
    const client = watch(sock);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    await until(() => peers.length > n);
    return { client, broker: peers[n] as Side };
  }

  async function fresh(): Promise<void> {
    await proxy?.close();
    for (const p of peers) p.sock.destroy();
    peers = [];
    proxy = await startFaultProxy({
      target: { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port },
    });
  }

  test('no fault: bytes pass both ways unchanged', async () => {
    await fresh();
    const { client, broker } = await link();
    client.sock.write('hello');
    await until(() => bytes(broker).length === 5);
    broker.sock.write('world');
    await until(() => bytes(client).length === 5);
    assert.equal(bytes(broker).toString(), 'hello');
    assert.equal(bytes(client).toString(), 'world');
    client.sock.destroy();
  });

  test('latency: nothing arrives before the delay; jitter never reorders', async () => {
    await fresh();
    proxy.apply({ type: 'latency', latencyMs: 200, jitterMs: 50, direction: 'toBroker' });
    const { client, broker } = await link();
    const sent: number[] = [];
    for (let i = 0; i < 20; i++) {
      sent.push(performance.now());
      client.sock.write(String.fromCharCode(65 + i));
      await new Promise((r) => setTimeout(r, 2));
    }
    await until(() => bytes(broker).length === 20);
    assert.equal(bytes(broker).toString(), 'ABCDEFGHIJKLMNOPQRST');
    // The first byte could not arrive earlier than latency - jitter after it was written.
    assert.ok((broker.times[0] as number) - (sent[0] as number) >= 149, 'first byte held at least 150 ms');
    // The other direction is not delayed by a toBroker fault: an echo comes back unheld.
    broker.sock.write('x');
    await until(() => bytes(client).length === 1);
    client.sock.destroy();
  });

  test('bandwidth: 20 kB at 40 kB/s take at least ~0.5 s and go out in paced writes', async () => {
    await fresh();
    proxy.apply({ type: 'bandwidth', bytesPerSec: 40_000, direction: 'toClient' });
    const { client, broker } = await link();
    const t0 = performance.now();
    broker.sock.write(Buffer.alloc(20_000, 7));
    await until(() => bytes(client).length === 20_000);
    const took = (client.times.at(-1) as number) - t0;
    assert.ok(took >= 450, `20 kB at 40 kB/s arrived after ${took} ms`);
    assert.ok(client.chunks.length >= 10, `${client.chunks.length} chunks`);
    client.sock.destroy();
  });

  test('slice: chunk boundaries fall on multiples of the slice size', async () => {
    await fresh();
    proxy.apply({ type: 'slice', size: 3, delayMs: 20, direction: 'toBroker' });
    const { client, broker } = await link();
    client.sock.write(Buffer.from('abcdefghijklmnopqrstuvwxyz0123'));
    await until(() => bytes(broker).length === 30);
    assert.equal(bytes(broker).toString(), 'abcdefghijklmnopqrstuvwxyz0123');
    assert.ok(broker.chunks.length >= 2, 'one 30-byte write arrived in several segments');
    let off = 0;
    for (const c of broker.chunks) {
      off += c.length;
      assert.equal(off % 3, 0, `a segment ends at byte ${off}`);
    }
    client.sock.destroy();
  });

  test('blackhole: nothing forwarded, nothing closed; healing releases what was held', async () => {
    await fresh();
    const { client, broker } = await link();
    proxy.apply({ type: 'blackhole', direction: 'both' });
    client.sock.write('up');
    broker.sock.write('down');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(bytes(broker).length, 0);
    assert.equal(bytes(client).length, 0);
    assert.equal(client.ended || broker.ended || client.sock.destroyed || broker.sock.destroyed, false);
    assert.equal(client.error ?? broker.error, undefined);
    proxy.heal('blackhole');
    await until(() => bytes(broker).length === 2 && bytes(client).length === 4);
    client.sock.destroy();
  });

  test('blackhole for a duration heals itself', async () => {
    await fresh();
    const { client, broker } = await link();
    proxy.apply({ type: 'blackhole', direction: 'toBroker' }, undefined, 200);
    client.sock.write('late');
    await until(() => bytes(broker).length === 4);
    client.sock.destroy();
  });

  test('reset: both sides see an RST, neither a FIN', async () => {
    await fresh();
    const { client, broker } = await link();
    client.sock.write('x');
    await until(() => bytes(broker).length === 1);
    assert.equal(proxy.apply({ type: 'reset' }), 1);
    await Promise.all([client.closed, broker.closed]);
    assert.equal(client.error, 'ECONNRESET');
    assert.equal(broker.error, 'ECONNRESET');
    assert.equal(client.ended, false);
    assert.equal(broker.ended, false);
  });

  test('halfClose broker: the broker sees a FIN, the way back keeps flowing', async () => {
    await fresh();
    const { client, broker } = await link();
    proxy.apply({ type: 'halfClose', side: 'broker' });
    await until(() => broker.ended);
    assert.equal(client.ended, false);
    broker.sock.write('still here');
    await until(() => bytes(client).toString() === 'still here');
    client.sock.write('dropped');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(bytes(broker).length, 0);
    broker.sock.end();
    await until(() => client.ended);
    client.sock.destroy();
  });

  test('down: links closed, new ones refused until it ends', async () => {
    await fresh();
    const { client } = await link();
    proxy.apply({ type: 'down' }, undefined, 400);
    await until(() => client.ended || client.error !== undefined);
    client.sock.destroy();
    const n = peers.length;
    const probe = watch(net.connect({ host: '127.0.0.1', port: proxy.port }));
    await probe.closed;
    assert.ok(probe.error === 'ECONNRESET' || probe.ended, 'refused while down');
    assert.equal(peers.length, n, 'no link reached the broker while down');
    await until(() => proxy.counters.refused >= 1);
    await new Promise((r) => setTimeout(r, 450));
    const after = await link();
    after.client.sock.write('up again');
    await until(() => bytes(after.broker).toString() === 'up again');
    after.client.sock.destroy();
  });

  test('keyed faults touch only the links that claimed the key', async () => {
    await fresh();
    const a = await link();
    const b = await link();
    proxy.claim(a.client.sock.localPort as number, 'a');
    proxy.claim(b.client.sock.localPort as number, 'b');
    assert.equal(proxy.apply({ type: 'reset' }, ['a']), 1);
    await a.client.closed;
    b.client.sock.write('b lives');
    await until(() => bytes(b.broker).toString() === 'b lives');
    b.client.sock.destroy();
    await proxy.close();
  });
});

describe('fault proxy carries tls and wss untouched', { skip: mosquittoSkipReason() }, () => {
  const m = useMosquitto();

  for (const scheme of ['mqtts', 'wss'] as const) {
    test(`${scheme}: CONNECT/CONNACK through a proxy with latency, certificate checked`, async () => {
      const port = scheme === 'mqtts' ? m.tls : m.wss;
      const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port } });
      proxy.apply({ type: 'latency', latencyMs: 30, jitterMs: 0, direction: 'both' });
      try {
        const conn = await connect(`${scheme}://127.0.0.1:${port}`, {
          timeoutMs: 5000,
          version: 4,
          tls: { ca: m.caFile },
          via: { host: '127.0.0.1', port: proxy.port },
        });
        const got = new Promise<Packet>((resolve) => {
          const dec = new Decoder(4, { packet: (p) => resolve(p), error: () => {} });
          conn.onData((d) => dec.push(d));
        });
        const connect4 = { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: `fp-${scheme}` };
        conn.write(encode({ ...connect4, clean: true, keepalive: 0 } as Packet, 4));
        assert.equal((await got).cmd, 'connack');
        assert.equal(proxy.counters.accepted, 1);
        conn.destroy();
      } finally {
        await proxy.close();
      }
    });
  }
});
