// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} syntax under test
// Validation of the language extensions: counting windows (ranged counts, expectAmong), cleanup
// steps, and sendRaw with ${var}, str"..." and len(...). Every problem names file:line.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countBounds, describeBounds } from './count.ts';
import { formatProblems, loadText } from './index.ts';
import type { CaseSpec } from './model.ts';

function load(body: string): { cases: CaseSpec[]; problems: string } {
  const r = loadText(`version: "5.0"\ncases:\n${body}`, 'x.yaml');
  return { cases: r.conversations[0]?.cases ?? [], problems: formatProblems(r.problems) };
}

describe('counting windows', () => {
  test('a ranged count with within becomes a windowed expect', () => {
    const { cases, problems } = load(`
  - id: a
    steps:
      - { client: s, connect: {} }
      - { client: s, expect: { count: { $range: [1, 2] }, match: { cmd: publish }, within: 500ms, skip: [pingresp] } }
`);
    assert.equal(problems, '');
    const a = cases[0]!.steps[1]!.action;
    assert.equal(a.kind, 'expect');
    if (a.kind !== 'expect') return;
    assert.equal(a.withinMs, 500);
    assert.deepEqual(a.skip, ['pingresp']);
    assert.deepEqual(a.matcher, { count: { $range: [1, 2] }, match: { cmd: 'publish' } });
  });

  test('range without within, within without count, bad ranges: problems with line', () => {
    const { problems } = load(`
  - id: a
    steps:
      - { client: s, connect: {} }
      - { client: s, expect: { count: { $range: [1, 2] }, match: { cmd: publish } } }
      - { client: s, expect: { cmd: publish, within: 1s } }
      - { client: s, expect: { count: { $range: [3, 1] }, match: { cmd: publish }, within: 1s } }
      - { client: s, expect: { count: { $between: 1 }, match: { cmd: publish }, within: 1s } }
      - { client: s, expect: { count: 0, match: { cmd: publish } } }
`);
    assert.match(problems, /x\.yaml:7:\d+: .*count: a count range needs a counting window/);
    assert.match(problems, /x\.yaml:8:\d+: .*within: 'within' is the counting window of a count/);
    assert.match(problems, /x\.yaml:9:\d+: .*count range is empty \(min 3 > max 1\)/);
    assert.match(problems, /x\.yaml:10:\d+: .*\(not \$between\)/);
    assert.match(problems, /x\.yaml:11:\d+: .*count 0 needs a counting window/);
  });

  test('expectAmong: model, defaults and capture names', () => {
    const { cases, problems } = load(`
  - id: a
    steps:
      - { client: m1, connect: {} }
      - { client: m2, connect: {} }
      - { expectAmong: { clients: [m1, m2], match: { cmd: publish }, within: 1s, capture: { p: payload } } }
      - { client: m1, publish: { topic: "\${t}/\${p}" } }
`);
    assert.equal(problems, '');
    const a = cases[0]!.steps[2]!.action;
    assert.deepEqual(a, {
      kind: 'expectAmong',
      clients: ['m1', 'm2'],
      match: { cmd: 'publish' },
      count: 1,
      withinMs: 1000,
      skip: [],
      capture: { p: 'payload' },
    });
  });

  test('expectAmong: every problem with its line', () => {
    const { problems } = load(`
  - id: a
    steps:
      - { client: m1, connect: {} }
      - { client: m1, expectAmong: { clients: [m1, m1, m9], match: { cmd: publsh }, count: -1, within: 1s, sort: true } }
      - expectAmong: { clients: [], match: { cmd: publish } }
`);
    assert.match(problems, /x\.yaml:7:\d+: .*client: 'expectAmong' takes no client/);
    assert.match(problems, /x\.yaml:7:\d+: .*client 'm1' is listed twice/);
    assert.match(problems, /x\.yaml:7:\d+: .*client 'm9' is used \(expectAmong\) before it is opened/);
    assert.match(problems, /x\.yaml:7:\d+: .*unknown packet type 'publsh'/);
    assert.match(problems, /x\.yaml:7:\d+: .*count must be a whole number >= 0/);
    assert.match(problems, /x\.yaml:7:\d+: .*sort: unknown expectAmong key 'sort'/);
    assert.match(problems, /x\.yaml:8:\d+: .*expectAmong needs clients/);
    assert.match(problems, /x\.yaml:8:\d+: .*expectAmong needs 'within'/);
  });
});

