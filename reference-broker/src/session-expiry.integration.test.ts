// Session expiry is a timer per offline session: the session ends, and a will still waiting for
// its Will Delay Interval is published, when the Session Expiry Interval has passed
// (MQTT-3.1.2-8, MQTT-3.1.2-23). The periodic scan is disabled here (one hour) so that only the
// timer can do it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Packet } from '../../src/protocol/codec.ts';
import { type RunningBroker, startBroker } from './index.ts';
import { RawClient, until } from './testing/support.ts';

type P = Record<string, unknown>;
const rec = (p: Packet) => p as unknown as P;

let broker: RunningBroker;
let port: number;
before(async () => {
  broker = await startBroker({ sessionScanIntervalMs: 3_600_000, sysIntervalSeconds: 0 }, { log: () => {} });
  port = broker.listeners[0]!.port;
});
after(async () => {
  await broker.close();
});

async function watcher(topic: string): Promise<RawClient> {
  const [w] = await RawClient.connect(port, 5);
  w.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 0 }] } as Packet);
  await w.next('suback');
  return w;
}

test('with Session Expiry shorter than the Will Delay, the will is published when the session ends', async () => {
  const w = await watcher('se/will');
  const [c] = await RawClient.connect(port, 5, {
    clientId: 'se-will',
    clean: false,
    properties: { sessionExpiryInterval: 1 },
    will: {
      topic: 'se/will',
      payload: Buffer.from('ended'),
      qos: 0,
      properties: { willDelayInterval: 3600 },
    },
  });
  c.destroy();
  const p = rec(await w.next('publish', 10_000));
  assert.equal(p.topic, 'se/will');
  assert.equal(String(p.payload), 'ended');
  const [again, ack] = await RawClient.connect(port, 5, { clientId: 'se-will', clean: false });
  assert.equal(rec(ack).sessionPresent, false, 'the session ended');
  again.destroy();
  w.destroy();
});

test('an expired offline session is removed without waiting for its client', async () => {
  await until(() => broker.stats().sessions === 0, 'the earlier sessions to end');
  const before = 0;
  const [c] = await RawClient.connect(port, 5, {
    clientId: 'se-gone',
    clean: false,
    properties: { sessionExpiryInterval: 1 },
  });
  c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'se/gone', qos: 1 }] } as Packet);
  await c.next('suback');
  assert.equal(broker.stats().sessions, before + 1);
  c.destroy();
  await until(() => broker.stats().sessions === before, 'the session to expire', 10_000);
  assert.equal(broker.stats().subscriptions, 0);
});

test('a session resumed before it expires is not removed by the earlier timer', async () => {
  const [c] = await RawClient.connect(port, 5, {
    clientId: 'se-back',
    clean: false,
    properties: { sessionExpiryInterval: 1 },
  });
  c.destroy();
  await until(() => c.closed, 'close');
  const [back, ack] = await RawClient.connect(port, 5, {
    clientId: 'se-back',
    clean: false,
    properties: { sessionExpiryInterval: 1 },
  });
  assert.equal(rec(ack).sessionPresent, true);
  await new Promise((r) => setTimeout(r, 1500)); // past the first expiry, while connected
  back.send({ cmd: 'pingreq' });
  assert.equal((await back.next()).cmd, 'pingresp');
  back.send({ cmd: 'disconnect', reasonCode: 0 } as Packet);
  await back.waitClosed();
  const [third, ack3] = await RawClient.connect(port, 5, { clientId: 'se-back', clean: false });
  assert.equal(rec(ack3).sessionPresent, true, 'the session outlived the first timer');
  third.send({ cmd: 'disconnect', reasonCode: 0 } as Packet);
});
