// Slow consumers cannot grow broker memory without bound: a subscriber that never reads (QoS 0 and
// QoS 1) while a publisher pushes far more data than the limits allow.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Packet } from '../../src/protocol/codec.ts';
import { startBroker } from './index.ts';
import { RawClient } from './testing/support.ts';

test('a subscriber that never reads costs bounded memory; the publisher keeps going', {
  timeout: 60_000,
}, async () => {
  const broker = await startBroker({
    sysIntervalSeconds: 0,
    maxQueuedMessages: 100,
    maxWriteBufferBytes: 1 << 20,
  });
  const port = broker.listeners[0]!.port;
  try {
    const stuck: RawClient[] = [];
    for (const qos of [0, 1] as const) {
      const [s] = await RawClient.connect(port, 4);
      s.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'slow/#', qos }] } as Packet);
      await s.next('suback');
      s.socket.pause(); // never reads again
      stuck.push(s);
    }
    const [pub] = await RawClient.connect(port, 4);
    const payload = Buffer.alloc(4096, 0x41);
    const mem = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = mem();
    let peak = before;
    const total = 40_000; // ~160 MB of payload
    const batch = 500;
    for (let i = 0; i < total; i += batch) {
      // QoS 1 PUBLISH frames to slow/a with the 4 KiB payload
      const rem = 2 + 6 + 2 + payload.length;
      const out: Buffer[] = [];
      for (let j = 0; j < batch; j++) {
        const id = ((i + j) % 65535) + 1;
        out.push(
          Buffer.from([
            0x32,
            (rem & 0x7f) | 0x80,
            rem >> 7,
            0,
            6,
            ...Buffer.from('slow/a'),
            id >> 8,
            id & 0xff,
          ]),
          payload,
        );
      }
      pub.sendRaw(Buffer.concat(out));
      for (let j = 0; j < batch; j++) await pub.next('puback', 20_000);
      peak = Math.max(peak, mem());
    }
    const growthMb = (peak - before) / 1e6;
    const st = broker.stats();
    assert.ok(st.dropped > 0, 'nothing was dropped');
    assert.ok(
      growthMb < 120,
      `memory grew by ${growthMb.toFixed(0)} MB while pushing ${((total * 4096) / 1e6).toFixed(0)} MB`,
    );
    for (const s of stuck) s.destroy();
    pub.destroy();
  } finally {
    await broker.close();
  }
});
