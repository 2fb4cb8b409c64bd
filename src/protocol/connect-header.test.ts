// The one CONNECT header reader, on golden bytes: 3.1, 3.1.1, 5.0 with properties, and packets cut short
// at every boundary the reader reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameBody, readConnectHeader } from './connect-header.ts';
import { hexToBytes } from './raw.ts';

// 3.1.1: "MQTT" level 4, flags 02, keep alive 30, client id "a"
const V4 = hexToBytes('10 0d 00 04 4d 51 54 54 04 02 00 1e 00 01 61');
// 5.0: properties of 5 bytes (session expiry 0x11 = 10), client id "a"
const V5 = hexToBytes('10 13 00 04 4d 51 54 54 05 02 00 1e 05 11 00 00 00 0a 00 01 61');
// 3.1: "MQIsdp" level 3, client id "a"
const V3 = hexToBytes('10 0f 00 06 4d 51 49 73 64 70 03 02 00 1e 00 01 61');

function headerOf(f: Buffer) {
  const body = frameBody(f);
  assert.ok(body);
  return readConnectHeader(f, body.bodyAt, body.end);
}

test('3.1.1, 5.0 and 3.1 headers: name, level, flags and the client id field', () => {
  assert.deepEqual(headerOf(V4), { nameAt: 4, nameEnd: 8, level: 4, flagsAt: 9, payloadAt: 12 });
  assert.deepEqual(headerOf(V5), { nameAt: 4, nameEnd: 8, level: 5, flagsAt: 9, payloadAt: 18 });
  assert.deepEqual(headerOf(V3), { nameAt: 4, nameEnd: 10, level: 3, flagsAt: 11, payloadAt: 14 });
});

test('a body too short for the name and level has no header; shorter than flags and keep alive, no flags', () => {
  assert.equal(readConnectHeader(V4, 2, 3), undefined); // half a name length
  assert.equal(readConnectHeader(V4, 2, 8), undefined); // the name, no level
  assert.deepEqual(readConnectHeader(V4, 2, 9), {
    nameAt: 4,
    nameEnd: 8,
    level: 4,
    flagsAt: -1,
    payloadAt: -1,
  });
  assert.deepEqual(readConnectHeader(V4, 2, 11), {
    nameAt: 4,
    nameEnd: 8,
    level: 4,
    flagsAt: -1,
    payloadAt: -1,
  });
  assert.deepEqual(readConnectHeader(V4, 2, 12), {
    nameAt: 4,
    nameEnd: 8,
    level: 4,
    flagsAt: 9,
    payloadAt: 12,
  });
});

test('5.0 properties that run past the packet leave no payload offset', () => {
  assert.equal(readConnectHeader(V5, 2, 17)?.payloadAt, -1); // properties announce 5 bytes, 4 remain
  assert.equal(readConnectHeader(V5, 2, 12)?.payloadAt, -1); // no property length at all
  const long = Buffer.from(V5);
  long[12] = 0x80; // a property length whose continuation byte is the next property's id
  assert.equal(readConnectHeader(long, 2, long.length)?.payloadAt, -1);
});

test('the bridge bit stays in the level as sent', () => {
  const bridge = Buffer.from(V4);
  bridge[8] = 0x84;
  assert.equal(headerOf(bridge)?.level, 0x84);
});

test('frameBody refuses a Remaining Length that runs past the frame or over 4 bytes', () => {
  assert.equal(frameBody(V4.subarray(0, 10)), undefined);
  assert.equal(frameBody(hexToBytes('10 ff ff ff ff 01')), undefined);
  assert.deepEqual(frameBody(V4), { bodyAt: 2, end: 15 });
});
