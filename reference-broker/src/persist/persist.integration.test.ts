// A persistent reference broker, in its own process, killed (SIGKILL) or stopped and started again
// on the same port and store: acknowledged QoS 1/2 messages, sessions with their subscriptions,
// incoming QoS 2 flows and retained messages survive; the memory default keeps none of them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Packet } from '../../../src/protocol/codec.ts';
import { type BrokerProcess, startBrokerProcess } from '../testing/broker-process.ts';
import { RawClient, until } from '../testing/support.ts';

type P = Record<string, unknown>;
const rec = (p: Packet) => p as unknown as P;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function storePath(): string {
  const d = mkdtempSync(join(tmpdir(), 'crucible-store-'));
  dirs.push(d);
  return join(d, 'store.db');
}

/** A broker process on port (0 = a free one) with the store at path (undefined = memory only). */
function broker(path: string | undefined, port = 0, storeFaults: string[] = []): Promise<BrokerProcess> {
  return startBrokerProcess(
    {
      listeners: [{ kind: 'tcp', host: '127.0.0.1', port }],
      ...(path ? { persistence: { path, sync: 'normal' } } : {}),
      maxQueuedMessages: 5000,
    },
    15_000,
    { storeFaults },
  );
}

/**
 * The broker kills itself (SIGKILL) right after the turn that stored a QoS 1 or 2 message for an
 * offline subscriber has sent its writes; it is then restarted on its store. Returns whether the
 * publisher got its PUBACK / PUBREC, and what the subscriber gets after the restart.
 */
async function crashRightAfterAck(qos: 1 | 2, faults: string[]) {
  const path = storePath();
  let b = await broker(path, 0, ['crash-after-message', ...faults]);
  const port = b.port;
  const topic = `persist/crash/q${qos}`;
  const sub = `sub-crash-${qos}-${faults.length}`;
  await offlineSubscriber(port, sub, topic, qos);
  const [pub] = await RawClient.connect(port, 5, {
    clientId: 'crash-pub',
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
  });
  pub.send({ cmd: 'publish', topic, payload: Buffer.from('m'), qos, messageId: 9 } as Packet);
  const ack = await pub.next(qos === 1 ? 'puback' : 'pubrec').catch(() => undefined);
  await until(() => b.exited() !== undefined, 'the broker to crash');
  b = await broker(path, port);
  try {
    let released = true;
    if (qos === 2) {
      const [pub2] = await RawClient.connect(port, 5, { clientId: 'crash-pub', clean: false });
      pub2.send({ cmd: 'pubrel', messageId: 9 } as Packet);
      released = (rec(await pub2.next('pubcomp')).reasonCode ?? 0) === 0;
      pub2.destroy();
    }
    const r = await resume(port, sub, 1, 1500);
    return { acked: ack !== undefined, released, got: r.got };
  } finally {
    await b.stop();
  }
}

function client(port: number, opts: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => {
      c.end(true);
      reject(e);
    });
  });
}

function end(c: MqttClient): Promise<void> {
  return new Promise((r) => c.end(false, {}, () => r()));
}

/** Connects a persistent subscriber on filter at qos, then disconnects it cleanly. */
async function offlineSubscriber(port: number, clientId: string, filter: string, qos: 1 | 2) {
  const c = await client(port, { clientId, clean: false, protocolVersion: 4 });
  await c.subscribeAsync(filter, { qos });
  await end(c);
}

/** Reconnects a persistent subscriber and collects payloads until count arrive, then a bit more. */
async function resume(port: number, clientId: string, count: number, waitMs = 20_000) {
  const got: string[] = [];
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  c.on('message', (_t, payload) => got.push(payload.toString()));
  const ack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
    c.once('connect', (p) => resolve(p as unknown as { sessionPresent: boolean }));
    c.once('error', reject);
  });
  await until(() => got.length >= count, `${count} messages (got ${got.length})`, waitMs).catch(() => {});
  await new Promise((r) => setTimeout(r, 300)); // anything more would be a duplicate
  await end(c);
  return { sessionPresent: ack.sessionPresent, got };
}

