import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from 'mqtt-packet';
import { type CheckContext, checkInbound, type Finding } from './checker.ts';
import { PACKET_DIRECTION, packetName } from './constants.ts';
import { GOLDEN_VECTORS } from './golden-vectors.ts';
import { mutate } from './mutate.ts';
import { hexToBytes } from './raw.ts';

function check(hex: string | Buffer, version: 3 | 4 | 5, extra: Partial<CheckContext> = {}): Finding[] {
  const raw = typeof hex === 'string' ? hexToBytes(hex) : hex;
  return checkInbound(undefined, raw, { version, ...extra });
}

function statements(fs: Finding[]): string[] {
  return fs.map((f) => f.statement);
}

function expectFinding(fs: Finding[], statement: string, severity: 'must' | 'should' = 'must'): void {
  assert.ok(
    fs.some((f) => f.statement === statement && f.severity === severity),
    `expected ${severity} ${statement}, got ${JSON.stringify(fs)}`,
  );
}

const pub5 = { cmd: 'publish', topic: 'a/b', qos: 1, messageId: 1, payload: Buffer.from('x') } as Packet;

describe('checker: valid packets pass', () => {
  for (const v of GOLDEN_VECTORS) {
    test(v.name, () => {
      const raw = hexToBytes(v.hex);
      const name = packetName(raw[0]! >> 4)!;
      const role = PACKET_DIRECTION[name] === 'client' ? 'client' : 'server';
      assert.deepEqual(check(raw, v.version, { role }), []);
    });
  }
});

