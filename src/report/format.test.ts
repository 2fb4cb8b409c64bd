// One formatting module for every view: the terminal's notation (`12.30ms`, `-`) and the HTML report's
// (`12.30 ms`, `–`), and a packet line as long as each view has room for.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describePacket, fmtMs, fmtNum, fmtPct, HTML, HTML_PACKET } from './format.ts';

describe('notation', () => {
  test('durations: no space before the unit in text, a space in HTML; a mark for no value', () => {
    assert.deepEqual(
      [fmtMs(12.3), fmtMs(250), fmtMs(0.4), fmtMs(12_000), fmtMs(null)],
      ['12.30ms', '250ms', '400µs', '12.0s', '-'],
    );
    assert.deepEqual(
      [fmtMs(12.3, HTML), fmtMs(250, HTML), fmtMs(0.4, HTML), fmtMs(12_000, HTML), fmtMs(undefined, HTML)],
      ['12.30 ms', '250 ms', '400 µs', '12.0 s', '–'],
    );
  });

  test('numbers and ratios', () => {
    assert.deepEqual([fmtNum(12345), fmtNum(1.23456), fmtNum(Number.NaN)], ['12,345', '1.23', '-']);
    assert.equal(fmtNum(null, HTML), '–');
    assert.deepEqual([fmtPct(0.5), fmtPct(0.99995), fmtPct(1)], ['50.00%', '99.995%', '100.00%']);
    assert.equal(fmtPct(Number.NaN, HTML), '–');
  });
});

describe('describePacket', () => {
  const hex = 'ab'.repeat(60);
  const p = {
    cmd: 'publish',
    qos: 1,
    messageId: 3,
    topic: 't/1',
    payload: { $hex: hex },
    retain: true,
    properties: { userProperties: { a: 'b' } },
  };

  test('text: a binary payload cut at 40 hex digits, properties as props=', () => {
    assert.equal(
      describePacket(p),
      `PUBLISH qos=1 id=3 topic="t/1" payload=0x${hex.slice(0, 40)}… retain props={"userProperties":{"a":"b"}}`,
    );
  });

  test('HTML: the whole binary payload, properties as properties=', () => {
    assert.equal(
      describePacket(p, HTML_PACKET),
      `PUBLISH qos=1 id=3 topic="t/1" payload=0x${hex} retain properties={"userProperties":{"a":"b"}}`,
    );
  });
});
