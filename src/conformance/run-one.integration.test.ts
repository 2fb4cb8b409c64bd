// One case against a real broker: repeat records every attempt; unmet requirements never reach the wire.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningBroker, startBroker } from '../../reference-broker/src/index.ts';
import { A, caseOf, step } from '../engine/testing/spec.ts';
import { DEFAULT_CAPABILITIES } from './capabilities.ts';
import { runOneCase } from './run-one.ts';

let broker: RunningBroker;
before(async () => {
  broker = await startBroker({ sysIntervalSeconds: 0 }, { log: () => {} });
});
after(async () => {
  await broker.close();
});

const target = () => ({
  brokerUrl: broker.listeners[0]!.url,
  label: 'reference',
  profile: {},
  caps: { ...DEFAULT_CAPABILITIES },
});

test('--repeat runs the case n times and records each outcome', async () => {
  const spec = caseOf([step('a', A.connect()), step('a', A.disconnect())]);
  const { result } = await runOneCase(spec, { ...target(), repeat: 3 });
  assert.equal(result.outcome, 'pass');
  assert.deepEqual(result.attempts, ['pass', 'pass', 'pass']);
  assert.equal(result.flaky, false);
  assert.ok(result.transcript.length > 0);
});

test('an unmet requirement is not applicable with its reason and an empty transcript', async () => {
  const spec = { ...caseOf([step('a', A.connect())]), requires: { maximumQoS: { $lte: 1 } } };
  const { result } = await runOneCase(spec, { ...target(), repeat: 3 });
  assert.equal(result.outcome, 'not-applicable');
  assert.match(result.reason ?? '', /maximumQoS/);
  assert.deepEqual(result.transcript, []);
  assert.equal(result.attempts, undefined);
});
