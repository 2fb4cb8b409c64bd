import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_EXPANSION } from './family.ts';
import { loadText } from './index.ts';

const TABLES = `
tables:
  packets:
    - { name: puback, packet: { cmd: puback, messageId: 1 }, flags: 2, cut: 1 }
    - { name: pingreq, packet: { cmd: pingreq }, flags: 2 }
    - { name: pubrel, packet: { cmd: pubrel, messageId: 1 }, flags: 0, cut: 1 }
`;

function load(body: string, file = 'scenarios/family.yaml') {
  return loadText(`version: "3.1.1"\n${TABLES}cases:\n${body}`, file);
}

describe('case families', () => {
  test('rows of a table, narrowed by having and except, fill row fields and name the case', () => {
    const r = load(`
  - id: fam.cut
    statements: [MQTT-4.8.0-1]
    params: { p: { table: packets, having: [cut], except: [pubrel] } }
    steps:
      - { client: a, connect: {} }
      - { client: a, sendMutated: { packet: "\${p.packet}", mutate: [{ op: keepBody, bytes: "\${p.cut}" }] } }
`);
    assert.deepEqual(r.problems, []);
    const cases = r.conversations[0]!.cases;
    assert.deepEqual(
      cases.map((c) => c.id),
      ['fam.cut[p=puback]'],
    );
    assert.deepEqual(cases[0]!.params, { p: 'puback' });
    const send = cases[0]!.steps[1]!.action as unknown as {
      packet: Record<string, unknown>;
      mutate: unknown[];
    };
    assert.deepEqual(send.packet, { cmd: 'puback', messageId: 1 });
    assert.deepEqual(send.mutate, [{ op: 'keepBody', bytes: 1 }]);
  });

  test('exclude drops combinations; let derives values; a per-row statement is resolved per case', () => {
    const r = load(`
  - id: fam.q
    statements: [MQTT-3.3.5-1]
    params: { a: [0, 1, 2], b: [0, 1, 2] }
    exclude: [{ a: 0 }, { a: 1, b: 2 }]
    let: { hi: { max: [a, b] } }
    steps:
      - { client: s, connect: {} }
      - { client: s, subscribe: { topic: "\${t}/x", qos: "\${hi}" } }
`);
    assert.deepEqual(r.problems, []);
    const cases = r.conversations[0]!.cases;
    assert.equal(cases.length, 5);
    const c = cases.find((x) => x.id === 'fam.q[a=2,b=0]')!;
    const sub = c.steps[1]!.action as unknown as { packet: { subscriptions: Array<{ qos: unknown }> } };
    assert.equal(sub.packet.subscriptions[0]!.qos, 2);
    assert.ok(!cases.some((x) => x.id === 'fam.q[a=1,b=2]'));
  });

  test('a missing row field, a stale exclude, an unknown table and a bad let are problems with lines', () => {
    const r = load(`
  - id: fam.bad
    statements: [MQTT-4.8.0-1, "\${p.statement}"]
    params: { p: { table: packets }, q: { table: packetz } }
    exclude: [{ p: connack }]
    let: { x: { max: [nope] } }
    steps:
      - { client: a, connect: {} }
      - { client: a, sendMutated: { packet: "\${p.packet}", mutate: [{ op: remainingLength, value: "\${p.cut}" }] } }
`);
    const text = r.problems.map((p) => `${p.line} ${p.field}: ${p.message}`).join('\n');
    assert.match(text, /no table named 'packetz'/);
    assert.match(text, /exclude entry matches no combination/);
    assert.match(text, /'nope' is neither a number nor a parameter/);
    assert.match(text, /row 'pingreq' of parameter 'p' has no field 'cut'/);
    assert.match(text, /row 'puback' of parameter 'p' has no field 'statement'/);
    assert.ok(r.problems.every((p) => p.line > 1));
  });

  test('expansion is capped', () => {
    const values = Array.from({ length: 30 }, (_, i) => i).join(', ');
    const r = load(`
  - id: fam.big
    params: { a: [${values}], b: [${values}] }
    steps: [{ client: a, connect: {} }]
`);
    assert.match(
      r.problems.map((p) => p.message).join('\n'),
      new RegExp(`900 cases, more than the limit of ${MAX_EXPANSION}`),
    );
    assert.equal(r.conversations[0]!.cases.length, 0);
  });

  test('rows need a name; including needs a counting window', () => {
    const r = load(`
  - id: fam.rows
    params: { p: [{ cut: 1 }] }
    steps:
      - { client: a, connect: {} }
      - { client: a, expect: { count: 1, match: { cmd: publish }, including: [{ qos: 1 }] } }
`);
    const text = r.problems.map((p) => p.message).join('\n');
    assert.match(text, /a row needs name:/);
    assert.match(text, /'including' needs a counting window|unknown count key 'including'/);
  });

  test('a 3.1 case cites only the 3.1.1 statements MQTT 3.1 also states', () => {
    const r = loadText(
      `version: "3.1"\ncases:\n  - id: v31.x\n    statements: [MQTT-3.1.3-5, MQTT-3.2.2-1]\n    steps: [{ client: a, connect: {} }]\n`,
      'scenarios/v31.yaml',
    );
    assert.deepEqual(
      r.problems.map((p) => p.message),
      ['MQTT-3.2.2-1 is not in the MQTT 3.1 statement list'],
    );
  });
});
