// Hostile topic shapes through every entry point: deep (5,001 and 65,535 levels), long (one
// 65,000-byte level) and wide (1,000 filters in one SUBSCRIBE) topics as will topics, PUBLISH
// topics, retained messages, subscription filters, shared subscriptions and UNSUBSCRIBE. The
// broker runs in its own process: it must neither exit nor drop a connection with an internal
// error, and it must deliver what matches.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Packet } from '../../src/protocol/codec.ts';
import {
  type BrokerProcess,
  startBrokerProcess,
} from '../../src/transport/testing/peers/reference-process.ts';
import { RawClient } from './testing/support.ts';

type P = Record<string, unknown>;
const rec = (p: Packet) => p as unknown as P;

const DEEP = `${'a/'.repeat(5000)}a`; // 5,001 levels
const DEEP_PLUS = `${'+/'.repeat(5000)}+`; // matches DEEP level by level
const DEEPEST = '/'.repeat(65534); // 65,535 empty levels, the longest a topic can be
const DEEPEST_WILD = `${'+/'.repeat(32766)}#`; // 32,767 levels, matches DEEPEST
const LONG = 'L'.repeat(65000);
const WIDE = Array.from({ length: 1000 }, (_, i) => `wide/${i}`);

let broker: BrokerProcess;
before(async () => {
  // 1,000 wide filters plus the deep ones exceed the default subscription cap (1000 per client)
  broker = await startBrokerProcess({ maxSubscriptionsPerClient: 2000 });
});
after(async () => {
  await broker.stop();
});

function alive(): void {
  assert.equal(broker.exited(), undefined, `the broker exited: ${broker.stderr()}`);
}

async function subscribe(c: RawClient, id: number, topics: string[], qos: 0 | 1 = 1): Promise<number[]> {
  c.send({
    cmd: 'subscribe',
    messageId: id,
    subscriptions: topics.map((topic) => ({ topic, qos })),
  } as Packet);
  return rec(await c.next('suback', 15_000)).granted as number[];
}

/** Collects PUBLISH topics until `want` have arrived (acknowledging QoS 1), or fails on a timeout. */
async function received(c: RawClient, want: string[]): Promise<string[]> {
  const got: string[] = [];
  const missing = () => want.filter((t) => !got.includes(t));
  while (missing().length > 0) {
    const p = rec(
      await c.next(undefined, 15_000).catch((e: Error) => {
        throw new Error(
          `${e.message}; still missing topics of ${missing()
            .map((t) => t.length)
            .join(', ')} bytes`,
        );
      }),
    );
    if (p.cmd !== 'publish') continue;
    got.push(String(p.topic));
    if (p.qos === 1) c.send({ cmd: 'puback', messageId: p.messageId } as Packet);
  }
  return got;
}

