// Each fault switch makes the broker misbehave in its one documented way (so the conformance
// suites can be shown to catch it); plus the no-link-stealing configuration.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type BrokerConfig, FAULT_NAMES, loadBrokerConfig, startBroker } from './index.ts';
import { pingFirst, rec } from './testing/fault-helpers.ts';
import { FAULT_SCENARIOS as scenarios } from './testing/fault-scenarios.ts';
import { RawClient } from './testing/support.ts';

/** Faults that only show under a non-default configuration (reference-broker/configs/<name>.yaml). */
const CONFIG: Record<string, string> = {
  'bad-password-accepted': 'auth',
  'publish-acl-ignored': 'auth',
  'will-qos-above-maximum-accepted': 'qos1',
  'maximum-qos-not-enforced': 'qos1',
  'retain-unavailable-accepted': 'qos1',
  'topic-alias-maximum-ignored': 'limits',
};

function configFor(name: string): Partial<BrokerConfig> {
  const file = CONFIG[name];
  if (!file) return {};
  const loaded = loadBrokerConfig(join(import.meta.dirname, '..', 'configs', `${file}.yaml`));
  if (!loaded.ok) throw new Error(`${file}.yaml: ${loaded.problems.map((p) => p.message).join('; ')}`);
  return loaded.config;
}

describe('fault switches', () => {
  test('every documented fault has a scenario here', () => {
    assert.deepEqual(Object.keys(scenarios).sort(), [...FAULT_NAMES].sort());
  });
  for (const [name, run] of Object.entries(scenarios)) {
    test(name, async () => {
      const b = await startBroker({ ...configFor(name), faults: [name], sysIntervalSeconds: 0 });
      try {
        await run(b.listeners[0]!.port);
      } finally {
        await b.close();
      }
    });
  }
});

describe('allowLinkStealing false', () => {
  test('the new connection is refused (0x80 / 2) and the old one stays (A14.2)', async () => {
    const b = await startBroker({ allowLinkStealing: false });
    const port = b.listeners[0]!.port;
    try {
      const [a] = await RawClient.connect(port, 5, { clientId: 'keep' });
      const [n, ack] = await RawClient.connect(port, 5, { clientId: 'keep' });
      assert.equal(rec(ack).reasonCode, 0x80);
      await n.waitClosed();
      const [n4, ack4] = await RawClient.connect(port, 4, { clientId: 'keep' });
      assert.equal(rec(ack4).returnCode, 2);
      await n4.waitClosed();
      assert.equal((await pingFirst(a)).cmd, 'pingresp');
    } finally {
      await b.close();
    }
  });
});
