// No case that cannot fail: the strict checker's rules that hold on every case catch a broker fault even in cases
// that do not look at the faulty part themselves (no payload matcher, no wait for the close).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CaseResult } from '../results/model.ts';
import { loadText } from '../scenario/index.ts';
import { startReference } from '../transport/testing/peers/reference.ts';
import { conformAgainst } from './testing/reference.ts';

/** s subscribes at QoS 0, p publishes hello at QoS 0, s expects it (matching only the topic). */
const QOS0_DELIVERY = `      - { client: s, connect: {} }
      - { client: s, subscribe: { topic: "\${t}/a", qos: 0 } }
      - { client: p, connect: {} }
      - { client: p, publish: { topic: "\${t}/a", qos: 0, payload: hello } }
      - { client: s, expect: { cmd: publish, topic: "\${t}/a" } }`;

const CASES = `
cases:
  - id: rules.qos0-delivery-topic-only
    version: "3.1.1"
    statements: [MQTT-2.3.1-5]
    steps:
${QOS0_DELIVERY}
  - id: rules.qos0-delivery-topic-only-v5
    version: "5.0"
    statements: [MQTT-2.2.1-2]
    steps:
${QOS0_DELIVERY}
  - id: rules.refused-connack-only
    version: "3.1"
    statements: [MQTT-3.2.2-5]
    steps:
      - { client: a, connect: { clientId: "\${cid}abcdefghijklmnopqrstuvwxyz", connack: { returnCode: 2 } } }
      - { wait: 300ms }
`;

async function run(faults: string[]): Promise<Map<string, CaseResult>> {
  const { conversations, problems } = loadText(CASES, 'scenarios/checker-rules.yaml');
  assert.deepEqual(problems, []);
  const target = await startReference('default', faults);
  try {
    const results = await conformAgainst(target, 'reference-default', conversations[0]!.cases);
    return new Map(results.map((r) => [r.id, r]));
  } finally {
    await target.broker.close();
  }
}

const statementsOf = (r: CaseResult | undefined): string[] => (r?.findings ?? []).map((f) => f.statement);

describe('strict checker rules on every case', () => {
  test('a healthy broker passes the cases', async () => {
    const r = await run([]);
    for (const c of r.values()) assert.equal(c.outcome, 'pass', `${c.id}: ${c.failure?.message ?? ''}`);
  });

  test('a QoS 0 delivery carrying a Packet Identifier fails a case that matches only the topic', async () => {
    const r = await run(['qos0-packet-id']);
    for (const [id, statement] of [
      ['rules.qos0-delivery-topic-only', 'MQTT-2.3.1-5'],
      ['rules.qos0-delivery-topic-only-v5', 'MQTT-2.2.1-2'],
    ] as const) {
      assert.equal(r.get(id)?.outcome, 'fail', id);
      assert.ok(statementsOf(r.get(id)).includes(statement), `${id}: ${JSON.stringify(r.get(id)?.findings)}`);
    }
  });

  test('a packet after a refusing CONNACK fails a case that does not wait for the close', async () => {
    const r = await run(['packet-after-refusal']);
    const c = r.get('rules.refused-connack-only');
    assert.equal(c?.outcome, 'fail');
    assert.ok(statementsOf(c).includes('MQTT-3.2.2-5'), JSON.stringify(c?.findings));
  });
});
