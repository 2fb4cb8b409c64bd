// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} references, not templates
// Language extensions against mosquitto: counting windows (ranged counts, expectAmong across clients),
// cleanup steps, and sendRaw with ${var}, str"..." and len(...). Cases come from YAML through the loader.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatProblems, loadText } from '../scenario/index.ts';
import type { CaseSpec } from '../scenario/model.ts';
import { mosquittoSkipReason, useMosquitto } from '../transport/testing/peers/mosquitto.ts';
import { type CaseRunOutcome, runCase } from './index.ts';

const skip = mosquittoSkipReason();

function cases(yaml: string): Map<string, CaseSpec> {
  const r = loadText(`version: "5.0"\ncases:\n${yaml}`, 'ext.yaml');
  assert.equal(formatProblems(r.problems), '');
  return new Map((r.conversations[0]?.cases ?? []).map((c) => [c.id, c]));
}

/** Steps: m1 and m2 connect and subscribe to `filter` at QoS 0, then the publisher p connects. */
function twoSubscribers(filter: string): string {
  const lines = ['m1', 'm2'].flatMap((c) => [
    `{ client: ${c}, connect: {} }`,
    `{ client: ${c}, subscribe: { topic: "${filter}", qos: 0 } }`,
  ]);
  return [...lines, '{ client: p, connect: {} }'].map((l) => `      - ${l}`).join('\n');
}

const CASES = cases(`
  - id: among.shared-once
    steps:
${twoSubscribers('$$share/g/${t}/a')}
      - { client: p, publish: { topic: "\${t}/a", payload: one } }
      - { expectAmong: { clients: [m1, m2], match: { cmd: publish, payload: one }, count: 1, within: 400ms, capture: { got: payload } } }
      - { client: p, publish: { topic: "\${t}/a", payload: "\${got}-again" } }
      - { expectAmong: { clients: [m1, m2], match: { cmd: publish, payload: one-again }, within: 400ms } }
  - id: among.plain-subscribers-both-get-it
    steps:
${twoSubscribers('${t}/a')}
      - { client: p, publish: { topic: "\${t}/a", payload: x } }
      - { expectAmong: { clients: [m1, m2], match: { cmd: publish, payload: x }, count: 1, within: 400ms } }
  - id: among.range-two
    steps:
${twoSubscribers('${t}/a')}
      - { client: p, publish: { topic: "\${t}/a", payload: x } }
      - { expectAmong: { clients: [m1, m2], match: { cmd: publish }, count: { $range: [2, 3] }, within: 300ms } }
  - id: among.unmatched-fails
    steps:
      - { client: m1, connect: {} }
      - { client: m1, subscribe: { topic: "\${t}/a", qos: 0 } }
      - { client: m2, connect: {} }
      - { client: p, connect: {} }
      - { client: p, publish: { topic: "\${t}/a", payload: other } }
      - { expectAmong: { clients: [m1, m2], match: { cmd: publish, payload: x }, count: { $lte: 1 }, within: 300ms } }
  - id: range.overlap-one-or-two
    steps:
      - { client: s, connect: {} }
      - { client: s, subscribe: { subscriptions: [{ topic: "\${t}/#", qos: 0 }, { topic: "\${t}/a", qos: 0 }] } }
      - { client: s, send: { cmd: pingreq } }
      - { client: s, publish: { topic: "\${t}/a", payload: o } }
      - { client: s, expect: { count: { $range: [1, 2] }, match: { cmd: publish, payload: o }, within: 300ms, skip: [pingresp] } }
      - { client: s, expectNothing: { for: 100ms } }
  - id: range.below-min
    steps:
      - { client: s, connect: {} }
      - { client: s, expect: { count: { $gte: 1 }, match: { cmd: publish }, within: 150ms } }
  - id: range.zero-allowed
    steps:
      - { client: s, connect: {} }
      - { client: s, expect: { count: { $range: [0, 1] }, match: { cmd: publish }, within: 150ms } }
  - id: cleanup.runs-after-failure
    steps:
      - { client: p, connect: {} }
      - { client: p, publish: { topic: "\${t}/r", qos: 1, retain: true, payload: kept } }
      - { client: p, expect: { cmd: publish } }
    cleanup:
      - { client: p, connect: {} }
      - { client: p, publish: { topic: "\${t}/r", qos: 1, retain: true, payload: "" } }
  - id: cleanup.check
    steps:
      - { client: s, connect: {} }
      - { client: s, subscribe: { topic: "\${profile.topic}", qos: 0 } }
      - { client: s, expectNothing: { for: 200ms } }
  - id: cleanup.failure-keeps-outcome
    steps:
      - { client: p, connect: {} }
    cleanup:
      - { client: p, connect: {} }
      - { client: p, expect: { cmd: publish }, timeout: 100ms }
  - id: raw.vars-str-len
    steps:
      - { client: s, connect: {} }
      - client: s
        sendRaw: |
          82 len(              # SUBSCRIBE
            00 07              # packet id
            len()              # no properties
            str"\${t}/raw" 00  # filter, QoS 0
          )
      - { client: s, expect: { cmd: suback, messageId: 7, granted: [0] } }
      - { client: p, connect: {} }
      - { client: p, publish: { topic: "\${t}/raw", payload: r } }
      - { client: s, expect: { cmd: publish, topic: "\${t}/raw", payload: r } }
`);

