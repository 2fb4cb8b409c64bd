// `fault:` steps: model, problems with file:line naming the field, and the JSON Schema agreeing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseByteRate } from './faults.ts';
import { loadCases as load, SCENARIO_SCHEMA as schema } from './testing/inline.ts';
import { validateSchema } from './testing/json-schema.ts';

describe('fault: steps', () => {
  test('names and mappings become the model; a fault may come before the first connect', () => {
    const { cases, problems } = load(`
  - id: a
    steps:
      - { client: c, fault: { type: latency, latency: 200ms, jitter: 20ms, direction: toClient } }
      - { client: c, connect: {} }
      - { client: c, fault: reset }
      - { client: c, fault: { type: blackhole, for: 2s } }
      - { client: c, fault: { type: bandwidth, rate: 2KiB/s } }
      - { client: c, fault: { type: slice, size: 3, delay: 1ms } }
      - { client: c, fault: { type: halfClose, side: client } }
      - { client: c, fault: { type: down, for: 500ms } }
      - { client: c, fault: heal }
`);
    assert.equal(problems, '');
    assert.deepEqual(
      cases[0]?.steps.map((s) => s.action),
      [
        { kind: 'fault', fault: { type: 'latency', latencyMs: 200, jitterMs: 20, direction: 'toClient' } },
        cases[0]?.steps[1]?.action,
        { kind: 'fault', fault: { type: 'reset' } },
        { kind: 'fault', fault: { type: 'blackhole', direction: 'both' }, forMs: 2000 },
        { kind: 'fault', fault: { type: 'bandwidth', bytesPerSec: 2048, direction: 'both' } },
        { kind: 'fault', fault: { type: 'slice', size: 3, delayMs: 1, direction: 'both' } },
        { kind: 'fault', fault: { type: 'halfClose', side: 'client' } },
        { kind: 'fault', fault: { type: 'down' }, forMs: 500 },
        { kind: 'fault', fault: { type: 'heal' } },
      ],
    );
  });

  test('every problem names the file, line and field', () => {
    const { problems } = load(`
  - id: b
    steps:
      - { client: c, connect: {} }
      - { client: c, fault: explode }
      - { client: c, fault: { type: reset, for: 1s } }
      - { client: c, fault: { type: latency } }
      - { client: c, fault: { type: bandwidth, rate: fast } }
      - { client: c, fault: { type: halfClose, side: both } }
      - { client: c, fault: { type: blackhole, direction: up, colour: red } }
      - { fault: reset }
`);
    for (const want of [
      'x.yaml:7:',
      'unknown fault type "explode"',
      'x.yaml:8:',
      "'for' applies to lasting faults only",
      'x.yaml:9:',
      "a latency fault needs 'latency'",
      'cases[0].steps[4].fault.rate',
      'cases[0].steps[5].fault.side',
      'cases[0].steps[6].fault.direction',
      "unknown field 'colour' for a blackhole fault",
      "'fault' needs a client",
    ])
      assert.ok(problems.includes(want), `missing ${want} in\n${problems}`);
  });

  test('byte rates', () => {
    assert.equal(parseByteRate('16kB/s'), 16000);
    assert.equal(parseByteRate('1MiB/s'), 1048576);
    assert.equal(parseByteRate(512), 512);
    assert.equal(parseByteRate('0B/s'), undefined);
    assert.equal(parseByteRate('16kb'), undefined);
  });

  test('the JSON Schema accepts and refuses the same', () => {
    const doc = (fault: unknown) => validateSchema(schema, { id: 'x', steps: [{ client: 'c', fault }] });
    assert.deepEqual(doc('reset'), []);
    assert.deepEqual(
      doc({ type: 'latency', latency: '100ms', jitter: '10ms', direction: 'both', for: '2s' }),
      [],
    );
    assert.deepEqual(doc({ type: 'bandwidth', rate: '16kB/s' }), []);
    assert.notDeepEqual(doc('explode'), []);
    assert.notDeepEqual(doc({ type: 'reset', for: '1s' }), []);
    assert.notDeepEqual(doc({ type: 'halfClose', side: 'both' }), []);
  });
});
