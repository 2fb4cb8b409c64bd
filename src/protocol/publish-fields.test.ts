import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newPublishFields, PublishFault, readPublishFields } from './publish-fields.ts';

function read(bytes: number[], v5: boolean) {
  const b = Buffer.from(bytes);
  const f = newPublishFields();
  return { fault: readPublishFields(b, b[0]!, 2, b.length, v5, f), f };
}

test('PUBLISH fields: offsets of topic, packet id, properties and payload', () => {
  // QoS 1, retain, topic "ab", id 7, properties: Payload Format Indicator 1, payload "x"
  const { fault, f } = read([0x33, 10, 0, 2, 0x61, 0x62, 0, 7, 2, 1, 1, 0x78], true);
  assert.equal(fault, PublishFault.none);
  assert.deepEqual(
    { ...f },
    {
      qos: 1,
      retain: true,
      dup: false,
      topicStart: 4,
      topicLength: 2,
      packetId: 7,
      propsStart: 9,
      propsEnd: 11,
      payloadStart: 11,
    },
  );
  const v4 = read([0x38, 4, 0, 1, 0x61, 0x78], false);
  assert.equal(v4.fault, PublishFault.none);
  assert.equal(v4.f.dup, true);
  assert.equal(v4.f.propsStart, v4.f.payloadStart);
  assert.equal(v4.f.payloadStart, 5);
});

test('PUBLISH fields: each structural fault, QoS 3 left to the caller', () => {
  assert.equal(read([0x30, 1, 0], false).fault, PublishFault.short);
  assert.equal(read([0x30, 3, 0, 5, 0x61], false).fault, PublishFault.topic);
  assert.equal(read([0x32, 4, 0, 1, 0x61, 0], false).fault, PublishFault.packetId);
  assert.equal(read([0x30, 3, 0, 1, 0x61], true).fault, PublishFault.properties);
  assert.equal(read([0x30, 5, 0, 1, 0x61, 3, 1], true).fault, PublishFault.properties);
  assert.equal(read([0x30, 8, 0, 1, 0x61, 0x80, 0x80, 0x80, 0x80, 0], true).fault, PublishFault.properties);
  const q3 = read([0x36, 5, 0, 1, 0x61, 0, 9], false);
  assert.equal(q3.fault, PublishFault.none);
  assert.equal(q3.f.qos, 3);
  assert.equal(q3.f.packetId, 9);
});
