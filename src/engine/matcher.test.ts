import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { capture, compileExpect, matchPacket, matchUnordered, matchValue } from './matcher.ts';

const publish = {
  cmd: 'publish',
  topic: 'crucible/x/a',
  qos: 1,
  retain: false,
  dup: false,
  messageId: 7,
  payload: Buffer.from('hello'),
  properties: { userProperties: { a: '1' }, correlationData: Buffer.from([0, 255]) },
};

describe('matchPacket', () => {
  test('partial match ignores fields not given', () => {
    assert.equal(matchPacket({ cmd: 'publish', qos: 1 }, publish), undefined);
    assert.equal(matchPacket({ cmd: 'PUBLISH' }, publish), undefined);
  });
  test('mismatch names the path, expected and actual', () => {
    const m = matchPacket({ cmd: 'publish', properties: { userProperties: { a: '2' } } }, publish);
    assert.equal(m?.path, 'properties.userProperties.a');
    assert.equal(m?.expected, '2');
    assert.equal(m?.actual, '1');
    assert.match(m?.message ?? '', /properties\.userProperties\.a: expected "2", got "1"/);
  });
  test('payload as text, hex, size', () => {
    assert.equal(matchPacket({ payload: 'hello' }, publish), undefined);
    assert.ok(matchPacket({ payload: 'hell' }, publish));
    assert.equal(matchPacket({ payload: { hex: '68656c6c6f' } }, publish), undefined);
    assert.ok(matchPacket({ payload: { hex: '00' } }, publish));
    assert.equal(matchPacket({ payload: { size: 5 } }, publish), undefined);
    assert.match(
      matchPacket({ payload: { size: 6 } }, publish)?.message ?? '',
      /expected 6 bytes, got 5 bytes/,
    );
    assert.equal(matchPacket({ payload: { size: { $gte: 5 } } }, publish), undefined);
    assert.equal(matchPacket({ properties: { correlationData: { hex: '00ff' } } }, publish), undefined);
  });
  test('numbers compare with numeric strings from variables', () => {
    assert.equal(matchPacket({ messageId: '7' }, publish), undefined);
    assert.ok(matchPacket({ messageId: '8' }, publish));
  });
  test('predicates', () => {
    assert.equal(matchValue({ $range: [1, 10] }, 7), undefined);
    assert.ok(matchValue({ $range: [8, 10] }, 7));
    assert.equal(matchValue({ $gte: 7 }, 7), undefined);
    assert.ok(matchValue({ $lte: 6 }, 7));
    assert.equal(matchValue({ $regex: '^crucible/' }, 'crucible/x'), undefined);
    assert.ok(matchValue({ $regex: '^x' }, 'crucible/x'));
    assert.equal(matchValue({ $present: true }, 0), undefined);
    assert.ok(matchValue({ $present: true }, undefined));
    assert.equal(matchValue({ $absent: true }, null), undefined);
    assert.ok(matchValue({ $absent: true }, 1));
    assert.equal(matchValue({ $in: [0, 128] }, 128), undefined);
    assert.ok(matchValue({ $in: [0, 128] }, 1));
    assert.equal(matchValue({ $not: 1 }, 2), undefined);
    assert.ok(matchValue({ $not: { $range: [0, 5] } }, 2));
    assert.equal(matchValue({ $any: true }, undefined), undefined);
    assert.match(matchValue({ $nope: 1 }, 1)?.message ?? '', /unknown predicate/);
  });
  test('absent nested objects match absence predicates', () => {
    assert.equal(
      matchPacket({ properties: { topicAlias: { $absent: true } } }, { cmd: 'publish' }),
      undefined,
    );
    assert.ok(matchPacket({ properties: { topicAlias: 1 } }, { cmd: 'publish' }));
  });
  test('arrays: equal length, elementwise', () => {
    assert.equal(matchValue([1, { $in: [0, 128] }], [1, 128]), undefined);
    assert.match(matchValue([1], [1, 2])?.message ?? '', /expected 1 items/);
  });
});

describe('compileExpect', () => {
  test('forms', () => {
    assert.equal(compileExpect({ cmd: 'publish' }).kind, 'oneOf');
    const o = compileExpect({ oneOf: [{ cmd: 'disconnect' }, { close: true }] });
    assert.equal(o.kind === 'oneOf' && o.alternatives[1]?.close, true);
    assert.equal(compileExpect({ unordered: [{ cmd: 'a' }] }).kind, 'unordered');
    assert.equal(compileExpect({ count: 2, match: { cmd: 'publish' } }).kind, 'count');
    const c = compileExpect({ cmd: 'connack', capture: { id: 'properties.assignedClientIdentifier' } });
    assert.deepEqual(c.kind === 'oneOf' && !c.alternatives[0]?.close && c.alternatives[0]?.capture, {
      id: 'properties.assignedClientIdentifier',
    });
  });
});

describe('capture and unordered', () => {
  test('capture dotted paths, Buffers as text, missing reported', () => {
    const r = capture(
      { mid: 'messageId', body: 'payload', ua: 'properties.userProperties.a', x: 'nope.x' },
      publish,
    );
    assert.deepEqual(r.values, { mid: 7, body: 'hello', ua: '1' });
    assert.deepEqual(r.missing, ['x <- nope.x']);
  });
  test('unordered pairs one-to-one', () => {
    const a = { cmd: 'publish', topic: 'a' };
    const b = { cmd: 'publish', topic: 'b' };
    assert.deepEqual(matchUnordered([{ topic: 'b' }, { topic: 'a' }], [a, b]), { pairs: [1, 0] });
    assert.deepEqual(matchUnordered([{ cmd: 'publish' }, { topic: 'a' }], [a, b]), { pairs: [1, 0] });
    assert.match(JSON.stringify(matchUnordered([{ topic: 'a' }, { topic: 'a' }], [a, b])), /paired/);
    assert.match(JSON.stringify(matchUnordered([{ topic: 'c' }, { topic: 'a' }], [a, b])), /item 1/);
  });
});
