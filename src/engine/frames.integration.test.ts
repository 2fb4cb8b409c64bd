// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} references, not templates
// `frame:` against the reference broker over ws: it closes on a TEXT frame (MQTT-6.0.0-1) and on an unmasked
// frame (its `ws` server, RFC 6455 section 5.1); a frame on a tcp connection is a run-time error naming the step.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningBroker, startBroker } from '../../reference-broker/src/index.ts';
import { formatProblems, loadText } from '../scenario/index.ts';
import type { CaseSpec } from '../scenario/model.ts';
import { type CaseRunOutcome, runCase } from './index.ts';
import { A, caseOf, step } from './testing/spec.ts';

function cases(yaml: string): Map<string, CaseSpec> {
  const r = loadText(`version: "5.0"\ncases:\n${yaml}`, 'frames.yaml');
  assert.equal(formatProblems(r.problems), '');
  return new Map((r.conversations[0]?.cases ?? []).map((c) => [c.id, c]));
}

const CASES = cases(`
  - id: text-connect
    clients: { a: { transport: ws } }
    steps:
      - { client: a, open: {} }
      - { client: a, send: { cmd: connect, frame: text } }
      - { client: a, expectClose: { within: 3s } }
  - id: unmasked-connect
    clients: { a: { transport: ws } }
    steps:
      - { client: a, open: {} }
      - { client: a, send: { cmd: connect, frame: unmasked } }
      - { client: a, expectClose: { within: 3s } }
  - id: text-publish-after-connect
    clients: { a: { transport: ws } }
    steps:
      - { client: a, connect: {} }
      - { client: a, sendRaw: { hex: '30 len(str"\${t}/x" 00 "text") # QoS 0 PUBLISH', frame: text } }
      - { client: a, expectClose: { within: 3s } }
  - id: binary-frame-is-the-default
    clients: { a: { transport: ws } }
    steps:
      - { client: a, connect: {} }
      - { client: a, sendRaw: { hex: "c0 00", frame: binary } }
      - { client: a, expect: { cmd: pingresp } }
  - id: text-not-utf8
    clients: { a: { transport: ws } }
    steps:
      - { client: a, connect: {} }
      - { client: a, sendRaw: { hex: "c0 00  # PINGREQ: 0xC0 is not UTF-8", frame: text } }
      - { client: a, expectClose: { within: 3s } }
`);

let broker: RunningBroker;
before(async () => {
  broker = await startBroker(
    {
      listeners: [
        { kind: 'tcp', host: '127.0.0.1', port: 0 },
        { kind: 'ws', host: '127.0.0.1', port: 0, path: '/mqtt' },
      ],
    },
    { log: () => {} },
  );
});
after(async () => {
  await broker.close();
});

const urlOf = (kind: string): string => broker.listeners.find((x) => x.kind === kind)!.url;
const run = (spec: CaseSpec): Promise<CaseRunOutcome> =>
  runCase(spec, { brokerUrl: urlOf('tcp'), wsUrl: urlOf('ws'), vars: {} });
const notes = (o: CaseRunOutcome): string[] =>
  o.transcript.map((e) => String((e as { note?: unknown }).note ?? ''));

describe('frame: against the reference broker over ws', () => {
  test('a CONNECT in a TEXT frame: the broker closes the connection', async () => {
    const o = await run(CASES.get('text-connect')!);
    assert.equal(o.status, 'pass', o.reason);
    assert.ok(notes(o).some((n) => n.includes('text frame')));
  });

  test('a CONNECT in an unmasked frame: the broker closes the connection', async () => {
    const o = await run(CASES.get('unmasked-connect')!);
    assert.equal(o.status, 'pass', o.reason);
    assert.ok(notes(o).some((n) => n.includes('unmasked frame')));
  });

  test('a PUBLISH in a TEXT frame after a good CONNECT: the broker closes the connection', async () => {
    const o = await run(CASES.get('text-publish-after-connect')!);
    assert.equal(o.status, 'pass', o.reason);
  });

  test('frame: binary is the default path', async () => {
    const o = await run(CASES.get('binary-frame-is-the-default')!);
    assert.equal(o.status, 'pass', o.reason);
  });

  test('a TEXT frame that is not UTF-8 is noted in the transcript', async () => {
    const o = await run(CASES.get('text-not-utf8')!);
    assert.equal(o.status, 'pass', o.reason);
    assert.ok(notes(o).some((n) => n.includes('not valid UTF-8')));
  });

  test('frame on a tcp connection (past validation): an error naming the step', async () => {
    const spec = caseOf(
      [
        step('a', A.connect()),
        step('a', { kind: 'sendRaw', hex: 'c0 00', frame: 'text' }, { label: 'text on tcp' }),
      ],
      { clients: { a: { transport: 'tcp' } } },
    );
    const o = await run(spec);
    assert.equal(o.status, 'error');
    assert.match(o.reason ?? '', /text on tcp/);
    assert.match(o.reason ?? '', /frame: text needs a WebSocket connection, but client a is on mqtt/);
  });
});