describe('persistent reference broker', () => {
  for (const qos of [1, 2] as const) {
    test(`killed with SIGKILL and restarted: every acknowledged QoS ${qos} message reaches the offline subscriber${qos === 2 ? ' exactly once' : ''}`, async () => {
      const path = storePath();
      let b = await broker(path);
      const port = b.port;
      const topic = `persist/kill/q${qos}`;
      await offlineSubscriber(port, `sub-kill-${qos}`, topic, qos);
      const pub = await client(port, { clientId: `pub-kill-${qos}`, protocolVersion: 4 });
      const n = 300;
      await Promise.all(Array.from({ length: n }, (_, i) => pub.publishAsync(topic, String(i), { qos })));
      // every PUBACK / PUBCOMP has arrived: now the broker dies without any clean-up
      await b.kill();
      pub.end(true);
      b = await broker(path, port);
      try {
        const r = await resume(port, `sub-kill-${qos}`, n);
        assert.equal(r.sessionPresent, true, 'the session survived');
        const want = Array.from({ length: n }, (_, i) => String(i));
        assert.deepEqual([...new Set(r.got)].sort(), want.sort(), 'no acknowledged message is lost');
        if (qos === 2) assert.equal(r.got.length, n, 'QoS 2: no duplicate');
        assert.deepEqual(r.got.slice(0, 3), ['0', '1', '2'], 'in order');
      } finally {
        await b.stop();
      }
    });
  }

  test('an acknowledgement leaves only after its commit: a crash right after it loses nothing', async () => {
    for (const qos of [1, 2] as const) {
      const r = await crashRightAfterAck(qos, []);
      assert.equal(r.acked, true, `QoS ${qos}: acknowledged before the crash`);
      assert.equal(r.released, true, 'QoS 2: the broker still knew the packet id after the restart');
      assert.deepEqual(r.got, ['m'], `QoS ${qos}: delivered after the restart, once`);
    }
  });

  test('the crash check catches a store that acknowledges before it commits (fault ack-before-commit)', async () => {
    const r = await crashRightAfterAck(1, ['ack-before-commit']);
    assert.equal(r.acked, true);
    assert.deepEqual(r.got, [], 'acknowledged, then lost: what the check above would report');
  });

  test('killed mid-stream: every message acknowledged before the kill is delivered after the restart', async () => {
    const path = storePath();
    let b = await broker(path);
    const port = b.port;
    const topic = 'persist/midstream';
    await offlineSubscriber(port, 'sub-mid', topic, 1);
    const pub = await client(port, { clientId: 'pub-mid', protocolVersion: 4 });
    pub.on('error', () => {});
    const acked: string[] = [];
    for (let i = 0; i < 3000; i++) {
      pub.publish(topic, String(i), { qos: 1 }, (err) => {
        if (!err) acked.push(String(i));
      });
    }
    await until(() => acked.length >= 500, 'the first 500 PUBACKs', 20_000);
    await b.kill();
    const ackedAtKill = [...acked];
    pub.end(true);
    b = await broker(path, port);
    try {
      const r = await resume(port, 'sub-mid', ackedAtKill.length);
      const got = new Set(r.got);
      const lost = ackedAtKill.filter((m) => !got.has(m));
      assert.deepEqual(lost, [], `acknowledged but lost (of ${ackedAtKill.length} acknowledged)`);
    } finally {
      await b.stop();
    }
  });

  test('an incoming QoS 2 flow open at the kill (PUBREC sent, no PUBREL yet) completes after the restart, delivered once', async () => {
    const path = storePath();
    let b = await broker(path);
    const port = b.port;
    const topic = 'persist/inbound2';
    // an online subscriber that completes its delivery before the kill, and an offline one
    const [online] = await RawClient.connect(port, 5, {
      clientId: 'in2-online',
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
    });
    online.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 2 }] } as Packet);
    await online.next('suback');
    await offlineSubscriber(port, 'in2-offline', topic, 2);
    const [pub] = await RawClient.connect(port, 5, {
      clientId: 'in2-pub',
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
    });
    pub.send({ cmd: 'publish', topic, payload: Buffer.from('once'), qos: 2, messageId: 7 } as Packet);
    assert.equal(rec(await pub.next('pubrec')).messageId, 7);
    const d = rec(await online.next('publish'));
    online.send({ cmd: 'pubrec', messageId: d.messageId } as Packet);
    await online.next('pubrel');
    online.send({ cmd: 'pubcomp', messageId: d.messageId } as Packet);
    await new Promise((r) => setTimeout(r, 200));
    await b.kill();
    b = await broker(path, port);
    try {
      const [pub2, ack] = await RawClient.connect(port, 5, {
        clientId: 'in2-pub',
        clean: false,
        properties: { sessionExpiryInterval: 3600 },
      });
      assert.equal(rec(ack).sessionPresent, true);
      // the client may resend the PUBLISH (DUP) before PUBREL: acknowledged again, not delivered again
      pub2.send({
        cmd: 'publish',
        topic,
        payload: Buffer.from('once'),
        qos: 2,
        messageId: 7,
        dup: true,
      } as Packet);
      const rec2 = rec(await pub2.next('pubrec'));
      assert.equal(rec2.messageId, 7);
      pub2.send({ cmd: 'pubrel', messageId: 7 } as Packet);
      const comp = rec(await pub2.next('pubcomp'));
      assert.equal(comp.messageId, 7);
      assert.equal(comp.reasonCode ?? 0, 0, 'the broker still knew packet id 7 (not 0x92)');
      const [online2, ack2] = await RawClient.connect(port, 5, {
        clientId: 'in2-online',
        clean: false,
        properties: { sessionExpiryInterval: 3600 },
      });
      assert.equal(rec(ack2).sessionPresent, true);
      const more = await online2.drain(500);
      assert.deepEqual(
        more.filter((p) => p.cmd === 'publish'),
        [],
        'the completed delivery is not repeated',
      );
      const off = await resume(port, 'in2-offline', 1);
      assert.deepEqual(off.got, ['once'], 'the offline subscriber gets it exactly once');
      pub2.destroy();
      online2.destroy();
    } finally {
      await b.stop();
    }
  });

  test('retained messages and subscriptions (options, identifiers) survive a clean restart', async () => {
    const path = storePath();
    let b = await broker(path);
    const port = b.port;
    const pub = await client(port, { clientId: 'ret-pub', protocolVersion: 5 });
    await pub.publishAsync('persist/ret/a', 'kept', {
      qos: 1,
      retain: true,
      properties: { userProperties: { k: 'v' }, contentType: 'text/plain' },
    });
    await pub.publishAsync('persist/ret/gone', 'x', { qos: 1, retain: true });
    await pub.publishAsync('persist/ret/gone', '', { qos: 1, retain: true }); // cleared
    await end(pub);
    const sub = await client(port, {
      clientId: 'ret-sub',
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 3600 },
    });
    await sub.subscribeAsync('persist/live/#', {
      qos: 2,
      rap: true,
      nl: true,
      properties: { subscriptionIdentifier: 42 },
    });
    await end(sub);
    await b.close();
    b = await broker(path, port);
    try {
      const [fresh] = await RawClient.connect(port, 5);
      fresh.send({
        cmd: 'subscribe',
        messageId: 1,
        subscriptions: [{ topic: 'persist/ret/#', qos: 1 }],
      } as Packet);
      await fresh.next('suback');
      const r = rec(await fresh.next('publish'));
      assert.equal(r.topic, 'persist/ret/a');
      assert.equal(String(r.payload), 'kept');
      assert.equal(r.retain, true);
      const props = r.properties as P;
      assert.deepEqual({ ...(props.userProperties as P) }, { k: 'v' });
      assert.equal(props.contentType, 'text/plain');
      assert.deepEqual(await fresh.drain(300), [], 'the cleared retained message stays cleared');
      fresh.destroy();

      const [again, ack] = await RawClient.connect(port, 5, {
        clientId: 'ret-sub',
        clean: false,
        properties: { sessionExpiryInterval: 3600 },
      });
      assert.equal(rec(ack).sessionPresent, true);
      const [p2] = await RawClient.connect(port, 5);
      p2.send({
        cmd: 'publish',
        topic: 'persist/live/x',
        payload: Buffer.from('hi'),
        qos: 1,
        retain: true,
        messageId: 1,
      } as Packet);
      await p2.next('puback');
      const d = rec(await again.next('publish'));
      assert.equal(String(d.payload), 'hi');
      assert.equal(d.qos, 1, 'min(publish QoS 1, granted 2)');
      assert.equal(d.retain, true, 'Retain As Published kept');
      assert.equal((d.properties as P).subscriptionIdentifier, 42, 'the subscription identifier kept');
      again.destroy();
      p2.destroy();
    } finally {
      await b.stop();
    }
  });

  test('sessions connected at the kill: wills published on restart unless still delayed, expiry runs from the kill', async () => {
    const path = storePath();
    let b = await broker(path);
    const port = b.port;
    await offlineSubscriber(port, 'will-watch', 'persist/will/#', 1);
    const connectWith = (id: string, expiry: number, delay: number) =>
      RawClient.connect(port, 5, {
        clientId: id,
        clean: false,
        properties: { sessionExpiryInterval: expiry },
        will: {
          topic: `persist/will/${id}`,
          payload: Buffer.from(`${id} gone`),
          qos: 1,
          properties: { willDelayInterval: delay },
        },
      });
    await connectWith('w-now', 3600, 0); // published at restart
    await connectWith('w-later', 3600, 3600); // still delayed: resumed with the session, so never
    await connectWith('w-expired', 1, 3600); // the session ends 1 s after the kill: published then
    const [clean] = await connectWith('w-clean', 3600, 0);
    clean.send({ cmd: 'disconnect', reasonCode: 0 } as Packet); // a normal DISCONNECT discards it
    await new Promise((r) => setTimeout(r, 200));
    await b.kill();
    await new Promise((r) => setTimeout(r, 1200)); // longer than w-expired's Session Expiry Interval
    b = await broker(path, port);
    try {
      const [later, ack] = await RawClient.connect(port, 5, {
        clientId: 'w-later',
        clean: false,
        properties: { sessionExpiryInterval: 3600 },
      });
      assert.equal(rec(ack).sessionPresent, true);
      const [expired, ack2] = await RawClient.connect(port, 5, { clientId: 'w-expired', clean: false });
      assert.equal(rec(ack2).sessionPresent, false, 'its expiry ran from the kill');
      const r = await resume(port, 'will-watch', 2, 10_000);
      assert.deepEqual(r.got.sort(), ['w-expired gone', 'w-now gone']);
      later.destroy();
      expired.destroy();
    } finally {
      await b.stop();
    }
  });

  test('a store that cannot write (full) never acknowledges: every connection closes and the broker stops', async () => {
    const b = await broker(storePath(), 0, ['store-full']);
    try {
      await offlineSubscriber(b.port, 'full-sub', 'persist/full', 1);
      const [pub] = await RawClient.connect(b.port, 4, { clientId: 'full-pub' });
      pub.send({
        cmd: 'publish',
        topic: 'persist/full',
        payload: Buffer.alloc(256 * 1024, 1), // needs new pages: SQLITE_FULL
        qos: 1,
        messageId: 3,
      } as Packet);
      const left = await pub.waitClosed();
      assert.deepEqual(
        left.map((p) => p.cmd),
        [],
        'no PUBACK for a message that could not be stored',
      );
      const refused = await RawClient.open(b.port).then(
        (c) => c.waitClosed().then(() => true),
        () => true,
      );
      assert.equal(refused, true, 'no new connections');
    } finally {
      await b.stop();
    }
  });

  test('memory only (the default): a restart loses sessions, queued messages and retained messages', async () => {
    let b = await broker(undefined);
    const port = b.port;
    await offlineSubscriber(port, 'mem-sub', 'mem/t', 1);
    const pub = await client(port, { clientId: 'mem-pub', protocolVersion: 4 });
    await pub.publishAsync('mem/t', 'queued', { qos: 1 });
    await pub.publishAsync('mem/r', 'retained', { qos: 1, retain: true });
    await end(pub);
    await b.close();
    b = await broker(undefined, port);
    try {
      const r = await resume(port, 'mem-sub', 1, 1000);
      assert.equal(r.sessionPresent, false);
      assert.deepEqual(r.got, []);
      const [c] = await RawClient.connect(port, 4);
      c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'mem/#', qos: 1 }] } as Packet);
      await c.next('suback');
      assert.deepEqual(await c.drain(300), [], 'no retained message');
      c.destroy();
    } finally {
      await b.stop();
    }
  });
});