describe('checker: violations', () => {
  test('reserved fixed-header flags (3.1.1 generic and per packet)', () => {
    expectFinding(check('21 02 00 00', 4), 'MQTT-2.2.2-1');
    expectFinding(check('60 02 00 01', 4), 'MQTT-3.6.1-1');
    expectFinding(check('d1 00', 5), 'MQTT-2.1.3-1');
    expectFinding(check('f1 02 00 00', 5), 'MQTT-3.15.1-1');
    expectFinding(check('e2 00', 4), 'MQTT-3.14.1-1');
  });
  test('PUBLISH QoS 3 and QoS 0 with DUP', () => {
    expectFinding(check('36 07 00 01 61 00 01 68 69', 4), 'MQTT-3.3.1-4');
    expectFinding(check('38 04 00 01 61 68', 4), 'MQTT-3.3.1-2');
  });
  test('PUBLISH topic with wildcard, empty topic', () => {
    expectFinding(check('30 04 00 01 23 68', 4), 'MQTT-3.3.2-2');
    expectFinding(check('30 05 00 03 61 2f 2b', 5), 'MQTT-3.3.2-2');
    expectFinding(check('30 03 00 00 68', 4), 'MQTT-4.7.3-1');
    // v5: empty topic allowed with a Topic Alias
    assert.deepEqual(check('30 06 00 00 03 23 00 01', 5), []);
    expectFinding(check('30 04 00 00 00 68', 5), 'MQTT-4.7.3-1');
  });
  test('packet id 0', () => {
    expectFinding(check('32 06 00 01 61 00 00 68', 4), 'MQTT-2.3.1-1');
    expectFinding(check('32 07 00 01 61 00 00 00 68', 5), 'MQTT-2.2.1-4');
    expectFinding(check('40 02 00 00', 4), 'MQTT-2.3.1-6');
    expectFinding(check('90 03 00 00 00', 5), 'MQTT-2.2.1-6');
  });
  test('UTF-8: ill-formed, surrogate, U+0000, control character (should)', () => {
    expectFinding(check(mutate(pub5, 4, [{ op: 'badUtf8', field: 'topic' }]), 4), 'MQTT-3.3.2-1');
    expectFinding(check(mutate(pub5, 5, [{ op: 'surrogate', field: 'topic' }]), 5), 'MQTT-3.3.2-1');
    expectFinding(check(mutate(pub5, 5, [{ op: 'nullChar', field: 'topic' }]), 5), 'MQTT-4.7.3-2');
    // CONNACK Assigned Client Identifier with U+0000 / control character
    expectFinding(check('20 08 00 00 05 12 00 02 61 00', 5), 'MQTT-1.5.4-2');
    expectFinding(check('20 08 00 00 05 12 00 02 61 07', 5), 'MQTT-1.5.4-1', 'should');
    // user property name ill-formed
    expectFinding(check('20 0a 00 00 07 26 00 01 ff 00 01 61', 5), 'MQTT-1.5.7-1');
    // 3.1.1 SUBSCRIBE filter (client side) with ill-formed UTF-8
    expectFinding(check('82 06 00 01 00 01 c3 00', 4, { role: 'client' }), 'MQTT-3.8.3-1');
  });
  test('properties: not allowed for the packet, duplicated, bad values', () => {
    // Maximum QoS in a PUBLISH
    const misplaced = check(mutate({ ...pub5 }, 5, [{ op: 'addProperty', id: 0x24, value: 1 }]), 5);
    expectFinding(misplaced, 'MQTT-2.2.2-1');
    assert.match(misplaced[0]!.message, /Maximum QoS .* not allowed in PUBLISH/);
    // duplicated Message Expiry Interval
    const p = { ...pub5, properties: { messageExpiryInterval: 5 } } as Packet;
    const dup = check(mutate(p, 5, [{ op: 'duplicateProperty', id: 0x02 }]), 5);
    assert.match(dup[0]!.message, /more than once/);
    // Maximum QoS 2 in CONNACK; Retain Available 3
    expectFinding(check('20 05 00 00 02 24 02', 5), 'MQTT-2.2.2-1');
    expectFinding(check('20 05 00 00 02 25 03', 5), 'MQTT-2.2.2-1');
    // Topic Alias 0
    expectFinding(check('30 07 00 01 61 03 23 00 00', 5), 'MQTT-3.3.2-8');
  });
  test('user properties and server-sent subscription identifiers may repeat', () => {
    assert.deepEqual(check('30 0a 00 01 61 06 0b 01 0b 02 0b 03', 5), []);
    expectFinding(check('30 08 00 01 61 04 0b 01 0b 02', 5, { role: 'client' }), 'MQTT-3.3.4-6');
  });
  test('server DISCONNECT with Session Expiry Interval', () => {
    expectFinding(check('e0 07 00 05 11 00 00 00 01', 5), 'MQTT-3.14.2-2');
  });
  test('context rules from the CONNECT', () => {
    expectFinding(check('20 08 00 00 05 1a 00 02 72 2f', 5, { connect: {} }), 'MQTT-3.1.2-28');
    assert.deepEqual(
      check('20 08 00 00 05 1a 00 02 72 2f', 5, { connect: { requestResponseInformation: true } }),
      [],
    );
    expectFinding(
      check('40 09 00 01 00 05 1f 00 02 6e 6f', 5, { connect: { requestProblemInformation: false } }),
      'MQTT-3.1.2-29',
    );
    expectFinding(
      check('30 07 00 01 61 03 23 00 05', 5, { connect: { topicAliasMaximum: 2 } }),
      'MQTT-3.3.2-11',
    );
    expectFinding(
      check('30 07 00 01 61 03 23 00 01', 5, { connect: { topicAliasMaximum: 0 } }),
      'MQTT-3.1.2-27',
    );
    expectFinding(
      check('20 08 00 00 05 15 00 02 6d 31', 5, { connect: { authenticationMethod: null } }),
      'MQTT-4.12.0-6',
    );
    expectFinding(check('d0 00', 5, { connect: { maximumPacketSize: 1 } }), 'MQTT-3.1.2-24');
  });
  test('reason codes per packet (5.0)', () => {
    expectFinding(check('20 03 00 04 00', 5), 'MQTT-3.2.2-8');
    expectFinding(check('40 04 00 01 92 00', 5), 'MQTT-3.4.2-1');
    expectFinding(check('50 04 00 01 8f 00', 5), 'MQTT-3.5.2-1');
    expectFinding(check('62 04 00 01 10 00', 5), 'MQTT-3.6.2-1');
    expectFinding(check('70 04 00 01 80 00', 5), 'MQTT-3.7.2-1');
    expectFinding(check('90 04 00 01 00 03', 5), 'MQTT-3.9.3-2');
    expectFinding(check('b0 04 00 01 00 10', 5), 'MQTT-3.11.3-2');
    expectFinding(check('e0 02 05 00', 5), 'MQTT-3.14.2-1');
    expectFinding(check('f0 02 01 00', 5), 'MQTT-3.15.2-1');
    // client-only codes sent by a server
    expectFinding(check('e0 02 04 00', 5), 'MQTT-3.14.2-1');
    expectFinding(check('f0 02 19 00', 5), 'MQTT-3.15.2-1');
    assert.deepEqual(check('e0 02 04 00', 5, { role: 'client' }), []);
  });
  test('CONNACK flags and session present (3.1.1 and 5.0)', () => {
    expectFinding(check('20 03 02 00 00', 5), 'MQTT-3.2.2-1');
    expectFinding(check('20 03 01 80 00', 5), 'MQTT-3.2.2-6');
    expectFinding(check('20 02 01 05', 4), 'MQTT-3.2.2-4');
    expectFinding(check('20 02 00 06', 4), 'MQTT-3.2.2-6');
  });
  test('SUBACK / UNSUBACK return codes', () => {
    expectFinding(check('90 03 00 01 03', 4), 'MQTT-3.9.3-2');
    expectFinding(check('90 02 00 01', 4), 'MQTT-3.8.4-5');
    expectFinding(check('b0 03 00 01 00', 5), 'MQTT-3.11.3-2');
  });
  test('overlong Variable Byte Integers (5.0)', () => {
    expectFinding(check('d0 80 00', 5), 'MQTT-1.5.5-1');
    expectFinding(check('30 06 00 01 61 80 00 78', 5), 'MQTT-1.5.5-1');
  });
  test('malformed structure is reported', () => {
    const fs = check('40 03 00 01 00', 4);
    assert.ok(statements(fs).includes('MQTT-4.8.0-1'), JSON.stringify(fs));
    expectFinding(check('20 06 00 00 03 7f 00 00', 5), 'MQTT-4.13.1-1');
  });
  test('Response Topic with wildcard', () => {
    expectFinding(check('30 09 00 01 61 05 08 00 02 61 23', 5), 'MQTT-3.3.2-14');
  });
});

