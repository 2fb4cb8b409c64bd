// MQTT 5.0 features over raw TCP: subscription options, subscription identifiers, message expiry,
// topic aliases, flow control, packet size, request/response, will delay, shared subscriptions,
// session expiry, server keep alive, reduced capabilities.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Packet } from '../../src/protocol/codec.ts';
import { loadBrokerConfig, type RunningBroker, startBroker } from './index.ts';
import { RawClient } from './testing/support.ts';

type P = Record<string, unknown>;
const rec = (p: Packet) => p as unknown as P;
const props = (p: Packet) => (rec(p).properties ?? {}) as P;
const uid = () => Math.random().toString(36).slice(2, 10);
const configs = join(import.meta.dirname, '..', 'configs');

let def: RunningBroker;
let limits: RunningBroker;
let qos1: RunningBroker;
let port: number;
let lport: number;
let qport: number;
before(async () => {
  const load = (f: string) => {
    const r = loadBrokerConfig(join(configs, f));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.config;
  };
  def = await startBroker({ ...load('default.yaml'), sessionScanIntervalMs: 200, sysIntervalSeconds: 0 });
  limits = await startBroker(load('limits.yaml'));
  qos1 = await startBroker(load('qos1.yaml'));
  port = def.listeners[0]!.port;
  lport = limits.listeners[0]!.port;
  qport = qos1.listeners[0]!.port;
});
after(async () => {
  await Promise.all([def.close(), limits.close(), qos1.close()]);
});

async function sub5(p: number, filters: Array<P>, subProps: P = {}, fields: P = {}): Promise<RawClient> {
  const [c] = await RawClient.connect(p, 5, fields);
  c.send({
    cmd: 'subscribe',
    messageId: 1,
    subscriptions: filters,
    properties: subProps,
  } as unknown as Packet);
  await c.next('suback');
  return c;
}

async function ping(c: RawClient): Promise<void> {
  c.send({ cmd: 'pingreq' });
  const p = await c.next();
  assert.equal(p.cmd, 'pingresp', `expected nothing before PINGRESP, got ${JSON.stringify(p)}`);
}

describe('subscription options', () => {
  test('No Local: own messages are not echoed (MQTT-3.8.3-3)', async () => {
    const t = `nl/${uid()}`;
    const c = await sub5(port, [{ topic: t, qos: 0, nl: true }]);
    c.send({ cmd: 'publish', topic: t, qos: 0, payload: Buffer.from('x') } as Packet);
    await ping(c);
    c.destroy();
  });

  test('Retain Handling 0/1/2 and Retain As Published (MQTT-3.3.1-9..-13)', async () => {
    const t = `rh/${uid()}`;
    const [p] = await RawClient.connect(port, 5);
    p.send({ cmd: 'publish', topic: t, qos: 0, retain: true, payload: Buffer.from('kept') } as Packet);
    await ping(p);
    const c = await sub5(port, [{ topic: t, qos: 0, rh: 1, rap: true }]);
    assert.equal(rec(await c.next('publish')).retain, true);
    c.send({
      cmd: 'subscribe',
      messageId: 2,
      subscriptions: [{ topic: t, qos: 0, rh: 1, rap: true }],
    } as unknown as Packet);
    await c.next('suback');
    await ping(c); // rh 1: subscription existed => nothing
    const c2 = await sub5(port, [{ topic: t, qos: 0, rh: 2 }]);
    await ping(c2); // rh 2: never
    p.send({ cmd: 'publish', topic: t, qos: 0, retain: true, payload: Buffer.from('live') } as Packet);
    assert.equal(rec(await c.next('publish')).retain, true); // rap 1
    assert.equal(rec(await c2.next('publish')).retain, false); // rap 0
    for (const x of [p, c, c2]) x.destroy();
  });

  test('Subscription Identifiers are echoed, all of them for overlapping subscriptions (MQTT-3.3.4-3)', async () => {
    const t = `sid/${uid()}`;
    const c = await sub5(port, [{ topic: `${t}/+`, qos: 0 }], { subscriptionIdentifier: 7 });
    c.send({
      cmd: 'subscribe',
      messageId: 2,
      subscriptions: [{ topic: `${t}/#`, qos: 1 }],
      properties: { subscriptionIdentifier: 9 },
    } as unknown as Packet);
    await c.next('suback');
    c.send({ cmd: 'publish', topic: `${t}/a`, qos: 0, payload: Buffer.from('x') } as Packet);
    const m = await c.next('publish');
    const ids = props(m).subscriptionIdentifier;
    assert.deepEqual(Array.isArray(ids) ? [...ids].sort() : [ids], [7, 9]);
    c.destroy();
  });
});

