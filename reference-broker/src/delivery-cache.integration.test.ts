// Regressions: deliveries outside a fan-out (retained messages on SUBSCRIBE, queued messages released
// by an acknowledgement) carry their own bytes, not those of the last routed message; strict CONNECT
// checks; a session whose expiry passed is gone at reconnect even before the periodic scan.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Packet } from '../../src/protocol/codec.ts';
import { type RunningBroker, startBroker } from './index.ts';
import { RawClient } from './testing/support.ts';

let broker: RunningBroker;
let port: number;
before(async () => {
  // the periodic session scan never runs during these tests
  broker = await startBroker({ sessionScanIntervalMs: 3_600_000 });
  port = broker.listeners[0]!.port;
});
after(() => broker.close());

const uid = () => Math.random().toString(36).slice(2, 10);
type P = Record<string, unknown>;
const rec = (p: Packet) => p as unknown as P;

describe('deliveries outside a fan-out', () => {
  test('every retained message matching a wildcard arrives once, with its own topic (MQTT-3.3.1-6 (3.1.1))', async () => {
    const base = `rc/${uid()}`;
    const [pub] = await RawClient.connect(port, 4);
    for (const [i, t] of ['a', 'b', 'c'].entries()) {
      pub.send({
        cmd: 'publish',
        topic: `${base}/${t}`,
        qos: 1,
        messageId: i + 1,
        retain: true,
        payload: t,
      } as Packet);
      await pub.next('puback');
    }
    // a live fan-out right before the subscription fills the encoding cache
    pub.send({ cmd: 'publish', topic: `${base}/live`, qos: 0, payload: 'x' } as Packet);
    const [sub] = await RawClient.connect(port, 4);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `${base}/+`, qos: 0 }] } as Packet);
    await sub.next('suback');
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = rec(await sub.next('publish'));
      got.push(`${String(p.topic)}=${String(p.payload)}`);
    }
    assert.deepEqual(
      got.sort(),
      ['a', 'b', 'c'].map((t) => `${base}/${t}=${t}`),
    );
    for (const c of [pub, sub]) c.destroy();
  });

  test('a message queued behind the receive maximum is sent with its own topic after the PUBACK (MQTT-3.3.4-9)', async () => {
    const base = `rq/${uid()}`;
    const [sub] = await RawClient.connect(port, 5, { properties: { receiveMaximum: 1 } });
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `${base}/a`, qos: 1 }] } as Packet);
    await sub.next('suback');
    const [other] = await RawClient.connect(port, 5);
    other.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: `${base}/other`, qos: 1 }],
    } as Packet);
    await other.next('suback');
    const [pub] = await RawClient.connect(port, 5);
    pub.send({ cmd: 'publish', topic: `${base}/a`, qos: 1, messageId: 1, payload: 'm1' } as Packet);
    pub.send({ cmd: 'publish', topic: `${base}/a`, qos: 1, messageId: 2, payload: 'm2' } as Packet);
    // a fan-out of another message to another client while m2 waits in the queue
    pub.send({ cmd: 'publish', topic: `${base}/other`, qos: 1, messageId: 3, payload: 'zz' } as Packet);
    for (let i = 0; i < 3; i++) await pub.next('puback');
    assert.equal(String(rec(await other.next('publish')).payload), 'zz');
    const first = rec(await sub.next('publish'));
    assert.equal(String(first.payload), 'm1');
    sub.send({ cmd: 'puback', messageId: first.messageId } as Packet);
    const second = rec(await sub.next('publish'));
    assert.deepEqual([second.topic, String(second.payload)], [`${base}/a`, 'm2']);
    for (const c of [pub, sub, other]) c.destroy();
  });
});

describe('strict CONNECT and session expiry', () => {
  test('a User Name without its flag closes the connection without CONNACK (MQTT-3.1.2-18, MQTT-3.1.4-1)', async () => {
    const c = await RawClient.open(port, 4);
    // CONNECT "MQTT" 4, flags: clean only, keep alive 0, client id "x", then a user name "u"
    c.sendRaw(Buffer.from([0x10, 16, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 0, 0, 1, 0x78, 0, 1, 0x75]));
    assert.deepEqual(await c.waitClosed(), []);
  });

  test('an expired session is not resumed even before the periodic scan (MQTT-3.1.2-23 (5.0))', async () => {
    const clientId = `exp-${uid()}`;
    const [c1, a1] = await RawClient.connect(port, 5, {
      clientId,
      clean: false,
      properties: { sessionExpiryInterval: 1 },
    });
    assert.equal(rec(a1).reasonCode, 0);
    c1.destroy();
    await new Promise((r) => setTimeout(r, 1300));
    const [c2, a2] = await RawClient.connect(port, 5, { clientId, clean: false });
    assert.equal(rec(a2).sessionPresent, false);
    c2.destroy();
  });
});
