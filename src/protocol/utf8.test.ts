import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkStringMust, checkUtf8, isValidMqttUtf8 } from './utf8.ts';

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('checkUtf8', () => {
  const table: [string, string, string[]][] = [
    ['ascii', '61 62 63', []],
    ['2-byte', 'c3 a9', []],
    ['3-byte', 'e2 82 ac', []],
    ['4-byte', 'f0 9f 98 80', []],
    ['BOM is kept and valid', 'ef bb bf 61', []],
    ['U+0000', '61 00', ['null:must']],
    ['lone continuation', '80', ['malformed:must']],
    ['invalid byte', 'ff', ['malformed:must']],
    ['truncated 2-byte', 'c3', ['malformed:must']],
    ['truncated 3-byte', 'e2 82', ['malformed:must']],
    ['bad continuation', 'e2 28 a1', ['malformed:must']],
    ['overlong slash', 'c0 af', ['overlong:must']],
    ['overlong 3-byte', 'e0 80 af', ['overlong:must']],
    ['surrogate U+D800', 'ed a0 80', ['surrogate:must']],
    ['surrogate U+DFFF', 'ed bf bf', ['surrogate:must']],
    ['above U+10FFFF', 'f4 90 80 80', ['malformed:must']],
    ['control U+0001', '01', ['control:should']],
    ['control U+007F', '7f', ['control:should']],
    ['control U+0085', 'c2 85', ['control:should']],
    ['non-character U+FFFF', 'ef bf bf', ['noncharacter:should']],
    ['non-character U+FDD0', 'ef b7 90', ['noncharacter:should']],
    ['non-character U+1FFFE', 'f0 9f bf be', ['noncharacter:should']],
    ['should then must', '01 ff', ['control:should', 'malformed:must']],
  ];
  for (const [name, hex, expected] of table) {
    test(name, () => {
      assert.deepEqual(
        checkUtf8(h(hex)).map((i) => `${i.kind}:${i.severity}`),
        expected,
      );
      assert.equal(isValidMqttUtf8(h(hex)), !expected.some((e) => e.endsWith(':must')));
    });
  }
  test('offsets are absolute and ranges respected', () => {
    const b = h('ff 61 00 62');
    assert.deepEqual(checkUtf8(b, 1, 2), []);
    assert.equal(checkUtf8(b, 1, 4)[0]?.offset, 2);
  });
});

test('checkStringMust', () => {
  assert.equal(checkStringMust('ok é 😀'), null);
  assert.equal(checkStringMust('a\u0000')?.kind, 'null');
  assert.equal(checkStringMust('a\ud800b')?.kind, 'surrogate');
  assert.equal(checkStringMust('\udc00')?.offset, 0);
});