describe('language extensions against mosquitto', { skip }, () => {
  const m = useMosquitto();
  const run = (id: string, vars: Record<string, unknown> = {}): Promise<CaseRunOutcome> =>
    runCase(CASES.get(id)!, { brokerUrl: `mqtt://127.0.0.1:${m.tcp}`, vars });
  const events = (o: CaseRunOutcome): string[] =>
    o.transcript.filter((e) => e.dir === 'event').map((e) => String((e as { note?: unknown }).note));

  test('expectAmong: a shared subscription delivers to exactly one member; captures from it', async () => {
    const o = await run('among.shared-once');
    assert.equal(o.status, 'pass', o.reason);
    assert.equal(o.vars.got, 'one');
  });
  test('expectAmong: two copies for count 1 fail, naming the count per client', async () => {
    const o = await run('among.plain-subscribers-both-get-it');
    assert.equal(o.status, 'fail');
    assert.match(o.reason ?? '', /2 matching packets among m1, m2, expected exactly 1/);
    const actual = o.failure?.actual as { perClient?: unknown } | undefined;
    assert.deepEqual(actual?.perClient, { m1: 1, m2: 1 });
  });
  test('expectAmong: a range is met by one copy per client', async () => {
    const o = await run('among.range-two');
    assert.equal(o.status, 'pass', o.reason);
  });
  test('expectAmong: a packet that does not match fails the step', async () => {
    const o = await run('among.unmatched-fails');
    assert.equal(o.status, 'fail');
    assert.match(o.reason ?? '', /unexpected publish at m1 \(not counted: payload/);
  });
  test('ranged count: overlapping subscriptions may deliver one or two copies', async () => {
    const o = await run('range.overlap-one-or-two');
    assert.equal(o.status, 'pass', o.reason);
  });
  test('ranged count: fewer than the minimum fails at the end of the window; 0 may be allowed', async () => {
    const o = await run('range.below-min');
    assert.equal(o.status, 'fail');
    assert.match(o.reason ?? '', /0 matching packets within 150ms, expected at least 1/);
    assert.equal((await run('range.zero-allowed')).status, 'pass');
  });
  test('cleanup runs after a failing case and clears its retained message', async () => {
    const o = await run('cleanup.runs-after-failure');
    assert.equal(o.status, 'fail');
    assert.ok(events(o).includes('cleanup: done'), events(o).join('\n'));
    const topic = `${String(o.vars.t)}/r`;
    const check = await run('cleanup.check', { profile: { topic } });
    assert.equal(check.status, 'pass', `retained message left behind: ${check.reason}`);
  });
  test('a failing cleanup is a transcript event and does not change a passing outcome', async () => {
    const o = await run('cleanup.failure-keeps-outcome');
    assert.equal(o.status, 'pass', o.reason);
    assert.ok(
      events(o).some((e) => /^cleanup failed: p expect publish: no packet within 100ms/.test(e)),
      events(o).join('\n'),
    );
  });
  test('sendRaw: ${t} inside str"..." and an automatic length with len(...)', async () => {
    const o = await run('raw.vars-str-len');
    assert.equal(o.status, 'pass', o.reason);
  });
});
