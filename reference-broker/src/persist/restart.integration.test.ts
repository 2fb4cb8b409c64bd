// A persistent reference broker stopped or killed and started again: retained messages and
// subscriptions survive, wills and session expiry resume, a store that cannot write stops the
// broker without acknowledging; the memory default keeps nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from '../../../src/protocol/codec.ts';
import {
  broker,
  client,
  end,
  offlineSubscriber,
  type P,
  rec,
  resume,
  storePath,
} from '../testing/persist.ts';
import { RawClient } from '../testing/support.ts';

describe('persistent reference broker, restarted', () => {
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
    const [short] = await connectWith('w-offline', 1, 0); // offline at the kill, 1 s left
    short.send({ cmd: 'disconnect', reasonCode: 0 } as Packet);
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
      const [offline, ack3] = await RawClient.connect(port, 5, { clientId: 'w-offline', clean: false });
      assert.equal(rec(ack3).sessionPresent, false, 'its expiry ran out while the broker was down');
      offline.destroy();
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

  test('a session resumed with Session Expiry 0 is no longer kept: a kill ends it', async () => {
    const path = storePath();
    let b = await broker(path);
    const port = b.port;
    const [c] = await RawClient.connect(port, 5, {
      clientId: 'exp0',
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
    });
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'persist/exp0', qos: 1 }] } as Packet);
    await c.next('suback');
    c.destroy();
    const [again, ack] = await RawClient.connect(port, 5, { clientId: 'exp0', clean: false });
    assert.equal(rec(ack).sessionPresent, true);
    await new Promise((r) => setTimeout(r, 200));
    await b.kill();
    again.destroy();
    b = await broker(path, port);
    try {
      const [last, ack2] = await RawClient.connect(port, 5, {
        clientId: 'exp0',
        clean: false,
        properties: { sessionExpiryInterval: 3600 },
      });
      assert.equal(rec(ack2).sessionPresent, false);
      last.destroy();
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
