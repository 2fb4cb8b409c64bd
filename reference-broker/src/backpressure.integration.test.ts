// Publisher backpressure does not wait for the queue cap: with a deep cap (set so that nothing is dropped),
// a publisher flooding a subscriber that is making progress is paused once that subscriber's queue holds
// a few hundred deliveries, instead of letting the queue grow towards the cap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode, type Packet } from '../../src/protocol/codec.ts';
import { startBroker } from './index.ts';
import { RawClient } from './testing/support.ts';

test('a deep queue cap still pauses a flooding publisher at a shallow queue', {
  timeout: 30_000,
}, async () => {
  const broker = await startBroker({ sysIntervalSeconds: 0, maxQueuedMessages: 1_000_000 });
  const port = broker.listeners[0]!.port;
  try {
    const [sub] = await RawClient.connect(port, 4, { clientId: 'bp-sub' });
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'bp/#', qos: 1 }] } as Packet);
    await sub.next('suback');
    const [pub] = await RawClient.connect(port, 4, { clientId: 'bp-pub' });
    // one acknowledged delivery: the subscriber is making progress (a stuck one only loses messages)
    pub.send({ cmd: 'publish', topic: 'bp/x', qos: 1, messageId: 1, payload: Buffer.from('a') } as Packet);
    const first = await sub.next('publish');
    sub.send({ cmd: 'puback', messageId: first.messageId } as Packet);
    await pub.next('puback');
    // then it stops acknowledging while the publisher writes 20,000 QoS 1 messages at once
    const total = 20_000;
    const frames: Buffer[] = [];
    for (let i = 0; i < total; i++)
      frames.push(
        encode(
          {
            cmd: 'publish',
            topic: 'bp/x',
            qos: 1,
            messageId: (i % 65534) + 2,
            payload: Buffer.from('b'),
          } as Packet,
          4,
        ),
      );
    pub.sendRaw(Buffer.concat(frames));
    await new Promise((r) => setTimeout(r, 400));
    const queued = broker.stats().queued;
    assert.ok(queued > 0, 'the subscriber has a queue');
    assert.ok(queued < 2_000, `${queued} of ${total} deliveries queued: the publisher was not paused`);
    sub.destroy();
    pub.destroy();
  } finally {
    await broker.close();
  }
});