describe('message expiry, topic aliases, flow control, sizes', () => {
  test('a queued message is forwarded with its remaining lifetime; an expired one is dropped (MQTT-3.3.2-5/-6)', async () => {
    const id = `me-${uid()}`;
    const t = `me/${id}`;
    const c = await sub5(
      port,
      [{ topic: t, qos: 1 }],
      {},
      { clientId: id, clean: true, properties: { sessionExpiryInterval: 60 } },
    );
    c.send({ cmd: 'disconnect' });
    await c.waitClosed();
    const [p] = await RawClient.connect(port, 5);
    p.send({
      cmd: 'publish',
      topic: t,
      qos: 1,
      messageId: 1,
      payload: Buffer.from('short'),
      properties: { messageExpiryInterval: 1 },
    } as Packet);
    p.send({
      cmd: 'publish',
      topic: t,
      qos: 1,
      messageId: 2,
      payload: Buffer.from('long'),
      properties: { messageExpiryInterval: 100 },
    } as Packet);
    await p.next('puback');
    await p.next('puback');
    await new Promise((r) => setTimeout(r, 2100));
    const [c2, ack] = await RawClient.connect(port, 5, {
      clientId: id,
      clean: false,
      properties: { sessionExpiryInterval: 60 },
    });
    assert.equal(rec(ack).sessionPresent, true);
    const m = await c2.next('publish');
    assert.equal(String(rec(m).payload), 'long');
    const left = props(m).messageExpiryInterval as number;
    assert.ok(left < 100 && left >= 90, `remaining ${left}`);
    c2.destroy();
    p.destroy();
  });

  test('inbound topic alias is resolved; alias above the maximum => DISCONNECT 0x94', async () => {
    const t = `ta/${uid()}`;
    const s = await sub5(lport, [{ topic: t, qos: 0 }]);
    const [p] = await RawClient.connect(lport, 5);
    p.send({
      cmd: 'publish',
      topic: t,
      qos: 0,
      payload: Buffer.from('1'),
      properties: { topicAlias: 1 },
    } as Packet);
    p.send({
      cmd: 'publish',
      topic: '',
      qos: 0,
      payload: Buffer.from('2'),
      properties: { topicAlias: 1 },
    } as Packet);
    assert.equal(rec(await s.next('publish')).topic, t);
    const second = rec(await s.next('publish'));
    assert.deepEqual([second.topic, String(second.payload)], [t, '2']);
    p.send({
      cmd: 'publish',
      topic: t,
      qos: 0,
      payload: Buffer.from('3'),
      properties: { topicAlias: 6 },
    } as Packet);
    const got = await p.waitClosed();
    assert.equal(rec(got[0]!).reasonCode, 0x94);
    s.destroy();
  });

  test('outbound topic aliases are assigned when the client allows them (MQTT-3.1.2-26)', async () => {
    const t = `oa/${uid()}`;
    const s = await sub5(port, [{ topic: t, qos: 0 }], {}, { properties: { topicAliasMaximum: 2 } });
    const [p] = await RawClient.connect(port, 5);
    for (const x of ['a', 'b'])
      p.send({ cmd: 'publish', topic: t, qos: 0, payload: Buffer.from(x) } as Packet);
    const m1 = await s.next('publish');
    const m2 = await s.next('publish');
    assert.deepEqual([rec(m1).topic, props(m1).topicAlias], [t, 1]);
    assert.deepEqual([rec(m2).topic, props(m2).topicAlias], ['', 1]);
    s.destroy();
    p.destroy();
  });

  test('client exceeding Receive Maximum gets DISCONNECT 0x93 (A30.2)', async () => {
    const [p, ack] = await RawClient.connect(lport, 5);
    assert.equal(props(ack).receiveMaximum, 3);
    for (let i = 1; i <= 4; i++)
      p.send({ cmd: 'publish', topic: 'rm/x', qos: 2, messageId: i, payload: Buffer.from('x') } as Packet);
    const got = await p.waitClosed();
    assert.equal(got.filter((x) => x.cmd === 'pubrec').length, 3);
    assert.equal(rec(got[got.length - 1]!).reasonCode, 0x93);
  });

  test("the broker respects the client's Receive Maximum (A30.3)", async () => {
    const t = `crm/${uid()}`;
    const s = await sub5(port, [{ topic: t, qos: 1 }], {}, { properties: { receiveMaximum: 2 } });
    const [p] = await RawClient.connect(port, 5);
    for (let i = 1; i <= 5; i++)
      p.send({ cmd: 'publish', topic: t, qos: 1, messageId: i, payload: Buffer.from(`${i}`) } as Packet);
    for (let i = 1; i <= 5; i++) await p.next('puback');
    const first = [await s.next('publish'), await s.next('publish')];
    await ping(s); // no third delivery while two are unacknowledged
    s.send({ cmd: 'puback', messageId: first[0]!.messageId } as Packet);
    assert.equal(String(rec(await s.next('publish')).payload), '3');
    s.destroy();
    p.destroy();
  });

  test('packets above the maximum size: DISCONNECT 0x95 inbound, silently dropped outbound', async () => {
    const [p, ack] = await RawClient.connect(lport, 5);
    assert.equal(props(ack).maximumPacketSize, 1024);
    p.send({ cmd: 'publish', topic: 'big', qos: 0, payload: Buffer.alloc(2000) } as Packet);
    const got = await p.waitClosed();
    assert.equal(rec(got[0]!).reasonCode, 0x95);
    const t = `mps/${uid()}`;
    const s = await sub5(port, [{ topic: t, qos: 1 }], {}, { properties: { maximumPacketSize: 100 } });
    const [p2] = await RawClient.connect(port, 5);
    p2.send({ cmd: 'publish', topic: t, qos: 1, messageId: 1, payload: Buffer.alloc(200) } as Packet);
    p2.send({ cmd: 'publish', topic: t, qos: 1, messageId: 2, payload: Buffer.from('small') } as Packet);
    assert.equal(String(rec(await s.next('publish')).payload), 'small'); // MQTT-3.1.2-25
    s.destroy();
    p2.destroy();
  });
});

