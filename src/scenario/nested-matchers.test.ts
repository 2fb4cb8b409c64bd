// The validator accepts exactly the nested matchers the engine runs (src/engine/nested.ts) and refuses the rest,
// each problem with its line and field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadText } from './index.ts';

function problemsOf(expect: string): string[] {
  const text = `id: nested\nsteps:\n  - { client: a, connect: {} }\n  - client: a\n    expect: ${expect}\n`;
  return loadText(text, 'nested.yaml').problems.map((p) => `${p.line} ${p.field}: ${p.message}`);
}

test('oneOf holding unordered, count, or a oneOf of packets is accepted', () => {
  assert.deepEqual(
    problemsOf('{ oneOf: [{ unordered: [{ cmd: publish }, { cmd: publish }] }, { cmd: publish }] }'),
    [],
  );
  assert.deepEqual(problemsOf('{ oneOf: [{ count: 2, match: { cmd: publish } }, { close: true }] }'), []);
  assert.deepEqual(
    problemsOf('{ unordered: [{ oneOf: [{ cmd: puback }, { cmd: pubrec }] }, { cmd: publish }] }'),
    [],
  );
});

test('shapes the engine cannot run are refused', () => {
  const refused = [
    '{ unordered: [{ unordered: [{ cmd: publish }] }, { cmd: publish }] }',
    '{ unordered: [{ count: 2, match: { cmd: publish } }] }',
    '{ unordered: [{ close: true }, { cmd: publish }] }',
    '{ count: 2, match: { unordered: [{ cmd: publish }] } }',
    '{ unordered: [{ oneOf: [{ unordered: [{ cmd: publish }] }] }] }',
    '{ oneOf: [{ count: 2, match: { cmd: publish }, within: 300ms }] }',
    '{ oneOf: [{ cmd: publish, skip: [pingresp] }, { close: true }] }',
  ];
  for (const m of refused) assert.notDeepEqual(problemsOf(m), [], `should be refused: ${m}`);
});

test('an ack matcher (suback) stands for one packet: no unordered or count inside', () => {
  const text =
    'id: ack\nsteps:\n  - { client: a, connect: {} }\n  - { client: a, subscribe: { topic: t, qos: 1, suback: { oneOf: [{ unordered: [{ granted: [1] }] }] } } }\n';
  const problems = loadText(text, 'ack.yaml').problems;
  assert.ok(problems.length > 0);
  assert.equal(problems[0]?.line, 4);
});
