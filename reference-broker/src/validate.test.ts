import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from 'mqtt-packet';
import { encode } from '../../src/protocol/codec.ts';
import { type Mutation, mutate } from '../../src/protocol/mutate.ts';
import { needsValidation, validateFrame } from './validate.ts';

const connect = (version: 4 | 5, extra: Record<string, unknown> = {}): Packet =>
  ({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: version,
    clientId: 'c1',
    clean: true,
    keepalive: 0,
    ...extra,
  }) as Packet;

const subscribe = { cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'a/+', qos: 1 }] } as Packet;
const unsubscribe = { cmd: 'unsubscribe', messageId: 3, unsubscriptions: ['a/+'] } as Packet;

function code(p: Packet, version: 4 | 5, m: Mutation[] = []): number | undefined {
  return validateFrame(mutate(p, version, m), version)?.code;
}

describe('validateFrame', () => {
  for (const v of [4, 5] as const) {
    test(`well-formed packets pass (protocol level ${v})`, () => {
      assert.equal(code(connect(v, { username: 'u', password: Buffer.from('p') }), v), undefined);
      assert.equal(
        code(connect(v, { will: { topic: 'w', payload: Buffer.from('x'), qos: 1, retain: true } }), v),
        undefined,
      );
      assert.equal(code(subscribe, v), undefined);
      assert.equal(code(unsubscribe, v), undefined);
    });

    test(`ill-formed UTF-8 and U+0000 are malformed (level ${v})`, () => {
      assert.equal(code(connect(v), v, [{ op: 'badUtf8', field: 'clientId' }]), 0x81);
      assert.equal(code(connect(v), v, [{ op: 'nullChar', field: 'clientId' }]), 0x81);
      assert.equal(code(connect(v, { username: 'u' }), v, [{ op: 'surrogate', field: 'username' }]), 0x81);
      const will = connect(v, { will: { topic: 'w', payload: Buffer.from('x'), qos: 0, retain: false } });
      assert.equal(code(will, v, [{ op: 'badUtf8', field: 'willTopic' }]), 0x81);
      assert.equal(code(subscribe, v, [{ op: 'badUtf8', field: 'filter' }]), 0x81);
      assert.equal(code(subscribe, v, [{ op: 'nullChar', field: 'filter' }]), 0x81);
      assert.equal(code(unsubscribe, v, [{ op: 'badUtf8', field: 'filter' }]), 0x81);
    });

    test(`CONNECT flag rules (level ${v})`, () => {
      // User Name / Password present while their flags are 0: bytes left over
      const withUser = encode(connect(v, { username: 'u', password: Buffer.from('p') }), v);
      const flagsAt = withUser.indexOf(Buffer.from('MQTT')) + 5;
      const noFlags = Buffer.from(withUser);
      noFlags[flagsAt] = noFlags[flagsAt]! & ~0xc0;
      assert.equal(validateFrame(noFlags, v)?.code, 0x81);
      const will = connect(v, { will: { topic: 'w', payload: Buffer.from('x'), qos: 1, retain: false } });
      const raw = encode(will, v);
      raw[flagsAt] = raw[flagsAt]! | 0x18; // Will QoS 3
      assert.equal(validateFrame(raw, v)?.code, 0x81);
      assert.equal(code(connect(v), v, [{ op: 'connectFlags', value: 0x02 | 0x20 }]), 0x81); // Will Retain without Will
    });

    test(`SUBSCRIBE / UNSUBSCRIBE with Packet Identifier 0 (level ${v})`, () => {
      assert.equal(code({ ...subscribe, messageId: 0 } as Packet, v), 0x81);
      assert.equal(code({ ...unsubscribe, messageId: 0 } as Packet, v), 0x81);
    });
  }

  test('a property not allowed in the packet is malformed, a repeated one a protocol error (5.0)', () => {
    assert.equal(code(subscribe, 5, [{ op: 'addProperty', id: 0x23, value: 1 }]), 0x81);
    const withId = { ...subscribe, properties: { subscriptionIdentifier: 4 } } as Packet;
    assert.equal(code(withId, 5, [{ op: 'duplicateProperty', id: 0x0b }]), 0x82);
  });

  test('plain acknowledgements and PINGREQ skip the scan', () => {
    assert.equal(needsValidation(Buffer.from([0x40, 0x02, 0x00, 0x01]), false), false);
    assert.equal(needsValidation(Buffer.from([0xc0, 0x00]), true), false);
    // a 5.0 ack whose body ends inside the Packet Identifier is checked (and refused) too
    assert.equal(needsValidation(Buffer.from([0x40, 0x01, 0x00]), true), true);
    assert.ok(validateFrame(Buffer.from([0x40, 0x01, 0x00]), 5));
    assert.equal(needsValidation(encode(subscribe, 4), false), true);
    // a 3.1.1 PUBACK is exactly 4 bytes; anything else is scanned (and found malformed)
    const long = Buffer.from([0x40, 0x03, 0x00, 0x01, 0x00]);
    assert.equal(needsValidation(long, false), true);
    assert.equal(validateFrame(long, 4)?.code, 0x81);
  });
});
