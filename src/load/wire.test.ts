import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Decoder, type Packet, type ProtocolVersion } from '../protocol/codec.ts';
import { clock, HEADER_SIZE, patchHeader, readHeader } from './payload.ts';
import {
  ackPacket,
  connackReceiveMaximum,
  type InboundPublish,
  publishTemplate,
  readPublish,
  T,
} from './wire.ts';

function decodeAll(buf: Buffer, version: ProtocolVersion): Packet[] {
  const out: Packet[] = [];
  const d = new Decoder(version, {
    packet: (p) => out.push(p),
    error: (e) => {
      throw e;
    },
  });
  d.push(buf);
  return out;
}

describe('publish template and minimal inbound parser', () => {
  for (const version of [4, 5] as const) {
    for (const qos of [0, 1, 2] as const) {
      test(`v${version} qos${qos}: patched template decodes with src/protocol and with the fast parser`, () => {
        const tpl = publishTemplate('sensors/42/temp', qos, false, 100, 42, version, Buffer.from('{"t":1}'));
        const buf = Buffer.from(tpl.bytes);
        if (qos > 0) buf.writeUInt16BE(777, tpl.packetIdOffset);
        const now = clock();
        patchHeader(buf, tpl.payloadOffset, 123456, now - 5, now);
        const [p] = decodeAll(buf, version) as Array<
          Packet & { topic: string; qos: number; messageId?: number; payload: Buffer }
        >;
        assert.ok(p);
        assert.equal(p.cmd, 'publish');
        assert.equal(p.topic, 'sensors/42/temp');
        assert.equal(p.qos, qos);
        if (qos > 0) assert.equal(p.messageId, 777);
        assert.equal(p.payload.length, 100);
        assert.equal(p.payload.subarray(HEADER_SIZE, HEADER_SIZE + 7).toString(), '{"t":1}');
        // fast path
        let rl = 1;
        while ((buf[rl] as number) & 0x80) rl++;
        const out: InboundPublish = newPublishFields();
        assert.ok(readPublish(buf, (buf[0] as number) & 15, rl + 1, buf.length, version === 5, out));
        assert.equal(out.qos, qos);
        assert.equal(out.packetId, qos > 0 ? 777 : 0);
        assert.equal(
          buf.subarray(out.topicStart, out.topicStart + out.topicLength).toString(),
          'sensors/42/temp',
        );
        const h = { publisher: 0, seq: 0, intended: 0, actual: 0 };
        assert.ok(readHeader(buf, out.payloadStart, buf.length, h));
        assert.deepEqual(h, { publisher: 42, seq: 123456, intended: now - 5, actual: now });
      });
    }
  }

  test('v5 PUBLISH with properties from another sender is parsed past the properties', () => {
    const payload = Buffer.alloc(40);
    const tpl = publishTemplate('a/b', 1, false, 40, 9, 5);
    patchHeader(tpl.bytes, tpl.payloadOffset, 3, 1, 2);
    tpl.bytes.copy(payload, 0, tpl.payloadOffset);
    const { encode } = require_codec();
    const raw = encode(
      {
        cmd: 'publish',
        topic: 'a/b',
        qos: 1,
        messageId: 5,
        payload,
        properties: { messageExpiryInterval: 60, userProperties: { k: 'v' } },
      } as unknown as Packet,
      5,
    );
    const out: InboundPublish = newPublishFields();
    let rl = 1;
    while ((raw[rl] as number) & 0x80) rl++;
    assert.ok(readPublish(raw, (raw[0] as number) & 15, rl + 1, raw.length, true, out));
    const h = { publisher: 0, seq: 0, intended: 0, actual: 0 };
    assert.ok(readHeader(raw, out.payloadStart, raw.length, h));
    assert.deepEqual(h, { publisher: 9, seq: 3, intended: 1, actual: 2 });
  });

  test('acks decode as what they claim to be', () => {
    for (const [type, cmd] of [
      [T.PUBACK, 'puback'],
      [T.PUBREC, 'pubrec'],
      [T.PUBREL, 'pubrel'],
      [T.PUBCOMP, 'pubcomp'],
    ] as const) {
      const [p] = decodeAll(ackPacket(type, 4242), 4) as Array<Packet & { messageId: number }>;
      assert.equal(p?.cmd, cmd);
      assert.equal(p?.messageId, 4242);
    }
  });

  test('CONNACK Receive Maximum', () => {
    const { encode } = require_codec();
    const raw = encode(
      {
        cmd: 'connack',
        sessionPresent: false,
        reasonCode: 0,
        properties: { topicAliasMaximum: 10, receiveMaximum: 20, assignedClientIdentifier: 'x' },
      } as Packet,
      5,
    );
    assert.equal(connackReceiveMaximum(raw, 2, raw.length), 20);
    const none = encode(
      { cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: {} } as Packet,
      5,
    );
    assert.equal(connackReceiveMaximum(none, 2, none.length), 65535);
  });
});

import * as codec from '../protocol/codec.ts';
import { newPublishFields } from '../protocol/publish-fields.ts';

function require_codec(): typeof codec {
  return codec;
}
