import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from 'mqtt-packet';
import { type Mutation, MutationError, mutate } from './mutate.ts';
import { bytesToHex } from './raw.ts';

const pub4 = {
  cmd: 'publish',
  topic: 'a/b',
  qos: 0,
  retain: false,
  dup: false,
  payload: Buffer.from('hi'),
} as Packet;
const pub4q1 = { ...pub4, qos: 1, messageId: 1 } as Packet;
const pub5 = { ...pub4, properties: { messageExpiryInterval: 60 } } as Packet;
const pub5plain = { ...pub4 } as Packet;
const connect4 = {
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 4,
  clientId: 'c1',
  clean: true,
  keepalive: 60,
} as Packet;
const ping = { cmd: 'pingreq' } as Packet;
const puback5 = { cmd: 'puback', messageId: 5, reasonCode: 0 } as Packet;

function hex(p: Packet, v: 3 | 4 | 5, ms: Mutation[]): string {
  return bytesToHex(mutate(p, v, ms));
}

describe('mutate', () => {
  test('no mutations = plain encoding', () => {
    assert.equal(hex(pub4, 4, []), '30 07 00 03 61 2f 62 68 69');
  });
  test('flags: reserved bits of PINGREQ', () => {
    assert.equal(hex(ping, 4, [{ op: 'flags', value: 0x0f }]), 'cf 00');
  });
  test('type: reserved packet type 0', () => {
    assert.equal(hex(ping, 4, [{ op: 'type', value: 0 }]), '00 00');
  });
  test('remainingLength: lies, body kept', () => {
    assert.equal(hex(pub4, 4, [{ op: 'remainingLength', value: 10 }]), '30 0a 00 03 61 2f 62 68 69');
    assert.equal(hex(ping, 4, [{ op: 'remainingLength', value: 200 }]), 'c0 c8 01');
  });
  test('overlongLength: extra continuation bytes', () => {
    assert.equal(hex(pub4, 4, [{ op: 'overlongLength', bytes: 3 }]), '30 87 80 00 00 03 61 2f 62 68 69');
    assert.equal(hex(ping, 4, [{ op: 'overlongLength', bytes: 5 }]), 'c0 80 80 80 80 00');
    assert.throws(() => mutate(ping, 4, [{ op: 'overlongLength', bytes: 6 }]), MutationError);
  });
  test('truncate: keep the first N bytes of the frame', () => {
    assert.equal(hex(pub4, 4, [{ op: 'truncate', at: 4 }]), '30 07 00 03');
  });
  test('truncateBody: consistent length, short content', () => {
    assert.equal(hex(pub4, 4, [{ op: 'truncateBody', by: 2 }]), '30 05 00 03 61 2f 62');
  });
  test('keepBody: the first N body bytes, length recomputed (a packet ending inside its variable header)', () => {
    assert.equal(hex(pub4, 4, [{ op: 'keepBody', bytes: 3 }]), '30 03 00 03 61');
    assert.equal(hex(pub4q1, 4, [{ op: 'keepBody', bytes: 0 }]), '32 00');
  });
  test('qos: both QoS bits set', () => {
    assert.equal(hex(pub4q1, 4, [{ op: 'qos', value: 3 }]), '36 09 00 03 61 2f 62 00 01 68 69');
  });
  test('badUtf8 / nullChar / surrogate on the topic', () => {
    assert.equal(hex(pub4, 4, [{ op: 'badUtf8', field: 'topic' }]), '30 08 00 04 61 2f 62 ff 68 69');
    assert.equal(hex(pub4, 4, [{ op: 'nullChar', field: 'topic' }]), '30 08 00 04 61 2f 62 00 68 69');
    assert.equal(hex(pub4, 4, [{ op: 'surrogate', field: 'topic' }]), '30 0a 00 06 61 2f 62 ed a0 80 68 69');
  });
  test('badUtf8 on the client id of CONNECT', () => {
    assert.equal(
      hex(connect4, 4, [{ op: 'badUtf8', field: 'clientId' }]),
      '10 0f 00 04 4d 51 54 54 04 02 00 3c 00 03 63 31 ff',
    );
  });
  test('string op on a missing field names the available ones', () => {
    assert.throws(() => mutate(ping, 4, [{ op: 'badUtf8', field: 'topic' }]), /no string field 'topic'/);
  });
  test('duplicateProperty', () => {
    assert.equal(hex(pub5, 5, []), '30 0d 00 03 61 2f 62 05 02 00 00 00 3c 68 69');
    assert.equal(
      hex(pub5, 5, [{ op: 'duplicateProperty', id: 0x02 }]),
      '30 12 00 03 61 2f 62 0a 02 00 00 00 3c 02 00 00 00 3c 68 69',
    );
    assert.throws(() => mutate(pub5, 5, [{ op: 'duplicateProperty', id: 0x01 }]), MutationError);
  });
  test('addProperty: misplaced property in PUBLISH', () => {
    assert.equal(
      hex(pub5plain, 5, [{ op: 'addProperty', id: 0x24, value: 1 }]),
      '30 0a 00 03 61 2f 62 02 24 01 68 69',
    );
  });
  test('addProperty: raw value bytes for an unknown id', () => {
    assert.equal(
      hex(pub5plain, 5, [{ op: 'addProperty', id: 0x7f, hex: '00' }]),
      '30 0a 00 03 61 2f 62 02 7f 00 68 69',
    );
  });
  test('addProperty on a short-form PUBACK adds reason code and section', () => {
    assert.equal(hex(puback5, 5, []), '40 02 00 05');
    assert.equal(
      hex(puback5, 5, [{ op: 'addProperty', id: 0x26, value: { name: 'a', value: 'b' } }]),
      '40 0b 00 05 00 07 26 00 01 61 00 01 62',
    );
  });
  test('addProperty on 3.1.1 is refused', () => {
    assert.throws(() => mutate(pub4, 4, [{ op: 'addProperty', id: 0x01, value: 1 }]), MutationError);
  });
  test('append: bytes inside the packet', () => {
    assert.equal(hex(ping, 4, [{ op: 'append', hex: 'ff' }]), 'c0 01 ff');
  });
  test('patch: overwrite and extend', () => {
    assert.equal(hex(ping, 4, [{ op: 'patch', offset: 1, hex: '05' }]), 'c0 05');
    assert.equal(hex(ping, 4, [{ op: 'patch', offset: 3, hex: 'aa' }]), 'c0 00 00 aa');
  });
  test('connectFlags / protocolName / protocolLevel', () => {
    assert.equal(
      hex(connect4, 4, [{ op: 'connectFlags', value: 0x03 }]),
      '10 0e 00 04 4d 51 54 54 04 03 00 3c 00 02 63 31',
    );
    assert.equal(
      hex(connect4, 4, [{ op: 'protocolName', value: 'MQ' }]),
      '10 0c 00 02 4d 51 04 02 00 3c 00 02 63 31',
    );
    assert.equal(
      hex(connect4, 4, [{ op: 'protocolLevel', value: 9 }]),
      '10 0e 00 04 4d 51 54 54 09 02 00 3c 00 02 63 31',
    );
    assert.throws(() => mutate(ping, 4, [{ op: 'connectFlags', value: 1 }]), MutationError);
  });
  test('duplicateProperty in Will Properties', () => {
    const c5 = {
      ...connect4,
      protocolVersion: 5,
      will: {
        topic: 'w',
        payload: Buffer.from('x'),
        qos: 0,
        retain: false,
        properties: { willDelayInterval: 1 },
      },
    } as Packet;
    const out = hex(c5, 5, [{ op: 'duplicateProperty', id: 0x18, section: 'will' }]);
    assert.match(out, / 0a 18 00 00 00 01 18 00 00 00 01 00 01 77 /);
  });
  test('length ops see body ops; frame ops come last', () => {
    assert.equal(
      hex(pub4, 4, [
        { op: 'overlongLength', bytes: 2 },
        { op: 'badUtf8', field: 'topic' },
        { op: 'patch', offset: 0, hex: '31' },
      ]),
      '31 88 00 00 04 61 2f 62 ff 68 69',
    );
  });
});
