// Authentication and authorization: users file, ACL, closeOnPublishAuthorizationFailure both ways,
// SCRAM-SHA-256 over AUTH, 0x8C for unsupported methods, server redirection, connection limit.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import mqtt from 'mqtt';
import type { Packet } from '../../src/protocol/codec.ts';
import { loadBrokerConfig, type RunningBroker, ScramClient, startBroker } from './index.ts';
import { RawClient } from './testing/support.ts';

type P = Record<string, unknown>;
const rec = (p: Packet) => p as unknown as P;
const props = (p: Packet) => (rec(p).properties ?? {}) as P;
const configs = join(import.meta.dirname, '..', 'configs');
const load = (f: string) => {
  const r = loadBrokerConfig(join(configs, f));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
};

const brokers: RunningBroker[] = [];
let auth: number;
let noclose: number;
let redirect: number;
let plain: number;
let limited: number;
before(async () => {
  const start = async (c: Parameters<typeof startBroker>[0]) => {
    const b = await startBroker(c);
    brokers.push(b);
    return b.listeners[0]!.port;
  };
  auth = await start(load('auth.yaml'));
  noclose = await start(load('auth-noclose.yaml'));
  redirect = await start(load('redirect.yaml'));
  plain = await start({});
  limited = await start({ maxConnections: 2 });
});
after(async () => {
  await Promise.all(brokers.map((b) => b.close()));
});

const cred = { username: 'crucible', password: Buffer.from('crucible-pass') };

describe('users file', () => {
  test('valid, wrong and missing credentials (A18.1)', async () => {
    const [a, ok] = await RawClient.connect(auth, 4, cred);
    assert.equal(rec(ok).returnCode, 0);
    a.destroy();
    const [b, bad] = await RawClient.connect(auth, 4, {
      username: 'crucible',
      password: Buffer.from('nope'),
    });
    assert.equal(rec(bad).returnCode, 4);
    await b.waitClosed();
    const [c, anon] = await RawClient.connect(auth, 4);
    assert.equal(rec(anon).returnCode, 5);
    await c.waitClosed();
    const [d, bad5] = await RawClient.connect(auth, 5, {
      username: 'crucible',
      password: Buffer.from('nope'),
    });
    assert.equal(rec(bad5).reasonCode, 0x86);
    await d.waitClosed();
  });
});

describe('ACL', () => {
  test('denied subscribe filter gets 0x80 / 0x87', async () => {
    for (const v of [4, 5] as const) {
      const [c] = await RawClient.connect(auth, v, cred);
      c.send({
        cmd: 'subscribe',
        messageId: 1,
        subscriptions: [
          { topic: 'secret/x', qos: 0 },
          { topic: 'open/x', qos: 0 },
        ],
      } as Packet);
      assert.deepEqual(rec(await c.next('suback')).granted, [v === 5 ? 0x87 : 0x80, 0]);
      c.destroy();
    }
  });

  test('denied publish closes the connection when closeOnPublishAuthorizationFailure is true (A18.2)', async () => {
    const [w] = await RawClient.connect(auth, 4, cred);
    w.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'denied/#', qos: 1 }] } as Packet);
    await w.next('suback');
    const [c] = await RawClient.connect(auth, 4, cred);
    c.send({ cmd: 'publish', topic: 'denied/x', qos: 1, messageId: 1, payload: Buffer.from('x') } as Packet);
    const got = await c.waitClosed();
    assert.equal(got.length, 0);
    const [c5] = await RawClient.connect(auth, 5, cred);
    c5.send({ cmd: 'publish', topic: 'denied/x', qos: 1, messageId: 1, payload: Buffer.from('x') } as Packet);
    const got5 = await c5.waitClosed();
    assert.equal(rec(got5[0]!).reasonCode, 0x87);
    w.send({ cmd: 'pingreq' });
    assert.equal((await w.next()).cmd, 'pingresp'); // nothing delivered
    w.destroy();
  });

  test('denied publish is acknowledged and dropped when the flag is false (3.x positive, 5.0 0x87)', async () => {
    const [c] = await RawClient.connect(noclose, 4, cred);
    c.send({ cmd: 'publish', topic: 'denied/x', qos: 1, messageId: 1, payload: Buffer.from('x') } as Packet);
    const ack = rec(await c.next('puback'));
    assert.equal(ack.messageId, 1);
    c.destroy();
    const [c5] = await RawClient.connect(noclose, 5, cred);
    c5.send({ cmd: 'publish', topic: 'denied/x', qos: 1, messageId: 1, payload: Buffer.from('x') } as Packet);
    assert.equal(rec(await c5.next('puback')).reasonCode, 0x87);
    c5.destroy();
  });
});

