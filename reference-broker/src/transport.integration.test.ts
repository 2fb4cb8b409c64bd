// Regression: a backlog of small writes to a slow reader must reach the socket in a few large buffers.
// libuv writes at most IOV_MAX (1024) buffers per event-loop turn; a backlog handed over as one writev
// of tens of thousands of small PUBLISH buffers drained at ~1000 messages per turn while buffered()
// stayed above maxWriteBufferBytes, so the broker dropped every new QoS 0 delivery to that client
// (broker bench, 50-to-1 QoS 0: 1536 msg/s delivered instead of ~800 k).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { test } from 'node:test';
import { SocketTransport } from './transport.ts';

const IOV_MAX = 1024;

test('a backlog to a reader that stopped reading reaches the socket in few buffers, in order', {
  timeout: 60_000,
}, async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = netConnect(port, '127.0.0.1');
  await once(client, 'connect');
  const [sock] = await accepted;
  try {
    client.pause(); // the slow consumer: reads nothing until the backlog has built up
    let maxBuffers = 0;
    const s = sock as unknown as {
      _writev(chunks: unknown[], cb: unknown): void;
    };
    const writev = s._writev.bind(sock);
    s._writev = (chunks, cb) => {
      maxBuffers = Math.max(maxBuffers, chunks.length);
      writev(chunks, cb);
    };
    const t = new SocketTransport(sock);
    let drains = 0;
    t.attach({ onData: () => {}, onTransportClose: () => {}, onDrain: () => drains++ });

    // ticks of 400 small writes (like one read of PUBLISHes fanned out to one subscriber) until the
    // kernel buffers are full and 4 MiB wait in user space (the broker's maxWriteBufferBytes); bounded
    const PER_TICK = 400;
    const SIZE = 80;
    const BACKLOG = 4 << 20;
    let seq = 0;
    for (let tick = 0; tick < 3000 && t.buffered() < BACKLOG; tick++) {
      const block = Buffer.allocUnsafe(PER_TICK * SIZE);
      for (let i = 0; i < block.length; i++) block[i] = (seq + i) % 251;
      seq += block.length;
      t.cork();
      for (let i = 0; i < PER_TICK; i++) t.write(block.subarray(i * SIZE, (i + 1) * SIZE));
      t.uncork();
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(t.buffered() >= BACKLOG, `no backlog built up (${t.buffered()} bytes buffered)`);

    // the reader comes back: everything arrives, in order
    let got = 0;
    let bad = -1;
    const all = new Promise<void>((resolve) => {
      client.on('data', (c: Buffer) => {
        for (let i = 0; i < c.length && bad < 0; i++) if (c[i] !== (got + i) % 251) bad = got + i;
        got += c.length;
        if (got >= seq) resolve();
      });
    });
    client.resume();
    await all;
    assert.equal(bad, -1, `byte ${bad} out of order`);
    assert.equal(got, seq);
    assert.ok(drains > 0);
    assert.ok(
      maxBuffers <= IOV_MAX,
      `one write handed the socket ${maxBuffers} buffers (libuv writes ${IOV_MAX} per loop turn)`,
    );
  } finally {
    client.destroy();
    sock.destroy();
    server.close();
  }
});