describe('connection properties', () => {
  test('Response Information only when requested (MQTT-3.1.2-28)', async () => {
    const [a, ack1] = await RawClient.connect(port, 5, { properties: { requestResponseInformation: true } });
    assert.equal(typeof props(ack1).responseInformation, 'string');
    const [b, ack2] = await RawClient.connect(port, 5);
    assert.equal(props(ack2).responseInformation, undefined);
    a.destroy();
    b.destroy();
  });

  test('reason strings only when the client allows them (MQTT-3.1.2-29)', async () => {
    const will = { topic: 'w', payload: Buffer.from('x'), qos: 2 };
    const [a, ack1] = await RawClient.connect(qport, 5, { will });
    assert.equal(rec(ack1).reasonCode, 0x9b);
    assert.equal(typeof props(ack1).reasonString, 'string');
    const [b, ack2] = await RawClient.connect(qport, 5, {
      will,
      properties: { requestProblemInformation: false },
    });
    assert.equal(rec(ack2).reasonCode, 0x9b);
    assert.equal(props(ack2).reasonString, undefined);
    a.destroy();
    b.destroy();
  });

  test('Server Keep Alive overrides 0 or larger client values (source-checklist B1)', async () => {
    const [a, ack1] = await RawClient.connect(lport, 5, { keepalive: 0 });
    assert.equal(props(ack1).serverKeepAlive, 10);
    const [b, ack2] = await RawClient.connect(lport, 5, { keepalive: 5 });
    assert.equal(props(ack2).serverKeepAlive, undefined);
    a.destroy();
    b.destroy();
  });

  test('session expiry: kept within the interval, gone after it (A21)', async () => {
    const id = `se-${uid()}`;
    const f = { clientId: id, clean: false, properties: { sessionExpiryInterval: 1 } };
    const [a] = await RawClient.connect(port, 5, f);
    a.send({ cmd: 'disconnect' });
    await a.waitClosed();
    const [b, ack] = await RawClient.connect(port, 5, f);
    assert.equal(rec(ack).sessionPresent, true);
    b.send({ cmd: 'disconnect' });
    await b.waitClosed();
    await new Promise((r) => setTimeout(r, 1600));
    const [c, ack2] = await RawClient.connect(port, 5, f);
    assert.equal(rec(ack2).sessionPresent, false);
    c.destroy();
  });
});

