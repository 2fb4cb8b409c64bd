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

describe('hexToBytes: str"..." and len(...)', () => {
  test('str"..." writes a 2-byte length then the UTF-8 bytes', () => {
    assert.equal(hexToBytes('str"MQTT"').toString('hex'), '00044d515454');
    assert.equal(hexToBytes('str""').toString('hex'), '0000');
    assert.equal(hexToBytes('str"é" 01').toString('hex'), '0002c3a901');
    assert.equal(
      hexToBytes(`str"${'a'.repeat(300)}"`)
        .subarray(0, 2)
        .toString('hex'),
      '012c',
    );
    assert.throws(() => hexToBytes(`str"${'a'.repeat(65536)}"`), /at most 65535/);
    assert.throws(() => hexToBytes('00 str"ab'), /unterminated string at line 1, column 7/);
  });
  test('len(...) writes the Variable Byte Integer length of what it encloses', () => {
    assert.equal(hexToBytes('10 len(00 01 02)').toString('hex'), '1003000102');
    assert.equal(hexToBytes('len()').toString('hex'), '00');
    const big = hexToBytes(`30 len(${'00 '.repeat(200)})`);
    assert.equal(big.subarray(0, 3).toString('hex'), '30c801');
    assert.equal(big.length, 203);
  });
  test('len(...) nests, spans lines and allows comments inside', () => {
    const b = hexToBytes(`
      82 len(          # SUBSCRIBE
        00 01          # packet id
        len()          # properties
        str"a/b" 01    # filter, options
      )`);
    assert.equal(b.toString('hex'), '8209' + '0001' + '00' + '0003612f62' + '01');
  });
  test('a whole CONNECT built with len and str equals the hand-counted bytes', () => {
    const hand = hexToBytes('10 10 00 04 4d 51 54 54 04 02 00 3c 00 04 63 6c 69 64');
    const built = hexToBytes('10 len( str"MQTT" 04 02 00 3c str"clid" )');
    assert.equal(built.toString('hex'), hand.toString('hex'));
  });
  test('unbalanced parentheses name the place', () => {
    assert.throws(
      () => hexToBytes('10 len(00\n01'),
      (e: unknown) =>
        e instanceof HexSyntaxError && e.line === 1 && e.column === 4 && /never closed/.test(e.message),
    );
    assert.throws(() => hexToBytes('00 )'), /'\)' without a matching 'len\(' at line 1, column 4/);
    assert.throws(() => hexToBytes('len(0)'), /odd number of hex digits at line 1, column 5/);
  });
  test('words that merely start like the keywords are still errors', () => {
    assert.throws(() => hexToBytes('st"x"'), /unexpected character 's'/);
    assert.throws(() => hexToBytes('len 00'), /unexpected character 'l'/);
  });
});
