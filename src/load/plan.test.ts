import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadProfileText } from '../scenario/load-profile/yaml.ts';
import { applyOverrides, clientsOf, expectedPairs, makePlan } from './plan.ts';

const TEXT = `kind: load
id: p
duration: 10s
groups:
  - { name: sensors, count: 10, clientId: "s-{i}", publish: { topic: "t/{i}", qos: 1, totalRate: 100/s } }
  - { name: dash, count: 2, subscribe: [ "t/+" ] }
  - { name: pair, count: 3, clientId: "p-{run}-{i}", subscribe: [ { filter: "t/{i}", qos: 2 } ] }
  - { name: workers, count: 4, subscribe: [ "$share/w/t/#" ] }
`;

function profile() {
  const { profile, problems } = loadProfileText(TEXT, 'p.yaml');
  assert.deepEqual(problems, []);
  return profile!;
}

describe('plan', () => {
  test('shards and workers slice the clients deterministically, disjoint and complete', () => {
    const plan = makePlan(profile(), 'r1');
    const all = clientsOf(plan, { index: 0, count: 1 }).map((c) => c.n);
    assert.deepEqual(all, [...Array(19).keys()]);
    const seen: number[] = [];
    for (let s = 0; s < 3; s++) {
      for (let w = 0; w < 2; w++)
        seen.push(...clientsOf(plan, { index: s, count: 3 }, { index: w, count: 2 }).map((c) => c.n));
    }
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      all,
    );
    assert.deepEqual(
      clientsOf(makePlan(profile(), 'r1'), { index: 1, count: 3 }).map((c) => c.clientId),
      clientsOf(plan, { index: 1, count: 3 }).map((c) => c.clientId),
    );
    assert.equal(clientsOf(plan, { index: 0, count: 1 })[10]?.clientId, 'crucible-r1-dash-0');
    assert.equal(clientsOf(plan, { index: 0, count: 1 })[12]?.clientId, 'p-r1-0');
  });

  test('expected pairs follow topic matching; a $share group is one stream', () => {
    const plan = makePlan(profile(), 'r');
    assert.equal(plan.streamCount, 2 + 3 + 1);
    const { pairs } = expectedPairs(plan);
    // dashboards: 10 each; pairs: one each (t/0, t/1, t/2) at min(1, 2) = 1; shared group: 10
    assert.equal(pairs.length, 20 + 3 + 10);
    assert.deepEqual(
      pairs.filter((p) => p.stream >= 2 && p.stream < 5),
      [
        { pub: 0, stream: 2, qos: 1 },
        { pub: 1, stream: 3, qos: 1 },
        { pub: 2, stream: 4, qos: 1 },
      ],
    );
    assert.ok(pairs.filter((p) => p.stream === 0).every((p) => p.qos === 0));
    assert.deepEqual(plan.ratePerClient, [10, 0, 0, 0]);
  });

  test('overrides scale clients, set the total rate and stretch the phases', () => {
    const p = applyOverrides(profile(), { clients: 38, rate: 400, durationMs: 20_000 });
    assert.deepEqual(
      p.groups.map((g) => g.count),
      [20, 4, 6, 8],
    );
    assert.equal(p.groups[0]?.publish?.totalRate, 400);
    assert.equal(p.durationMs, 20_000);
    assert.equal(p.phases[0]?.durationMs, 20_000);
  });
});
