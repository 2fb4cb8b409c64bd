// A broker that sends a load subscriber a frame it must refuse (a Remaining Length with a fifth
// continuation byte, or one announcing 200 MB) gets the connection closed and an error counted: the
// client never waits for, or buffers, the announced bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EvilMode, startEvilBroker } from '../engine/testing/evil-broker.ts';
import { runLoad } from './index.ts';
import { profileFrom } from './testing.ts';

const cases: Array<[EvilMode, string]> = [
  ['suback-then-long-length', 'errors.inbound.malformed-length'],
  ['suback-then-huge', 'errors.inbound.too-large'],
];

for (const [mode, counter] of cases) {
  test(`load client: ${mode} closes the connection and counts ${counter}`, async () => {
    const evil = await startEvilBroker(mode);
    try {
      const profile = profileFrom(`kind: load
id: hostile-inbound
duration: 1s
drain: 200ms
groups:
  - { name: sub, count: 2, subscribe: [ "h/{run}" ] }
  - { name: pub, count: 1, publish: { topic: "h/{run}", qos: 0, rate: 10/s, payload: 32 } }
`);
      const before = process.memoryUsage().rss;
      const r = await runLoad(profile, { brokerUrl: `mqtt://127.0.0.1:${evil.port}`, workers: 1 });
      assert.equal(r.counters[counter], 2, JSON.stringify(r.counters));
      // nothing of the announced frame was held: the process did not grow by anything near 200 MB
      assert.ok(process.memoryUsage().rss - before < 100 * 1024 * 1024);
    } finally {
      await evil.stop();
    }
  });
}