describe('checker: rules that need what the harness sent or saw', () => {
  const sent = new Map([['a', [Buffer.from('hi'), Buffer.from([0, 1, 0x68, 0x69, 0x21])]]]);
  test('a QoS 0 PUBLISH carrying a Packet Identifier (3.1.1)', () => {
    expectFinding(check('30 07 00 01 61 00 01 68 69', 4, { sentPayloads: sent }), 'MQTT-2.3.1-5');
    assert.deepEqual(check('30 05 00 01 61 68 69', 4, { sentPayloads: sent }), []);
    // a payload that itself starts with two bytes is what was sent: no finding
    assert.deepEqual(check('30 08 00 01 61 00 01 68 69 21', 4, { sentPayloads: sent }), []);
    // without knowing what was sent, the bytes alone cannot tell
    assert.deepEqual(check('30 07 00 01 61 00 01 68 69', 4), []);
    // another topic: no finding
    assert.deepEqual(check('30 07 00 01 62 00 01 68 69', 4, { sentPayloads: sent }), []);
  });
  test('a QoS 0 PUBLISH carrying a Packet Identifier (5.0)', () => {
    expectFinding(check('30 08 00 01 61 00 07 00 68 69', 5, { sentPayloads: sent }), 'MQTT-2.2.1-2');
    assert.deepEqual(check('30 06 00 01 61 00 68 69', 5, { sentPayloads: sent }), []);
  });
  test('any packet after a CONNACK that refused the connection', () => {
    expectFinding(check('d0 00', 4, { afterRefusal: true }), 'MQTT-3.2.2-5');
    expectFinding(check('e0 01 82', 5, { afterRefusal: true }), 'MQTT-3.2.2-7');
    assert.deepEqual(check('d0 00', 4), []);
  });
});
