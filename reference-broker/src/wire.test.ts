import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Decoder, encode, type Packet } from '../../src/protocol/codec.ts';
import { encodePublish, extraProps, makeMessage, withPacketId } from './message.ts';
import { encodeOrPing, Rng, randomPacket } from './testing/fuzz.ts';
import { newInPublish, parsePublish } from './wire.ts';

function decode(buf: Buffer, v: 4 | 5): Packet {
  let out: Packet | undefined;
  new Decoder(v, {
    packet: (p) => {
      out = p;
    },
    error: (e) => {
      throw e;
    },
  }).push(buf);
  return out!;
}

function body(buf: Buffer): number {
  let i = 1;
  while (buf[i]! & 0x80) i++;
  return i + 1;
}

describe('PUBLISH fast path', () => {
  test('parsePublish agrees with the codec on random PUBLISH packets', () => {
    const r = new Rng(42);
    let checked = 0;
    for (let i = 0; i < 5000; i++) {
      const v = r.pick([4, 5] as const);
      const pk = randomPacket(r, v, ['a']);
      if (pk.cmd !== 'publish') continue;
      const buf = encodeOrPing(pk, v);
      if (buf[0] === 0xc0) continue;
      const ref = decode(buf, v) as Packet & {
        topic: string;
        payload: Buffer;
        messageId?: number;
        qos: number;
      };
      const p = parsePublish(buf, body(buf), v === 5, newInPublish());
      if (ref.topic.includes('\u0000')) continue;
      assert.equal(p.error, undefined, `${p.error} for ${JSON.stringify(pk)}`);
      assert.equal(p.topic, ref.topic);
      assert.equal(p.qos, ref.qos);
      assert.equal(p.packetId, ref.messageId ?? 0);
      assert.deepEqual(Buffer.from(p.payload), Buffer.from(ref.payload));
      checked++;
    }
    assert.ok(checked > 1000);
  });

  test('QoS 3, packet id 0, duplicate properties and client subscription ids are refused', () => {
    const ok = encode(
      { cmd: 'publish', topic: 't', qos: 1, messageId: 1, payload: Buffer.from('x') } as Packet,
      5,
    );
    const q3 = Buffer.from(ok);
    q3[0] = 0x36;
    assert.equal(parsePublish(q3, body(q3), true, newInPublish()).errorCode, 0x81);
    const id0 = Buffer.from(ok);
    id0[body(id0) + 3] = 0;
    id0[body(id0) + 4] = 0;
    assert.match(parsePublish(id0, body(id0), true, newInPublish()).error!, /packet identifier 0/);
    // topic "t", id 1, properties: Payload Format Indicator twice
    const dup = Buffer.from([0x32, 10, 0, 1, 0x74, 0, 1, 4, 1, 1, 1, 0]);
    assert.equal(parsePublish(dup, 2, true, newInPublish()).errorCode, 0x82);
    const sid = Buffer.from([0x30, 6, 0, 1, 0x74, 2, 0x0b, 1]);
    assert.equal(parsePublish(sid, 2, true, newInPublish()).errorCode, 0x82);
  });

  test('encodePublish output decodes to the same message; properties keep their order', () => {
    const props = Buffer.from([0x26, 0, 1, 0x62, 0, 1, 0x32, 0x26, 0, 1, 0x61, 0, 1, 0x31, 0x03, 0, 1, 0x78]);
    const m = makeMessage('a/b', Buffer.from('hello'), 2, true, props, 30, undefined);
    const buf = withPacketId(
      encodePublish(true, m, 1, true, false, 0, extraProps([7, 300], 0), 25, false),
      513,
      true,
    );
    const d = decode(buf, 5) as unknown as Record<string, unknown>;
    assert.equal(d.topic, 'a/b');
    assert.equal(d.messageId, 513);
    assert.equal(d.dup, true);
    assert.equal(d.retain, true);
    assert.equal(d.qos, 1);
    const p = d.properties as Record<string, unknown>;
    assert.equal(p.messageExpiryInterval, 25);
    assert.deepEqual(p.subscriptionIdentifier, [7, 300]);
    assert.equal(p.contentType, 'x');
    assert.deepEqual(Object.keys(p.userProperties as object), ['b', 'a']);
    const v4 = decode(
      encodePublish(false, m, 0, false, false, 0, undefined, -1, false),
      4,
    ) as unknown as Record<string, unknown>;
    assert.deepEqual([v4.topic, String(v4.payload), v4.qos, v4.properties], ['a/b', 'hello', 0, undefined]);
  });
});
