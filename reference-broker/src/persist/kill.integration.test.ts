// A persistent reference broker, in its own process, killed (SIGKILL) and started again on the same
// port and store: no acknowledged QoS 1/2 message is lost, incoming and outgoing QoS 2 flows open at
// the kill complete without a second delivery.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from '../../../src/protocol/codec.ts';
import {
  broker,
  client,
  crashRightAfterAck,
  offlineSubscriber,
  rec,
  resume,
  storePath,
} from '../testing/persist.ts';
import { RawClient, until } from '../testing/support.ts';

describe('persistent reference broker, killed', () => {
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

  test('outgoing QoS 2 in flight at the kill: PUBLISH again with DUP=1 and its packet id, or PUBREL again, never both', async () => {
    const path = storePath();
    let b = await broker(path);
    const port = b.port;
    const session = { clean: false, properties: { sessionExpiryInterval: 3600 } };
    const [sub] = await RawClient.connect(port, 5, { clientId: 'out2-sub', ...session });
    sub.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: 'persist/out2/#', qos: 2 }],
    } as Packet);
    await sub.next('suback');
    const [pub] = await RawClient.connect(port, 5);
    for (const [i, t] of ['persist/out2/released', 'persist/out2/unanswered'].entries()) {
      pub.send({ cmd: 'publish', topic: t, payload: Buffer.from(t), qos: 2, messageId: i + 1 } as Packet);
      await pub.next('pubrec');
      pub.send({ cmd: 'pubrel', messageId: i + 1 } as Packet);
      await pub.next('pubcomp');
    }
    const first = rec(await sub.next('publish'));
    const second = rec(await sub.next('publish'));
    sub.send({ cmd: 'pubrec', messageId: first.messageId } as Packet); // the first one: PUBREC only
    await sub.next('pubrel');
    await new Promise((r) => setTimeout(r, 200));
    await b.kill();
    b = await broker(path, port);
    try {
      const [again, ack] = await RawClient.connect(port, 5, { clientId: 'out2-sub', ...session });
      assert.equal(rec(ack).sessionPresent, true);
      const resent = (await again.drain(500)).map(rec);
      const rel = resent.filter((p) => p.cmd === 'pubrel');
      const pubs = resent.filter((p) => p.cmd === 'publish');
      assert.deepEqual(
        rel.map((p) => p.messageId),
        [first.messageId],
      );
      assert.equal(pubs.length, 1, 'only the unanswered one is sent again');
      assert.equal(pubs[0]!.messageId, second.messageId, 'with its packet id');
      assert.equal(pubs[0]!.dup, true, 'DUP=1 (MQTT-3.3.1-1)');
      assert.equal(String(pubs[0]!.payload), 'persist/out2/unanswered');
      again.destroy();
      pub.destroy();
    } finally {
      await b.stop();
    }
  });
});
