// No silent loss: every retained message matched by a new subscription is delivered (QoS 0 and 1);
// a message dropped by a queue cap is counted in $SYS and an MQTT 5 publisher learns it from the
// PUBACK (0x97 Quota exceeded when nobody got it); an overlong Remaining Length is refused whatever
// maximumPacketSize says.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from '../../src/protocol/codec.ts';
import { startBroker } from './index.ts';
import { RawClient } from './testing/support.ts';

type Rec = Record<string, unknown>;
const rec = (p: Packet) => p as unknown as Rec;

/** Reads PUBLISHes (acknowledging QoS 1) until `want` distinct topics arrived or the deadline passes. */
async function collect(c: RawClient, want: number, timeoutMs: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < want && Date.now() < deadline) {
    let p: Packet;
    try {
      p = await c.next(undefined, Math.max(1, deadline - Date.now()));
    } catch {
      break;
    }
    if (p.cmd !== 'publish') continue;
    const r = rec(p);
    seen.add(String(r.topic));
    if (r.qos === 1) c.send({ cmd: 'puback', messageId: r.messageId } as Packet);
  }
  return seen;
}

describe('retained messages on subscribe', () => {
  for (const [version, qos] of [
    [4, 1],
    [5, 1],
    [4, 0],
  ] as const) {
    test(`3,000 retained messages all reach a new ${version === 5 ? '5.0' : '3.1.1'} subscriber at QoS ${qos}`, {
      timeout: 60_000,
    }, async () => {
      const broker = await startBroker({ sysIntervalSeconds: 0 });
      const port = broker.listeners[0]!.port;
      try {
        const [pub] = await RawClient.connect(port, 4);
        const n = 3000;
        const frames: Buffer[] = [];
        for (let i = 0; i < n; i++) {
          const topic = Buffer.from(`ret/${i}`);
          // QoS 1 retained PUBLISH, packet id i+1
          const rem = 2 + topic.length + 2 + 1;
          frames.push(
            Buffer.from([0x33, rem, 0, topic.length]),
            topic,
            Buffer.from([(i + 1) >> 8, (i + 1) & 0xff, 0x78]),
          );
        }
        pub.sendRaw(Buffer.concat(frames));
        for (let i = 0; i < n; i++) await pub.next('puback', 20_000);
        const [sub] = await RawClient.connect(port, version);
        sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'ret/#', qos }] } as Packet);
        assert.equal((await sub.next('suback')).cmd, 'suback');
        const seen = await collect(sub, n, 30_000);
        assert.equal(seen.size, n, `${seen.size} of ${n} retained messages arrived`);
        assert.equal(broker.stats().dropped, 0);
        pub.destroy();
        sub.destroy();
      } finally {
        await broker.close();
      }
    });
  }
});

describe('a message dropped by a queue cap', () => {
  test('is counted in $SYS and a 5.0 publisher gets PUBACK 0x97 when no subscriber got it', {
    timeout: 30_000,
  }, async () => {
    const broker = await startBroker({ sysIntervalSeconds: 1, maxQueuedMessages: 3 });
    const port = broker.listeners[0]!.port;
    try {
      // an offline persistent subscriber at QoS 1: its queue holds 3 messages
      const [s] = await RawClient.connect(port, 5, {
        clientId: 'offline-sub',
        clean: false,
        properties: { sessionExpiryInterval: 300 },
      });
      s.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q/#', qos: 1 }] } as Packet);
      await s.next('suback');
      s.send({ cmd: 'disconnect', reasonCode: 0 } as Packet);
      await s.waitClosed();
      const [p] = await RawClient.connect(port, 5);
      const codes: number[] = [];
      for (let i = 1; i <= 5; i++) {
        p.send({
          cmd: 'publish',
          topic: 'q/a',
          qos: 1,
          messageId: i,
          payload: Buffer.from(`m${i}`),
        } as Packet);
        codes.push(Number(rec(await p.next('puback')).reasonCode ?? 0));
      }
      assert.deepEqual(codes.slice(0, 3), [0, 0, 0]);
      assert.deepEqual(codes.slice(3), [0x97, 0x97], `PUBACK reason codes ${codes.join(', ')}`);
      // a 3.1.1 publisher cannot be told; the drop is still counted
      const [p4] = await RawClient.connect(port, 4);
      p4.send({ cmd: 'publish', topic: 'q/a', qos: 1, messageId: 9, payload: Buffer.from('x') } as Packet);
      await p4.next('puback');
      assert.equal(broker.stats().dropped, 3);
      const [w] = await RawClient.connect(port, 4);
      w.send({
        cmd: 'subscribe',
        messageId: 1,
        subscriptions: [{ topic: '$SYS/broker/messages/dropped', qos: 0 }],
      } as Packet);
      await w.next('suback');
      let value = '';
      const deadline = Date.now() + 10_000;
      while (value !== '3' && Date.now() < deadline) {
        const m = rec(await w.next('publish', 10_000));
        value = String(m.payload);
      }
      assert.equal(value, '3');
      for (const c of [p, p4, w]) c.destroy();
    } finally {
      await broker.close();
    }
  });
});

describe('Remaining Length', () => {
  for (const maximumPacketSize of [-1, 268435455]) {
    test(`an overlong or five-byte Remaining Length is refused (maximumPacketSize ${maximumPacketSize})`, async () => {
      const broker = await startBroker({ sysIntervalSeconds: 0, maximumPacketSize });
      try {
        for (const bytes of [
          [0xc0, 0x80, 0x00], // PINGREQ, length 0 in two bytes
          [0xc0, 0x80, 0x80, 0x80, 0x00], // PINGREQ, length 0 in four bytes
          [0x32, 0x86, 0x00, 0x00, 0x01, 0x61, 0x00, 0x01], // PUBLISH, length 6 in two bytes
          [0x30, 0xff, 0xff, 0xff, 0xff, 0x01], // five bytes
        ]) {
          const [c] = await RawClient.connect(broker.listeners[0]!.port, 5);
          c.sendRaw(Buffer.from(bytes));
          const got = await c.waitClosed(5000);
          assert.ok(
            got.every((p) => p.cmd === 'disconnect'),
            `${Buffer.from(bytes).toString('hex')}: ${got.map((p) => p.cmd).join(', ')}`,
          );
          c.destroy();
        }
      } finally {
        await broker.close();
      }
    });
  }
});
