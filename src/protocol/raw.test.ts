import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesToHex, HexSyntaxError, hexToBytes } from './raw.ts';

describe('hexToBytes', () => {
  test('spaces, newlines, comments, 0x prefixes, separators', () => {
    const b = hexToBytes(`
      10 0c        # CONNECT
      0x00 0X04    // length 4
      4d51,5454    # "MQTT"
    `);
    assert.equal(b.toString('hex'), '100c00044d515454');
  });
  test('double-quoted strings insert UTF-8 bytes', () => {
    assert.equal(hexToBytes('00 04 "MQTT" 04').toString('hex'), '00044d51545404');
    assert.equal(hexToBytes('"é" "a\\"b" "\\\\"').toString('hex'), 'c3a96122625c');
    assert.throws(() => hexToBytes('00 "abc\n"'), /unterminated string at line 1, column 4/);
  });
  test('empty input', () => {
    assert.equal(hexToBytes('  # nothing\n').length, 0);
  });
  test('bad character names line and column', () => {
    assert.throws(
      () => hexToBytes('10 0c\n00 zz'),
      (e: unknown) => e instanceof HexSyntaxError && e.line === 2 && e.column === 4 && /'z'/.test(e.message),
    );
  });
  test('odd digit count names the dangling digit', () => {
    assert.throws(
      () => hexToBytes('10 0 c'),
      (e: unknown) => e instanceof HexSyntaxError && e.line === 1 && e.column === 4,
    );
    assert.throws(() => hexToBytes('abc'), /odd number of hex digits at line 1, column 3/);
  });
  test('0x without digits', () => {
    assert.throws(() => hexToBytes('0x'), /'0x' not followed/);
  });
});

test('bytesToHex', () => {
  assert.equal(bytesToHex(Buffer.from([0x10, 0x0c, 0xff])), '10 0c ff');
  assert.equal(bytesToHex(Buffer.from([1, 2, 3]), { perLine: 2 }), '01 02\n03');
  assert.equal(bytesToHex(Buffer.alloc(0)), '');
});
