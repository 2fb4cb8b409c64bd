// Protocol behaviour over raw TCP (3.1, 3.1.1 and shared 5.0 rules): CONNECT rules, sessions,
// QoS flows, retained messages, wills, keep alive, link stealing, $ topics.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Packet } from '../../src/protocol/codec.ts';
import { type RunningBroker, startBroker } from './index.ts';
import { RawClient } from './testing/support.ts';

let broker: RunningBroker;
let port: number;
before(async () => {
  broker = await startBroker({ sysIntervalSeconds: 1 });
  port = broker.listeners[0]!.port;
});
after(() => broker.close());

const uid = () => Math.random().toString(36).slice(2, 10);
type P = Record<string, unknown>;
const rec = (p: Packet) => p as unknown as P;

describe('CONNECT rules', () => {
  test('first packet must be CONNECT (MQTT-3.1.0-1)', async () => {
    const c = await RawClient.open(port);
    c.send({ cmd: 'pingreq' });
    const got = await c.waitClosed();
    assert.equal(got.length, 0);
  });

  test('a second CONNECT closes the connection (MQTT-3.1.0-2)', async () => {
    const [c] = await RawClient.connect(port, 4);
    c.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId: 'again',
      clean: true,
      keepalive: 0,
    } as Packet);
    await c.waitClosed();
  });

  test('unsupported protocol level gets CONNACK 1 and close (MQTT-3.1.2-2)', async () => {
    const c = await RawClient.open(port);
    // CONNECT "MQTT" level 6, clean, keep alive 0, client id "x"
    c.sendRaw(Buffer.from([0x10, 13, 0, 4, 0x4d, 0x51, 0x54, 0x54, 6, 2, 0, 0, 0, 1, 0x78]));
    const got = await c.waitClosed();
    assert.equal(got[0]?.cmd, 'connack');
    assert.equal(rec(got[0]!).returnCode, 1);
  });

  test('reserved CONNECT flag set closes (MQTT-3.1.2-3)', async () => {
    const c = await RawClient.open(port);
    c.sendRaw(Buffer.from([0x10, 13, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 3, 0, 0, 0, 1, 0x78]));
    const got = await c.waitClosed();
    assert.equal(got.length, 0);
  });

  test('3.1 client ids must be 1-23 characters; 3.1 has no session present', async () => {
    const [c1, a1] = await RawClient.connect(port, 3, { clientId: 'x'.repeat(24) });
    assert.equal(rec(a1).returnCode, 2);
    await c1.waitClosed();
    const [c2, a2] = await RawClient.connect(port, 3, { clientId: 'abc123' });
    assert.equal(rec(a2).returnCode, 0);
    c2.destroy();
  });

  test('3.1.1 empty client id needs clean session (MQTT-3.1.3-8)', async () => {
    const c1 = await RawClient.open(port);
    c1.sendRaw(Buffer.from([0x10, 12, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0, 0, 0, 0, 0]));
    const got = await c1.waitClosed();
    assert.equal(rec(got[0]!).returnCode, 2);
    const [c2, a2] = await RawClient.connect(port, 4, { clientId: '', clean: true });
    assert.equal(rec(a2).returnCode, 0);
    assert.equal(rec(a2).sessionPresent, false);
    c2.destroy();
  });

  test('5.0 empty client id gets an Assigned Client Identifier (MQTT-3.2.2-16)', async () => {
    const [c, a] = await RawClient.connect(port, 5, { clientId: '' });
    const id = (rec(a).properties as P).assignedClientIdentifier;
    assert.equal(typeof id, 'string');
    assert.ok((id as string).length > 0);
    c.destroy();
  });
});