const SCRAM = 'SCRAM-SHA-256';

/** Opens a 5.0 connection whose CONNECT starts SCRAM-SHA-256; returns it with the broker's first AUTH. */
async function scramStart(clientId: string, scram: ScramClient): Promise<[RawClient, Packet]> {
  const c = await RawClient.open(auth, 5);
  c.send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 5,
    clientId,
    clean: true,
    keepalive: 0,
    properties: { authenticationMethod: SCRAM, authenticationData: scram.first() },
  } as Packet);
  return [c, await c.next('auth')];
}

/** Answers the broker's challenge with the client's final message (AUTH 0x18, continue authentication). */
function scramAnswer(c: RawClient, scram: ScramClient, challenge: Packet): void {
  c.send({
    cmd: 'auth',
    reasonCode: 0x18,
    properties: {
      authenticationMethod: SCRAM,
      authenticationData: scram.final(props(challenge).authenticationData as Buffer),
    },
  } as Packet);
}

describe('enhanced authentication', () => {
  test('SCRAM-SHA-256 challenge/response over AUTH', async () => {
    const scram = new ScramClient('crucible', 'crucible-pass');
    const [c, challenge] = await scramStart('scram-1', scram);
    assert.equal(rec(challenge).reasonCode, 0x18);
    scramAnswer(c, scram, challenge);
    const ack = await c.next('connack');
    assert.equal(rec(ack).reasonCode, 0);
    assert.ok(scram.verify(props(ack).authenticationData as Buffer));
    c.destroy();
  });

  test('re-authentication (AUTH 0x19) with SCRAM-SHA-256 ends with AUTH 0x00 (4.12.1)', async () => {
    const scram = new ScramClient('crucible', 'crucible-pass');
    const [c, ch] = await scramStart('scram-re', scram);
    scramAnswer(c, scram, ch);
    assert.equal(rec(await c.next('connack')).reasonCode, 0);
    const again = new ScramClient('crucible', 'crucible-pass');
    c.send({
      cmd: 'auth',
      reasonCode: 0x19,
      properties: { authenticationMethod: SCRAM, authenticationData: again.first() },
    } as Packet);
    const ch2 = await c.next('auth');
    assert.equal(rec(ch2).reasonCode, 0x18);
    scramAnswer(c, again, ch2);
    const done = await c.next('auth');
    assert.equal(rec(done).reasonCode, 0);
    assert.ok(again.verify(props(done).authenticationData as Buffer));
    c.destroy();
  });

  test('a wrong SCRAM password is refused with 0x86', async () => {
    const scram = new ScramClient('crucible', 'wrong');
    const [c, challenge] = await scramStart('scram-2', scram);
    scramAnswer(c, scram, challenge);
    assert.equal(rec(await c.next('connack')).reasonCode, 0x86);
    await c.waitClosed();
  });

  test('by default any Authentication Method gets CONNACK 0x8C (A29.5)', async () => {
    const [c, ack] = await RawClient.connect(plain, 5, {
      properties: { authenticationMethod: 'SCRAM-SHA-256' },
    });
    assert.equal(rec(ack).reasonCode, 0x8c);
    await c.waitClosed();
  });
});

describe('redirection and limits', () => {
  test('server reference with 0x9C (MQTT 5), return code 3 on 3.1.1', async () => {
    const [c, ack] = await RawClient.connect(redirect, 5);
    assert.equal(rec(ack).reasonCode, 0x9c);
    assert.equal(props(ack).serverReference, '127.0.0.1:1884');
    await c.waitClosed();
    const [d, ack4] = await RawClient.connect(redirect, 4);
    assert.equal(rec(ack4).returnCode, 3);
    await d.waitClosed();
  });

  test('the connection limit answers with a clear CONNACK (0x97 / 3)', async () => {
    const [a] = await RawClient.connect(limited, 4);
    const [b] = await RawClient.connect(limited, 4);
    const [c, ack] = await RawClient.connect(limited, 5);
    assert.equal(rec(ack).reasonCode, 0x97);
    assert.match(String(props(ack).reasonString), /connection limit/);
    await c.waitClosed();
    const [d, ack4] = await RawClient.connect(limited, 4);
    assert.equal(rec(ack4).returnCode, 3);
    await d.waitClosed();
    a.destroy();
    b.destroy();
  });

  test('MQTT.js authenticates with the users file', async () => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${auth}`, {
      username: 'crucible',
      password: 'crucible-pass',
      reconnectPeriod: 0,
    });
    await c.endAsync();
  });
});
