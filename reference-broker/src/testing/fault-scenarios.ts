// One scenario per fault switch of the reference broker: a conversation on which the broker, with that fault
// switched on, misbehaves in its one documented way (the assertion of each is the misbehaviour). The fault
// families' scenarios are generated in family-fault-scenarios.ts.
import assert from 'node:assert/strict';
import type { Packet } from '../../../src/protocol/codec.ts';
import { FAMILY_FAULT_SCENARIOS } from './family-fault-scenarios.ts';
import { type P, pingFirst, props, pub, rec, sub } from './fault-helpers.ts';
import { RawClient } from './support.ts';

export const FAULT_SCENARIOS: Record<string, (port: number) => Promise<void>> = {
  ...FAMILY_FAULT_SCENARIOS,
  'no-pubrec': async (port) => {
    const [c] = await RawClient.connect(port, 4);
    c.send(pub('f/a', 'x', { qos: 2, messageId: 1 }));
    assert.equal((await pingFirst(c)).cmd, 'pingresp');
  },
  'no-puback': async (port) => {
    const [c] = await RawClient.connect(port, 4);
    c.send(pub('f/a', 'x', { qos: 1, messageId: 1 }));
    assert.equal((await pingFirst(c)).cmd, 'pingresp');
  },
  'wrong-session-present': async (port) => {
    const [, ack] = await RawClient.connect(port, 4, { clean: true });
    assert.equal(rec(ack).sessionPresent, true);
  },
  'retain-not-cleared': async (port) => {
    const [p] = await RawClient.connect(port, 4);
    p.send(pub('f/r', 'v', { retain: true }));
    p.send(pub('f/r', '', { retain: true }));
    await pingFirst(p);
    const s = await sub(port, 4, 'f/r', 0);
    assert.equal(String(rec(await s.next('publish')).payload), 'v');
  },
  'no-retain-on-subscribe': async (port) => {
    const [p] = await RawClient.connect(port, 4);
    p.send(pub('f/r', 'v', { retain: true }));
    await pingFirst(p);
    const s = await sub(port, 4, 'f/r', 0);
    assert.equal((await pingFirst(s)).cmd, 'pingresp');
  },
  'will-on-clean-disconnect': async (port) => {
    const w = await sub(port, 4, 'f/w', 0);
    const [c] = await RawClient.connect(port, 4, {
      will: { topic: 'f/w', payload: Buffer.from('will'), qos: 0 },
    });
    c.send({ cmd: 'disconnect' });
    assert.equal(String(rec(await w.next('publish')).payload), 'will');
  },
  'session-expiry-scan': async (port) => {
    // the broker has just started: its first scan is sessionScanIntervalMs (5 s) away
    const w = await sub(port, 5, 'f/se', 0);
    const [c] = await RawClient.connect(port, 5, {
      clean: false,
      properties: { sessionExpiryInterval: 1 },
      will: { topic: 'f/se', payload: Buffer.from('w'), qos: 0, properties: { willDelayInterval: 60 } },
    });
    c.destroy();
    const got = await w.drain(2500);
    assert.deepEqual(
      got.map((p) => p.cmd),
      [],
      'the will came before any scan',
    );
  },
  'no-will-on-drop': async (port) => {
    const w = await sub(port, 4, 'f/w', 0);
    const [c] = await RawClient.connect(port, 4, {
      will: { topic: 'f/w', payload: Buffer.from('will'), qos: 0 },
    });
    c.destroy();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await pingFirst(w)).cmd, 'pingresp');
  },
  'ignore-inbound-alias': async (port) => {
    const s = await sub(port, 5, 'f/a', 0);
    const [p] = await RawClient.connect(port, 5);
    p.send(pub('f/a', '1', { properties: { topicAlias: 1 } }));
    p.send(pub('', '2', { properties: { topicAlias: 1 } }));
    assert.equal(String(rec(await s.next('publish')).payload), '1');
    await pingFirst(p);
    assert.equal((await pingFirst(s)).cmd, 'pingresp');
  },
  'no-keepalive': async (port) => {
    const [c] = await RawClient.connect(port, 4, { keepalive: 1 });
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(c.closed, false);
  },
  'accept-malformed': async (port) => {
    const [c] = await RawClient.connect(port, 4);
    c.sendRaw(Buffer.from([0x82, 0x04, 0x00, 0x01, 0x00, 0x00])); // SUBSCRIBE with an empty filter list
    assert.equal((await pingFirst(c)).cmd, 'pingresp');
  },
  'no-qos-downgrade': async (port) => {
    const s = await sub(port, 4, 'f/q', 0);
    const [p] = await RawClient.connect(port, 4);
    p.send(pub('f/q', 'x', { qos: 1, messageId: 1 }));
    assert.equal(rec(await s.next('publish')).qos, 1);
  },
  'shared-deliver-all': async (port) => {
    const a = await sub(port, 5, '$share/g/f/s', 0);
    const b = await sub(port, 5, '$share/g/f/s', 0);
    const [p] = await RawClient.connect(port, 5);
    p.send(pub('f/s', 'x'));
    await a.next('publish');
    await b.next('publish');
  },
  'dollar-wildcard': async (port) => {
    const s = await sub(port, 4, '#', 0);
    const [p] = await RawClient.connect(port, 4);
    p.send(pub('$x/y', 'x'));
    assert.equal(rec(await s.next('publish')).topic, '$x/y');
  },
  'no-link-stealing': async (port) => {
    const [a] = await RawClient.connect(port, 4, { clientId: 'same' });
    await RawClient.connect(port, 4, { clientId: 'same' });
    assert.equal((await pingFirst(a)).cmd, 'pingresp');
  },
  'ignore-receive-maximum': async (port) => {
    const s = await sub(port, 5, 'f/rm', 1, { properties: { receiveMaximum: 1 } });
    const [p] = await RawClient.connect(port, 5);
    p.send(pub('f/rm', '1', { qos: 1, messageId: 1 }));
    p.send(pub('f/rm', '2', { qos: 1, messageId: 2 }));
    await s.next('publish');
    await s.next('publish');
  },
  'ignore-max-packet-size': async (port) => {
    const s = await sub(port, 5, 'f/m', 0, { properties: { maximumPacketSize: 50 } });
    const [p] = await RawClient.connect(port, 5);
    p.send(pub('f/m', 'x'.repeat(100)));
    s.socket.removeAllListeners('data'); // our own decoder would refuse nothing; just count bytes
    const n = await new Promise<number>((r) => s.socket.once('data', (d: Buffer) => r(d.length)));
    assert.ok(n > 50);
  },
  'no-local-ignored': async (port) => {
    const c = await sub(port, 5, 'f/nl', 0, {}, { nl: true });
    c.send(pub('f/nl', 'x'));
    assert.equal((await c.next()).cmd, 'publish');
  },
  'no-subscription-id': async (port) => {
    const [c] = await RawClient.connect(port, 5);
    c.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: 'f/id', qos: 0 }],
      properties: { subscriptionIdentifier: 5 },
    } as Packet);
    await c.next('suback');
    c.send(pub('f/id', 'x'));
    assert.equal(props(await c.next('publish')).subscriptionIdentifier, undefined);
  },
  'no-message-expiry': async (port) => {
    const s = await sub(port, 5, 'f/e', 0);
    const [p] = await RawClient.connect(port, 5);
    p.send(pub('f/e', 'x', { properties: { messageExpiryInterval: 1 }, retain: true }));
    await s.next('publish');
    await new Promise((r) => setTimeout(r, 1100));
    const late = await sub(port, 5, 'f/e', 0);
    assert.equal(props(await late.next('publish')).messageExpiryInterval, 1);
  },
  'second-connect-accepted': async (port) => {
    const [c] = await RawClient.connect(port, 4);
    c.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId: 'x2',
      clean: true,
      keepalive: 0,
    } as Packet);
    assert.equal((await pingFirst(c)).cmd, 'pingresp');
  },
  'no-unsuback': async (port) => {
    const c = await sub(port, 4, 'f/u', 0);
    c.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['f/u'] } as Packet);
    assert.equal((await pingFirst(c)).cmd, 'pingresp');
  },
  'wildcard-publish-accepted': async (port) => {
    const [c] = await RawClient.connect(port, 4);
    c.send(pub('f/+', 'x'));
    assert.equal((await pingFirst(c)).cmd, 'pingresp');
  },
  'retain-flag-live': async (port) => {
    const s = await sub(port, 4, 'f/rl', 0);
    const [p] = await RawClient.connect(port, 4);
    p.send(pub('f/rl', 'x', { retain: true }));
    assert.equal(rec(await s.next('publish')).retain, true);
  },
  'no-dup-on-redelivery': async (port) => {
    const s = await sub(port, 4, 'f/d', 1, { clientId: 'dup1', clean: false });
    const [p] = await RawClient.connect(port, 4);
    p.send(pub('f/d', 'x', { qos: 1, messageId: 1 }));
    await s.next('publish');
    s.destroy();
    await s.waitClosed();
    const [s2] = await RawClient.connect(port, 4, { clientId: 'dup1', clean: false });
    assert.equal(rec(await s2.next('publish')).dup, false);
  },
  'no-assigned-client-id': async (port) => {
    const [, ack] = await RawClient.connect(port, 5, { clientId: '' });
    assert.equal(rec(ack).reasonCode, 0);
    assert.equal(props(ack).assignedClientIdentifier, undefined);
  },
  'will-delay-ignored': async (port) => {
    const w = await sub(port, 5, 'f/wd', 0);
    const [c] = await RawClient.connect(port, 5, {
      properties: { sessionExpiryInterval: 60 },
      will: { topic: 'f/wd', payload: Buffer.from('will'), qos: 0, properties: { willDelayInterval: 60 } },
    });
    c.destroy();
    assert.equal(String(rec(await w.next('publish')).payload), 'will');
  },
  'session-expiry-ignored': async (port) => {
    const [c] = await RawClient.connect(port, 5, {
      clientId: 'se1',
      properties: { sessionExpiryInterval: 60 },
    });
    c.send({ cmd: 'disconnect' });
    await c.waitClosed();
    const [, ack] = await RawClient.connect(port, 5, { clientId: 'se1', clean: false });
    assert.equal(rec(ack).sessionPresent, false);
  },
  'clean-start-ignored': async (port) => {
    const [c] = await RawClient.connect(port, 4, { clientId: 'cs1', clean: false });
    c.send({ cmd: 'disconnect' });
    await c.waitClosed();
    const [, ack] = await RawClient.connect(port, 4, { clientId: 'cs1', clean: true });
    assert.equal(rec(ack).sessionPresent, true);
  },
  'will-retain-ignored': async (port) => {
    const w = await sub(port, 4, 'f/wr', 0);
    const [c] = await RawClient.connect(port, 4, {
      will: { topic: 'f/wr', payload: Buffer.from('will'), qos: 0, retain: true },
    });
    c.destroy();
    await w.next('publish');
    const late = await sub(port, 4, 'f/wr', 0);
    assert.equal((await pingFirst(late)).cmd, 'pingresp');
  },
  'empty-client-id-persistent-accepted': async (port) => {
    const c = await RawClient.open(port, 4);
    // CONNECT 3.1.1, Clean Session 0, keep alive 0, zero-length client id (mqtt-packet refuses to encode it)
    c.sendRaw(Buffer.from('100c' + '00044d515454' + '04' + '00' + '0000' + '0000', 'hex'));
    assert.equal(rec(await c.next('connack')).returnCode, 0);
  },
  'bad-password-accepted': async (port) => {
    const [, ack] = await RawClient.connect(port, 4, {
      username: 'crucible',
      password: Buffer.from('wrong'),
    });
    assert.equal(rec(ack).returnCode, 0);
  },
  'will-qos-above-maximum-accepted': async (port) => {
    const [, ack] = await RawClient.connect(port, 5, {
      will: { topic: 'f/wq', payload: Buffer.from('will'), qos: 2 },
    });
    assert.equal(rec(ack).reasonCode, 0);
  },
  'unrequested-response-information': async (port) => {
    const [, ack] = await RawClient.connect(port, 5);
    assert.equal(typeof props(ack).responseInformation, 'string');
  },
  'retain-handling-ignored': async (port) => {
    const [p] = await RawClient.connect(port, 5);
    p.send(pub('f/rh', 'v', { retain: true }));
    await pingFirst(p);
    const s = await sub(port, 5, 'f/rh', 0, {}, { rh: 2 });
    assert.equal(String(rec(await s.next('publish')).payload), 'v');
  },
  'retain-as-published-ignored': async (port) => {
    const s = await sub(port, 5, 'f/rap', 0, {}, { rap: true });
    const [p] = await RawClient.connect(port, 5);
    p.send(pub('f/rap', 'x', { retain: true }));
    assert.equal(rec(await s.next('publish')).retain, false);
  },
  'suback-order-reversed': async (port) => {
    const [c] = await RawClient.connect(port, 4);
    c.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [
        { topic: 'f/o/a', qos: 0 },
        { topic: 'f/o/b', qos: 1 },
      ],
    } as Packet);
    assert.deepEqual(rec(await c.next('suback')).granted, [1, 0]);
  },
  'unsubscribe-ignored': async (port) => {
    const c = await sub(port, 4, 'f/ui', 0);
    c.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['f/ui'] } as Packet);
    await c.next('unsuback');
    c.send(pub('f/ui', 'x'));
    assert.equal((await c.next()).cmd, 'publish');
  },
  'unsuback-wrong-packet-id': async (port) => {
    const c = await sub(port, 4, 'f/uw', 0);
    c.send({ cmd: 'unsubscribe', messageId: 7, unsubscriptions: ['f/uw'] } as Packet);
    assert.equal(rec(await c.next('unsuback')).messageId, 8);
  },
  'no-local-shared-accepted': async (port) => {
    const c = await sub(port, 5, '$share/g/f/nl', 0, {}, { nl: true });
    assert.equal((await pingFirst(c)).cmd, 'pingresp');
  },
  'maximum-qos-not-enforced': async (port) => {
    const [c] = await RawClient.connect(port, 5);
    c.send(pub('f/mq', 'x', { qos: 2, messageId: 1 }));
    assert.equal((await c.next()).cmd, 'pubrec');
  },
  'retain-unavailable-accepted': async (port) => {
    const [c] = await RawClient.connect(port, 5);
    c.send(pub('f/ra', 'x', { retain: true }));
    assert.equal((await pingFirst(c)).cmd, 'pingresp');
  },
  'topic-alias-maximum-ignored': async (port) => {
    const [c] = await RawClient.connect(port, 5);
    c.send(pub('f/ta', 'x', { properties: { topicAlias: 6 } }));
    assert.equal((await pingFirst(c)).cmd, 'pingresp');
  },
  'publish-acl-ignored': async (port) => {
    const creds = { username: 'crucible', password: Buffer.from('crucible-pass') };
    const s = await sub(port, 4, 'denied/f', 0, creds);
    const [p] = await RawClient.connect(port, 4, creds);
    p.send(pub('denied/f', 'x'));
    assert.equal(String(rec(await s.next('publish')).payload), 'x');
  },
  'response-topic-dropped': async (port) => {
    const s = await sub(port, 5, 'f/rt', 0);
    const [p] = await RawClient.connect(port, 5);
    p.send(
      pub('f/rt', 'x', {
        properties: {
          responseTopic: 'f/reply',
          correlationData: Buffer.from('c'),
          userProperties: { k: 'v' },
        },
      }),
    );
    const got = props(await s.next('publish'));
    assert.equal(got.responseTopic, undefined);
    assert.equal(got.correlationData, undefined);
    assert.deepEqual({ ...(got.userProperties as P) }, { k: 'v' });
  },
  'no-pingresp': async (port) => {
    const [c] = await RawClient.connect(port, 4);
    c.send({ cmd: 'pingreq' });
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'f/p', qos: 0 }] } as Packet);
    assert.equal((await c.next()).cmd, 'suback');
  },
  'outbound-alias-beyond-maximum': async (port) => {
    const s = await sub(port, 5, 'f/oa/#', 0, { properties: { topicAliasMaximum: 1 } });
    const [p] = await RawClient.connect(port, 5);
    p.send(pub('f/oa/a', '1'));
    p.send(pub('f/oa/b', '2'));
    assert.equal(props(await s.next('publish')).topicAlias, 1);
    assert.equal(props(await s.next('publish')).topicAlias, 2);
  },
  'will-properties-dropped': async (port) => {
    const w = await sub(port, 5, 'f/wp', 0);
    const [c] = await RawClient.connect(port, 5, {
      will: {
        topic: 'f/wp',
        payload: Buffer.from('will'),
        qos: 0,
        properties: { contentType: 'text/plain' },
      },
    });
    c.destroy();
    assert.equal(props(await w.next('publish')).contentType, undefined);
  },
  'subscription-not-replaced': async (port) => {
    // overlapping subscriptions of one session are delivered once at the highest QoS: the stale QoS 1 shows
    const s = await sub(port, 4, 'f/sr', 1);
    s.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'f/sr', qos: 0 }] } as Packet);
    await s.next('suback');
    s.send(pub('f/sr', 'x', { qos: 1, messageId: 3 }));
    // the PUBACK follows the fan-out (it says whether the message was delivered)
    const got = [await s.next(), await s.next()];
    assert.ok(got.some((p) => p.cmd === 'puback'));
    assert.equal(rec(got.find((p) => p.cmd === 'publish')!).qos, 1);
  },
};
