import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexToBytes } from './raw.ts';
import { findField, scanPacket } from './wire.ts';

test('scanPacket: v5 PUBLISH fields, property entries and VBIs', () => {
  const raw = hexToBytes('32 0f 00 03 61 2f 62 00 07 06 23 00 02 0b 81 00 68');
  const l = scanPacket(raw, 5);
  assert.equal(l.error, undefined);
  assert.equal(l.type, 3);
  assert.equal(l.flags, 2);
  assert.equal(l.headerLength, 2);
  assert.deepEqual(findField(l, 'topic'), { name: 'topic', kind: 'string', start: 2, end: 7, valueStart: 4 });
  assert.equal(findField(l, 'packetId')?.start, 7);
  assert.deepEqual(
    l.sections.map((s) => s.entries.map((e) => e.id)),
    [[0x23, 0x0b]],
  );
  const sub = l.vbis.find((v) => v.name === 'subscriptionIdentifier');
  assert.deepEqual(sub, { name: 'subscriptionIdentifier', start: 14, bytes: 2, value: 1, overlong: true });
  assert.equal(findField(l, 'payload')?.start, 16);
});

test('scanPacket: CONNECT layout follows its own protocol level', () => {
  const v4 = scanPacket(hexToBytes('10 0e 00 04 4d 51 54 54 04 02 00 3c 00 02 63 31'), 5);
  assert.equal(v4.error, undefined);
  assert.equal(findField(v4, 'clientId')?.valueStart, 14);
  assert.equal(v4.sections.length, 0);
});

test('scanPacket: structural errors are reported, never thrown', () => {
  assert.match(scanPacket(hexToBytes('30 05 00 09 61'), 4).error ?? '', /topic: needs 9 byte/);
  assert.match(scanPacket(hexToBytes('40 03 00 01 00'), 4).error ?? '', /unexpected byte/);
  assert.match(scanPacket(hexToBytes('40 04 00 01 00 05'), 5).error ?? '', /properties: needs 5/);
  assert.match(
    scanPacket(hexToBytes('20 05 00 00 02 7f 00'), 5).error ?? '',
    /unknown property identifier 0x7f/,
  );
  assert.match(scanPacket(hexToBytes('c0 05'), 4).error ?? '', /remaining length 5 but 0/);
  assert.match(scanPacket(hexToBytes('c0 ff ff ff ff 01'), 4).error ?? '', /longer than 4 bytes/);
});