describe('sessions and QoS', () => {
  test('persistent session: session present, offline queue of QoS 1/2 only, redelivery with DUP', async () => {
    const id = `p-${uid()}`;
    const topic = `q/${id}`;
    const [s1, a1] = await RawClient.connect(port, 4, { clientId: id, clean: false });
    assert.equal(rec(a1).sessionPresent, false);
    s1.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 2 }] } as Packet);
    assert.deepEqual(rec(await s1.next('suback')).granted, [2]);
    s1.send({ cmd: 'disconnect' });
    await s1.waitClosed();
    const [pub] = await RawClient.connect(port, 4);
    pub.send({ cmd: 'publish', topic, qos: 0, payload: Buffer.from('q0') } as Packet);
    pub.send({ cmd: 'publish', topic, qos: 1, messageId: 5, payload: Buffer.from('q1') } as Packet);
    pub.send({ cmd: 'publish', topic, qos: 2, messageId: 6, payload: Buffer.from('q2') } as Packet);
    assert.equal((await pub.next('puback')).messageId, 5);
    assert.equal((await pub.next('pubrec')).messageId, 6);
    pub.send({ cmd: 'pubrel', messageId: 6 } as Packet);
    assert.equal((await pub.next('pubcomp')).messageId, 6);
    // reconnect: session present, queued QoS 1 and 2 delivered, QoS 0 not (A5.2); do not ack
    const [s2, a2] = await RawClient.connect(port, 4, { clientId: id, clean: false });
    assert.equal(rec(a2).sessionPresent, true);
    const m1 = rec(await s2.next('publish'));
    const m2 = rec(await s2.next('publish'));
    assert.deepEqual([String(m1.payload), m1.qos, m1.dup], ['q1', 1, false]);
    assert.deepEqual([String(m2.payload), m2.qos, m2.dup], ['q2', 2, false]);
    s2.destroy();
    await s2.waitClosed();
    // reconnect again: both re-sent with DUP=1 and the same packet ids (MQTT-3.3.1-1, MQTT-4.4.0-1)
    const [s3] = await RawClient.connect(port, 4, { clientId: id, clean: false });
    const r1 = rec(await s3.next('publish'));
    const r2 = rec(await s3.next('publish'));
    assert.deepEqual([String(r1.payload), r1.dup, r1.messageId], ['q1', true, m1.messageId]);
    assert.deepEqual([String(r2.payload), r2.dup, r2.messageId], ['q2', true, m2.messageId]);
    s3.send({ cmd: 'puback', messageId: r1.messageId } as Packet);
    s3.send({ cmd: 'pubrec', messageId: r2.messageId } as Packet);
    assert.equal((await s3.next('pubrel')).messageId, r2.messageId);
    s3.send({ cmd: 'pubcomp', messageId: r2.messageId } as Packet);
    // clean session discards it
    s3.send({ cmd: 'disconnect' });
    await s3.waitClosed();
    const [s4, a4] = await RawClient.connect(port, 4, { clientId: id, clean: true });
    assert.equal(rec(a4).sessionPresent, false);
    s4.destroy();
    pub.destroy();
  });

  test('QoS 2 duplicate before PUBREL is delivered once; QoS is downgraded to the grant', async () => {
    const topic = `x/${uid()}`;
    const [sub] = await RawClient.connect(port, 4);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 1 }] } as Packet);
    await sub.next('suback');
    const [pub] = await RawClient.connect(port, 4);
    pub.send({ cmd: 'publish', topic, qos: 2, messageId: 9, payload: Buffer.from('once') } as Packet);
    await pub.next('pubrec');
    pub.send({
      cmd: 'publish',
      topic,
      qos: 2,
      messageId: 9,
      dup: true,
      payload: Buffer.from('once'),
    } as Packet);
    await pub.next('pubrec');
    pub.send({ cmd: 'pubrel', messageId: 9 } as Packet);
    await pub.next('pubcomp');
    const m = rec(await sub.next('publish'));
    assert.equal(m.qos, 1); // A9.1
    sub.send({ cmd: 'puback', messageId: m.messageId } as Packet);
    pub.send({ cmd: 'pingreq' });
    await pub.next('pingresp');
    const rest = await sub.drain(200);
    assert.equal(rest.length, 0);
    sub.destroy();
    pub.destroy();
  });

  test('a large PUBLISH arriving in many reads is delivered intact', async () => {
    const topic = `big/${uid()}`;
    const [sub] = await RawClient.connect(port, 4);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 0 }] } as Packet);
    await sub.next('suback');
    const [pub] = await RawClient.connect(port, 4);
    const payload = Buffer.alloc(3_000_000);
    for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
    pub.send({ cmd: 'publish', topic, qos: 0, payload } as Packet);
    const m = rec(await sub.next('publish', 20_000));
    assert.ok(payload.equals(m.payload as Buffer));
    sub.destroy();
    pub.destroy();
  });

  test('wildcard in a PUBLISH topic closes the connection (MQTT-3.3.2-2)', async () => {
    const [c] = await RawClient.connect(port, 4);
    c.send({ cmd: 'publish', topic: 'a/+', qos: 0, payload: Buffer.from('x') } as Packet);
    await c.waitClosed();
  });

  test('UNSUBSCRIBE stops deliveries and is acknowledged with the same id', async () => {
    const topic = `u/${uid()}`;
    const [c] = await RawClient.connect(port, 4);
    c.send({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic, qos: 0 }] } as Packet);
    await c.next('suback');
    c.send({ cmd: 'unsubscribe', messageId: 4, unsubscriptions: [topic] } as Packet);
    assert.equal((await c.next('unsuback')).messageId, 4);
    c.send({ cmd: 'publish', topic, qos: 0, payload: Buffer.from('x') } as Packet);
    c.send({ cmd: 'pingreq' });
    assert.equal((await c.next()).cmd, 'pingresp');
    c.destroy();
  });
});

