// Nested matchers: alternatives that are sets or counts are decided packet by packet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptsClose, compileNode, decide, isNested, progress } from './nested.ts';

const pub = (qos: number, payload = 'x') => ({
  cmd: 'publish',
  topic: 't/a',
  qos,
  payload: Buffer.from(payload),
});
const overlap = {
  oneOf: [
    {
      unordered: [
        { cmd: 'publish', qos: 2 },
        { cmd: 'publish', qos: 0 },
      ],
    },
    { cmd: 'publish', qos: 2 },
  ],
};

test('oneOf holding unordered: one copy per subscription, in either order, matches the first alternative', () => {
  assert.equal(isNested(overlap), true);
  const node = compileNode(overlap);
  assert.equal(progress(node, [pub(0), pub(2)]).status, 'complete');
  assert.equal(progress(node, [pub(2), pub(0)]).status, 'complete');
  const d = decide(node, [pub(0), pub(2)], undefined);
  assert.equal(d.kind, 'done');
});

test('a single copy waits for the earlier alternative, then the later one wins at the deadline', () => {
  const node = compileNode(overlap);
  const first = decide(node, [pub(2)], undefined);
  assert.equal(first.kind, 'more');
  assert.ok(first.kind === 'more' && first.best?.used === 1);
  // an unrelated packet next: the single copy is the match, the extra packet goes back to the inbox
  const next = decide(node, [pub(2), { cmd: 'pingresp' }], first.kind === 'more' ? first.best : undefined);
  assert.deepEqual(next.kind === 'done' && next.used, 1);
});

test('nothing that fits fails with every alternative named', () => {
  const d = decide(compileNode(overlap), [pub(1)], undefined);
  assert.equal(d.kind, 'fail');
  assert.match(d.kind === 'fail' ? d.why : '', /\[1\].*\[2\]/);
});

test('count and unordered items may be a oneOf of packets; captures come from the matched packet', () => {
  const node = compileNode({
    unordered: [
      { oneOf: [{ cmd: 'puback' }, { cmd: 'pubrec', capture: { id: 'messageId' } }] },
      { cmd: 'publish' },
    ],
  });
  const p = progress(node, [pub(1), { cmd: 'pubrec', messageId: 9 }]);
  assert.equal(p.status, 'complete');
  assert.deepEqual(p.status === 'complete' && p.captures.map(([c]) => c), [{ id: 'messageId' }]);
  assert.equal(
    progress(compileNode({ count: 2, match: { oneOf: [{ qos: 0 }, { qos: 1 }] } }), [pub(0), pub(1)]).status,
    'complete',
  );
});

test('a close satisfies a nested oneOf only before any packet', () => {
  const node = compileNode({
    oneOf: [{ unordered: [{ cmd: 'puback' }, { cmd: 'publish' }] }, { close: true }],
  });
  assert.equal(acceptsClose(node, []), true);
  assert.equal(acceptsClose(node, [{ cmd: 'puback' }]), false);
});