describe('wills (5.0)', () => {
  test('DISCONNECT 0x04 publishes the will; will delay is cancelled by a reconnect (MQTT-3.1.3-9)', async () => {
    const t = `w5/${uid()}`;
    const w = await sub5(port, [{ topic: t, qos: 0 }]);
    const [a] = await RawClient.connect(port, 5, { will: { topic: t, payload: Buffer.from('04'), qos: 0 } });
    a.send({ cmd: 'disconnect', reasonCode: 4 } as Packet);
    assert.equal(String(rec(await w.next('publish')).payload), '04');
    const id = `wd-${uid()}`;
    const wf = { clientId: id, clean: false, properties: { sessionExpiryInterval: 30 } };
    const willD = {
      topic: t,
      payload: Buffer.from('delayed'),
      qos: 0,
      properties: { willDelayInterval: 30 },
    };
    const [b] = await RawClient.connect(port, 5, { ...wf, will: willD });
    b.destroy();
    await b.waitClosed();
    const [b2, ack] = await RawClient.connect(port, 5, wf);
    assert.equal(rec(ack).sessionPresent, true);
    await ping(w); // the delayed will was not published
    b2.destroy();
    w.destroy();
  });
});

describe('shared subscriptions', () => {
  test('one member per group gets each message, round-robin; other groups get all (A25)', async () => {
    const t = `sh/${uid()}`;
    const m1 = await sub5(port, [{ topic: `$share/g1/${t}`, qos: 0 }]);
    const m2 = await sub5(port, [{ topic: `$share/g1/${t}`, qos: 0 }]);
    const other = await sub5(port, [{ topic: `$share/g2/${t}`, qos: 0 }]);
    const [p] = await RawClient.connect(port, 5);
    for (let i = 0; i < 4; i++)
      p.send({ cmd: 'publish', topic: t, qos: 0, payload: Buffer.from(`${i}`) } as Packet);
    for (let i = 0; i < 4; i++) await other.next('publish');
    const a = [await m1.next('publish'), await m1.next('publish')].map((x) => String(rec(x).payload));
    const b = [await m2.next('publish'), await m2.next('publish')].map((x) => String(rec(x).payload));
    assert.deepEqual([...a, ...b].sort(), ['0', '1', '2', '3']);
    for (const x of [m1, m2, other, p]) x.destroy();
  });
});

describe('reduced capabilities (qos1.yaml)', () => {
  test('CONNACK announces them and violations get the documented codes', async () => {
    const [c, ack] = await RawClient.connect(qport, 5);
    const pr = props(ack);
    assert.deepEqual(
      [
        pr.maximumQoS,
        pr.retainAvailable,
        pr.wildcardSubscriptionAvailable,
        pr.sharedSubscriptionAvailable,
        pr.subscriptionIdentifiersAvailable,
      ],
      [1, false, false, false, false],
    );
    c.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [
        { topic: 'a', qos: 2 },
        { topic: 'a/+', qos: 0 },
        { topic: '$share/g/a', qos: 0 },
      ],
    } as unknown as Packet);
    assert.deepEqual(rec(await c.next('suback')).granted, [1, 0xa2, 0x9e]);
    c.send({ cmd: 'publish', topic: 'a', qos: 2, messageId: 1, payload: Buffer.from('x') } as Packet);
    assert.equal(rec((await c.waitClosed())[0]!).reasonCode, 0x9b);
    const [d] = await RawClient.connect(qport, 5);
    d.send({ cmd: 'publish', topic: 'a', qos: 0, retain: true, payload: Buffer.from('x') } as Packet);
    assert.equal(rec((await d.waitClosed())[0]!).reasonCode, 0x9a);
  });
});