describe('cleanup', () => {
  test('cleanup steps are parsed; captures of the steps are known there', () => {
    const { cases, problems } = load(`
  - id: a
    steps:
      - { client: p, connect: {} }
      - { client: p, expect: { cmd: publish, capture: { mid: messageId } } }
    cleanup:
      - { client: p, connect: {} }
      - { client: p, send: { cmd: puback, messageId: "\${mid}" } }
`);
    assert.equal(problems, '');
    assert.equal(cases[0]!.cleanup?.length, 2);
    assert.equal(cases[0]!.cleanup?.[1]?.loc.line, 10);
  });

  test('cleanup runs on fresh connections: a client must connect there first', () => {
    const { problems } = load(`
  - id: a
    steps:
      - { client: p, connect: {} }
    cleanup:
      - { client: p, publish: { topic: "\${t}/r", retain: true, payload: "" } }
      - { client: p, conect: {} }
  - id: b
    steps:
      - { client: p, connect: {} }
    cleanup: []
`);
    assert.match(problems, /x\.yaml:8:\d+: .*client 'p' is used \(publish\) before it is opened/);
    assert.match(problems, /x\.yaml:9:\d+: .*unknown step action 'conect'/);
    assert.match(problems, /x\.yaml:13:\d+: .*cleanup must be a non-empty list of steps/);
  });

  test('a case without cleanup has none in the model', () => {
    const { cases } = load(`
  - id: a
    steps: [{ client: p, connect: {} }]
`);
    assert.equal(cases[0]!.cleanup, undefined);
  });
});

describe('sendRaw with variables, str"..." and len(...)', () => {
  test('structure around ${...} is still checked, with the line', () => {
    const { problems } = load(`
  - id: a
    steps:
      - { client: s, connect: {} }
      - client: s
        sendRaw: |
          82 len( 00 01 00
            str"\${t}/a" 00
      - { client: s, sendRaw: '30 len(str"\${t}/a" "x")' }
      - { client: s, sendRaw: '30 len(str"\${t}/a) 00' }
`);
    assert.match(problems, /x\.yaml:9:14: .*sendRaw: invalid hex in sendRaw: 'len\(' is never closed/);
    assert.match(problems, /x\.yaml:12:\d+: .*unterminated string/);
    assert.doesNotMatch(problems, /x\.yaml:11:/);
  });
});

test('countBounds and describeBounds', () => {
  assert.deepEqual(countBounds(2), { min: 2, max: 2 });
  assert.deepEqual(countBounds({ $range: [1, 2] }), { min: 1, max: 2 });
  assert.deepEqual(countBounds({ $gte: 1 }), { min: 1, max: Number.POSITIVE_INFINITY });
  assert.deepEqual(countBounds({ $gte: 1, $lte: 3 }), { min: 1, max: 3 });
  assert.equal(typeof countBounds(1.5), 'string');
  assert.equal(typeof countBounds({ $range: [2] }), 'string');
  assert.equal(typeof countBounds({ $in: [1] }), 'string');
  assert.equal(describeBounds({ min: 1, max: 1 }), 'exactly 1');
  assert.equal(describeBounds({ min: 1, max: 2 }), '1 to 2');
  assert.equal(describeBounds({ min: 0, max: 2 }), 'at most 2');
  assert.equal(describeBounds({ min: 1, max: Number.POSITIVE_INFINITY }), 'at least 1');
});