for (const v of [4, 5] as const) {
  describe(`MQTT ${v === 5 ? '5.0' : '3.1.1'}: deep, long and wide topics`, () => {
    test('as subscription filters (plain and shared) and PUBLISH topics', async () => {
      const [s] = await RawClient.connect(broker.port, v);
      const filters = [DEEP, DEEP_PLUS, DEEPEST, DEEPEST_WILD, LONG, `$share/g${v}/${DEEP}`];
      assert.deepEqual(await subscribe(s, 1, filters), [1, 1, 1, 1, 1, 1]);
      assert.deepEqual(
        await subscribe(s, 2, WIDE, 0),
        WIDE.map(() => 0),
      );
      const [p] = await RawClient.connect(broker.port, v);
      for (const [i, topic] of [DEEP, DEEPEST, LONG].entries()) {
        p.send({ cmd: 'publish', topic, qos: 1, messageId: i + 1, payload: Buffer.from('x') } as Packet);
        assert.equal(rec(await p.next('puback', 15_000)).messageId, i + 1);
      }
      p.send({ cmd: 'publish', topic: 'wide/999', qos: 0, payload: Buffer.from('w') } as Packet);
      await received(s, [DEEP, DEEPEST, LONG, 'wide/999']);
      s.send({ cmd: 'unsubscribe', messageId: 3, unsubscriptions: [...filters, ...WIDE] } as Packet);
      await s.next('unsuback', 15_000);
      alive();
      s.destroy();
      p.destroy();
    });

    test('as will topics published when the connection drops', async () => {
      const [s] = await RawClient.connect(broker.port, v);
      await subscribe(s, 1, [DEEP_PLUS, DEEPEST_WILD, `$share/w${v}/${DEEP}`]);
      for (const topic of [DEEP, DEEPEST, LONG]) {
        const [w, ack] = await RawClient.connect(broker.port, v, {
          will: { topic, payload: Buffer.from('will'), qos: 1, retain: false },
        });
        assert.equal(rec(ack).returnCode ?? rec(ack).reasonCode, 0);
        w.destroy();
      }
      await received(s, [DEEP, DEEPEST]);
      alive();
      s.destroy();
    });

    test('as retained messages delivered to deep wildcard subscriptions', async () => {
      const [p] = await RawClient.connect(broker.port, v);
      for (const [i, topic] of [DEEP, DEEPEST, LONG].entries()) {
        p.send({
          cmd: 'publish',
          topic,
          qos: 1,
          retain: true,
          messageId: i + 1,
          payload: Buffer.from('r'),
        } as Packet);
        await p.next('puback', 15_000);
      }
      const [s] = await RawClient.connect(broker.port, v);
      await subscribe(s, 1, [DEEP_PLUS, DEEPEST_WILD, '+']);
      await received(s, [DEEP, DEEPEST, LONG]);
      for (const [i, topic] of [DEEP, DEEPEST, LONG].entries()) {
        p.send({
          cmd: 'publish',
          topic,
          qos: 1,
          retain: true,
          messageId: i + 10,
          payload: Buffer.alloc(0),
        } as Packet);
        await p.next('puback', 15_000);
      }
      alive();
      s.destroy();
      p.destroy();
    });

    test('the broker still serves an ordinary client afterwards', async () => {
      const [s] = await RawClient.connect(broker.port, v);
      await subscribe(s, 1, ['plain/topic']);
      const [p] = await RawClient.connect(broker.port, v);
      p.send({ cmd: 'publish', topic: 'plain/topic', qos: 0, payload: Buffer.from('ok') } as Packet);
      assert.deepEqual(await received(s, ['plain/topic']), ['plain/topic']);
      alive();
      s.destroy();
      p.destroy();
    });
  });
}

describe('maxTopicLevels refuses deeper topics where they enter', () => {
  let limited: BrokerProcess;
  before(async () => {
    limited = await startBrokerProcess({ maxTopicLevels: 8 });
  });
  after(async () => {
    await limited.stop();
  });
  const NINE = 'l/l/l/l/l/l/l/l/l';
  const EIGHT = 'l/l/l/l/l/l/l/l';

  for (const v of [4, 5] as const) {
    test(`MQTT ${v === 5 ? '5.0' : '3.1.1'}: will, PUBLISH and SUBSCRIBE (plain and shared)`, async () => {
      for (const topic of [NINE, DEEP]) {
        const c = await RawClient.open(limited.port, v);
        c.send({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: v,
          clientId: `lim-${v}`,
          clean: true,
          keepalive: 0,
          will: { topic, payload: Buffer.from('w'), qos: 0, retain: false },
        } as Packet);
        const got = await c.waitClosed(15_000);
        // 5.0: CONNACK 0x90 (Topic Name invalid); 3.1.1: closed without CONNACK
        assert.deepEqual(
          got.map((p) => rec(p).reasonCode ?? p.cmd),
          v === 5 ? [0x90] : [],
        );
      }
      const [s] = await RawClient.connect(limited.port, v);
      const refused = v === 5 ? 0x8f : 0x80;
      assert.deepEqual(await subscribe(s, 1, [EIGHT, NINE, DEEP, `$share/g/${NINE}`, `${EIGHT}/#`], 0), [
        0,
        refused,
        refused,
        refused,
        refused,
      ]);
      for (const topic of [NINE, DEEP]) {
        const [p] = await RawClient.connect(limited.port, v);
        p.send({ cmd: 'publish', topic, qos: 1, messageId: 1, payload: Buffer.from('x') } as Packet);
        const got = await p.waitClosed(15_000);
        assert.deepEqual(
          got.map((x) => rec(x).reasonCode ?? x.cmd),
          v === 5 ? [0x90] : [],
        );
      }
      const [p] = await RawClient.connect(limited.port, v);
      p.send({ cmd: 'publish', topic: EIGHT, qos: 0, payload: Buffer.from('ok') } as Packet);
      assert.deepEqual(await received(s, [EIGHT]), [EIGHT]);
      assert.equal(limited.exited(), undefined);
      s.destroy();
      p.destroy();
    });
  }
});
