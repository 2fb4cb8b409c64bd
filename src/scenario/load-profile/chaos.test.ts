import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadProfileText } from './yaml.ts';

const BASE = `kind: load
id: chaos
duration: 10s
groups:
  - name: pub
    count: 1
    publish: { topic: "t", qos: 1, rate: 10/s }
  - name: sub
    count: 2
    clientId: "s-{i}"
    subscribe: [ { filter: "t", qos: 1 } ]
`;

describe('load profile faults, restarts and reconnect', () => {
  test('a complete chaos section becomes the model', () => {
    const { profile, problems } = loadProfileText(
      `${BASE}faults:
  - { name: cuts, at: 1s, every: 200ms, until: 5s, groups: [sub], fraction: 50%, fault: reset }
  - { name: slow, at: 2s, for: 3s, groups: [sub], fault: { type: bandwidth, rate: 16kB/s, direction: toClient } }
  - { at: 6s, for: 1s, fault: { type: latency, latency: 100ms, jitter: 20ms } }
restarts:
  - { name: bounce, at: 4s, command: "systemctl restart mosquitto", timeout: 20s, wait: 30s }
`,
      'chaos.yaml',
    );
    assert.deepEqual(problems, []);
    assert.ok(profile);
    assert.deepEqual(profile.faults, [
      {
        name: 'cuts',
        fault: { type: 'reset' },
        atMs: 1000,
        fraction: 0.5,
        everyMs: 200,
        untilMs: 5000,
        groups: ['sub'],
      },
      {
        name: 'slow',
        fault: { type: 'bandwidth', bytesPerSec: 16000, direction: 'toClient' },
        atMs: 2000,
        fraction: 1,
        forMs: 3000,
        groups: ['sub'],
      },
      {
        name: 'fault3',
        fault: { type: 'latency', latencyMs: 100, jitterMs: 20, direction: 'both' },
        atMs: 6000,
        fraction: 1,
        forMs: 1000,
      },
    ]);
    assert.deepEqual(profile.restarts, [
      { name: 'bounce', atMs: 4000, command: 'systemctl restart mosquitto', timeoutMs: 20000, waitMs: 30000 },
    ]);
    // Targeted groups reconnect by default, as a real client would after a cut.
    assert.deepEqual(
      profile.groups.map((g) => [g.name, g.reconnect.enabled]),
      [
        ['pub', true],
        ['sub', true],
      ],
    );
  });

  test('reconnect: defaults follow clean; explicit values win', () => {
    const text = BASE.replace(
      '    count: 2\n',
      '    count: 2\n    clean: false\n    reconnect: { backoff: 20ms, max: 1s }\n',
    );
    const { profile, problems } = loadProfileText(text, 'r.yaml');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      profile?.groups.map((g) => g.reconnect),
      [
        { enabled: false, backoffMs: 100, maxMs: 5000 },
        { enabled: true, backoffMs: 20, maxMs: 1000 },
      ],
    );
  });

  test('every problem is reported with its line and field', () => {
    const { problems } = loadProfileText(
      `${BASE}faults:
  - { at: 1s, groups: [nope], fault: { type: explode } }
  - { at: 1s, for: 2s, fault: reset }
  - { at: 1s, fault: { type: bandwidth } }
  - { at: 20s, fault: { type: blackhole, direction: sideways } }
  - { at: 1s, until: 2s, fault: down }
  - { at: 1s, fault: { type: slice, size: 0 } }
restarts:
  - { at: 1s }
  - { at: 1s, command: "x", timeout: soon }
`,
      'bad.yaml',
    );
    const got = problems.map((p) => `${p.line} ${p.field}: ${p.message}`);
    const expect = [
      '13 faults[0].fault.type: unknown fault type "explode"',
      "13 faults[0].groups[0]: no group named 'nope'",
      "14 faults[1].for: 'for' applies to lasting faults only (latency, bandwidth, slice, blackhole, down)",
      "15 faults[2].fault: a bandwidth fault needs 'rate' above 0",
      '16 faults[3].fault.direction: direction must be one of toBroker | toClient | both',
      '16 faults[3].at: at 20000 ms is not before the end of publishing (10000 ms)',
      "17 faults[4].until: 'until' goes with 'every'",
      '18 faults[5].fault.size: slice size is a whole number of bytes from 1 to 65536',
      '20 restarts[0].command: required field is missing',
      '21 restarts[1].timeout: expected a duration like 500ms, 10s or 5m, got string "soon"',
    ];
    for (const e of expect) assert.ok(got.includes(e), `missing: ${e}\ngot:\n${got.join('\n')}`);
    assert.equal(got.length, expect.length, got.join('\n'));
  });
});
