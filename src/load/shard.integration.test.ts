// Two shards of one profile with a common start time: deterministic slicing, and results that merge exactly
// (ledger pairs across shards, encoded histograms).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeEncoded } from '../metrics/histogram.ts';
import { type LedgerRaw, mergeLedgerSummaries } from '../metrics/ledger.ts';
import { startLoadMosquitto } from '../transport/testing/peers/mosquitto.ts';
import { runLoad } from './index.ts';
import { needMosquitto, profileFrom } from './testing.ts';

test('shards 0/2 and 1/2 merge into the whole run', async (t) => {
  if (!needMosquitto(t)) return;
  const m = await startLoadMosquitto();
  try {
    const profile = profileFrom(`kind: load
id: sharded
duration: 1s
drain: 1s
groups:
  - { name: pubs, count: 5, publish: { topic: "sh/{run}/{i}", qos: 1, rate: 20/s, payload: 40 } }
  - { name: subs, count: 3, subscribe: [ { filter: "sh/{run}/+", qos: 1 } ] }
`);
    // a common start far enough ahead for both shards to start their worker threads on a loaded machine
    const startAt = Date.now() + 5000;
    const [a, b] = await Promise.all([
      runLoad(profile, { brokerUrl: m.url, workers: 0, shard: { index: 0, count: 2 }, startAt }),
      runLoad(profile, { brokerUrl: m.url, workers: 1, shard: { index: 1, count: 2 }, startAt }),
    ]);
    assert.ok(a && b);
    assert.equal(a.id, b.id);
    assert.equal(
      a.groups.reduce((s, g) => s + g.clients, 0) + b.groups.reduce((s, g) => s + g.clients, 0),
      8,
    );
    const sent = a.groups[0]!.sent + b.groups[0]!.sent;
    assert.equal(sent, 100);
    const merged = mergeLedgerSummaries([a.ledger, b.ledger] as Array<typeof a.ledger & { raw?: LedgerRaw }>);
    assert.ok(merged);
    assert.equal(merged.expected, 3 * sent);
    assert.equal(merged.lost, 0, JSON.stringify(merged.pairs));
    assert.equal(merged.duplicated, 0);
    assert.equal(merged.delivered, 3 * sent);
    const h = mergeEncoded([a.latency['deliver.intended']!.encoded, b.latency['deliver.intended']!.encoded]);
    assert.equal(h.totalCount, 3 * sent);
    assert.equal(mergeEncoded([a.latency.puback!.encoded, b.latency.puback!.encoded]).totalCount, sent);
  } finally {
    await m.stop();
  }
});