describe('retained messages', () => {
  test('set, sent on subscribe with RETAIN=1, live forwarding RETAIN=0, cleared by empty payload', async () => {
    const base = `r/${uid()}`;
    const [pub] = await RawClient.connect(port, 4);
    pub.send({
      cmd: 'publish',
      topic: `${base}/t`,
      qos: 1,
      messageId: 1,
      retain: true,
      payload: Buffer.from('v1'),
    } as Packet);
    await pub.next('puback');
    const [sub] = await RawClient.connect(port, 4);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `${base}/#`, qos: 1 }] } as Packet);
    await sub.next('suback');
    const r = rec(await sub.next('publish'));
    assert.deepEqual([String(r.payload), r.retain], ['v1', true]);
    sub.send({ cmd: 'puback', messageId: r.messageId } as Packet);
    pub.send({
      cmd: 'publish',
      topic: `${base}/t`,
      qos: 0,
      retain: true,
      payload: Buffer.from('v2'),
    } as Packet);
    const live = rec(await sub.next('publish'));
    assert.deepEqual([String(live.payload), live.retain], ['v2', false]); // MQTT-3.3.1-9 (3.1.1)
    pub.send({
      cmd: 'publish',
      topic: `${base}/t`,
      qos: 0,
      retain: true,
      payload: Buffer.alloc(0),
    } as Packet);
    const cleared = rec(await sub.next('publish'));
    assert.equal((cleared.payload as Buffer).length, 0);
    const [late] = await RawClient.connect(port, 4);
    late.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `${base}/#`, qos: 1 }] } as Packet);
    await late.next('suback');
    late.send({ cmd: 'pingreq' });
    assert.equal((await late.next()).cmd, 'pingresp');
    for (const c of [pub, sub, late]) c.destroy();
  });
});

describe('wills and keep alive', () => {
  const will = (topic: string) => ({ topic, payload: Buffer.from('gone'), qos: 1, retain: false });

  async function watcher(topic: string): Promise<RawClient> {
    const [w] = await RawClient.connect(port, 4);
    w.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 1 }] } as Packet);
    await w.next('suback');
    return w;
  }

  test('abrupt close publishes the will (MQTT-3.1.2-8)', async () => {
    const topic = `w/${uid()}`;
    const w = await watcher(topic);
    const [c] = await RawClient.connect(port, 4, { will: will(topic) });
    c.destroy();
    assert.equal(String(rec(await w.next('publish')).payload), 'gone');
    w.destroy();
  });

  test('clean DISCONNECT discards the will (MQTT-3.14.4-3)', async () => {
    const topic = `w/${uid()}`;
    const w = await watcher(topic);
    const [c] = await RawClient.connect(port, 4, { will: will(topic) });
    c.send({ cmd: 'disconnect' });
    await c.waitClosed();
    w.send({ cmd: 'pingreq' });
    assert.equal((await w.next()).cmd, 'pingresp');
    w.destroy();
  });

  test('keep alive expiry closes the connection and publishes the will (A13.4)', async () => {
    const topic = `w/${uid()}`;
    const w = await watcher(topic);
    const [c] = await RawClient.connect(port, 4, { will: will(topic), keepalive: 1 });
    await c.waitClosed(5000);
    assert.equal(String(rec(await w.next('publish')).payload), 'gone');
    w.destroy();
  });

  test('a protocol error publishes the will (A12.3)', async () => {
    const topic = `w/${uid()}`;
    const w = await watcher(topic);
    const [c] = await RawClient.connect(port, 4, { will: will(topic) });
    c.sendRaw(Buffer.from([0x62, 0x02, 0x00])); // truncated... then an invalid header flags packet
    c.sendRaw(Buffer.from([0x01, 0x82, 0x00, 0x00]));
    await c.waitClosed();
    assert.equal(String(rec(await w.next('publish')).payload), 'gone');
    w.destroy();
  });
});

describe('link stealing and $ topics', () => {
  test('a second connection with the same id closes the first (A14.1)', async () => {
    const id = `ls-${uid()}`;
    const [c1] = await RawClient.connect(port, 5, { clientId: id });
    const [c2, a2] = await RawClient.connect(port, 5, { clientId: id });
    assert.equal(rec(a2).reasonCode, 0);
    const got = await c1.waitClosed();
    assert.equal(got[0]?.cmd, 'disconnect');
    assert.equal(rec(got[0]!).reasonCode, 0x8e); // MQTT-3.1.4-3
    c2.destroy();
  });

  test('# does not match $SYS, $SYS/# does, and $SYS carries live statistics (A16)', async () => {
    const [c] = await RawClient.connect(port, 4);
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '#', qos: 0 }] } as Packet);
    await c.next('suback');
    c.send({
      cmd: 'subscribe',
      messageId: 2,
      subscriptions: [{ topic: '$SYS/broker/clients/connected', qos: 0 }],
    } as Packet);
    await c.next('suback');
    const m = rec(await c.next('publish'));
    assert.equal(m.topic, '$SYS/broker/clients/connected');
    assert.ok(Number(String(m.payload)) >= 1);
    c.destroy();
  });
});
