// The start-up warm-up talks to the broker's own listener and leaves no trace: no session, no
// subscription, no retained message, counters at zero; and it does not hold up a broker whose
// anonymous clients are refused.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBrokerConfig, startBroker } from './index.ts';

test('after the warm-up a fresh broker holds nothing and counts nothing', async () => {
  const b = await startBroker({ sysIntervalSeconds: 0 }, { log: () => {}, warmUp: true });
  try {
    const s = b.stats();
    assert.equal(s.connections, 0);
    assert.equal(s.sessions, 0);
    assert.equal(s.subscriptions, 0);
    assert.equal(s.retained, 0);
    assert.equal(s.messagesReceived, 0);
    assert.equal(s.packetsReceived, 0);
    assert.equal(s.bytesSent, 0);
  } finally {
    await b.close();
  }
});

test('the warm-up ends when the broker refuses anonymous clients (users file)', async () => {
  const loaded = loadBrokerConfig(join(import.meta.dirname, '..', 'configs', 'auth.yaml'));
  assert.ok(loaded.ok);
  const b = await startBroker(
    { ...loaded.config, listeners: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }], sysIntervalSeconds: 0 },
    { log: () => {}, warmUp: true },
  );
  try {
    assert.equal(b.stats().sessions, 0);
  } finally {
    await b.close();
  }
});

test('with trace on, the warm-up prints none of its own traffic (a user tracing a client sees only theirs)', async () => {
  const lines: string[] = [];
  const b = await startBroker(
    { sysIntervalSeconds: 0, trace: true },
    { log: (l) => lines.push(l), warmUp: true },
  );
  try {
    await new Promise((r) => setTimeout(r, 200)); // the warm-up's last closes, had any been left
    assert.deepEqual(lines.slice(0, 3), [], `${lines.length} lines logged by the warm-up`);
  } finally {
    await b.close();
  }
});
