// Variable Byte Integers against the boundary values of MQTT 5.0 section 1.5.5 (3.1.1 section 2.2.3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeVbi, MAX_VBI, readVbi, type VbiRead, vbiLength } from './vbi.ts';

const GOLDEN: Array<[number, number[]]> = [
  [0, [0x00]],
  [127, [0x7f]],
  [128, [0x80, 0x01]],
  [16_383, [0xff, 0x7f]],
  [16_384, [0x80, 0x80, 0x01]],
  [2_097_151, [0xff, 0xff, 0x7f]],
  [2_097_152, [0x80, 0x80, 0x80, 0x01]],
  [MAX_VBI, [0xff, 0xff, 0xff, 0x7f]],
];

test('the boundary values encode, size and read back as the spec table gives them', () => {
  const out: VbiRead = { value: -1, end: -1 };
  for (const [n, bytes] of GOLDEN) {
    assert.deepEqual([...encodeVbi(n)], bytes, `encode ${n}`);
    assert.equal(vbiLength(n), bytes.length, `length of ${n}`);
    const buf = Buffer.from([0xaa, ...bytes, 0x55]);
    assert.equal(readVbi(buf, 1, buf.length, out), true, `read ${n}`);
    assert.deepEqual(out, { value: n, end: 1 + bytes.length });
  }
});

test('a fifth byte, bytes past the limit and an empty range are refused (MQTT-1.5.5-1)', () => {
  const out: VbiRead = { value: 0, end: 0 };
  assert.equal(readVbi(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]), 0, 5, out), false);
  assert.equal(readVbi(Buffer.from([0x80, 0x80, 0x01]), 0, 2, out), false, 'limit cuts it');
  assert.equal(readVbi(Buffer.from([0x05]), 0, 0, out), false);
  assert.equal(readVbi(Buffer.from([0x05]), 1, 1, out), false);
});

test('a padded (overlong) encoding reads to its value; the reader does not judge minimality', () => {
  const out: VbiRead = { value: 0, end: 0 };
  const padded = encodeVbi(5, 3);
  assert.deepEqual([...padded], [0x85, 0x80, 0x00]);
  assert.equal(readVbi(padded, 0, padded.length, out), true);
  assert.deepEqual(out, { value: 5, end: 3 });
});
