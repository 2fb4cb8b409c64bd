import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseThreshold } from './thresholds.ts';
import { loadProfileText } from './yaml.ts';

const GOOD = `kind: load
id: fan-in
title: Fan-in
version: '5.0'
groups:
  - name: sensors
    count: 100
    connect: { rate: 500/s, timeout: 5s }
    clientId: "s-{i}"
    clean: false
    keepAlive: 30
    publish: { topic: "tele/{i}/t", qos: 1, rate: 2/s, payload: { size: 80, template: '{"v":1}' } }
  - name: dash
    count: 2
    subscribe: [ "tele/+/t", { filter: "tele/#", qos: 1 } ]
  - name: workers
    count: 3
    subscribe: [ { filter: "$share/w/tele/+/t", qos: 1 } ]
phases:
  - { name: warm, type: ramp, duration: 2s, from: 10%, to: 100% }
  - { name: steady, duration: 5s }
  - { type: spike, duration: 1s, rate: 300% }
  - { type: reconnect-storm, duration: 2s, fraction: 50%, groups: [sensors], over: 1s }
thresholds:
  - deliver.intended.p99 < 20ms
  - deliver.actual.qos1.p99.9 <= 0.5s
  - delivered >= 99.9%
  - duplicates == 0
  - connect.failures == 0
  - throughput.delivered >= 1000/s
`;

describe('validateLoadProfile', () => {
  test('a complete profile becomes the model', () => {
    const { profile, problems } = loadProfileText(GOOD, 'good.yaml');
    assert.deepEqual(problems, []);
    assert.ok(profile);
    assert.equal(profile.id, 'fan-in');
    assert.equal(profile.groups.length, 3);
    const s = profile.groups[0]!;
    assert.equal(s.version, 5);
    assert.equal(s.clean, false);
    assert.equal(s.sessionExpiry, 3600);
    assert.equal(s.connect.rate, 500);
    assert.equal(s.connect.timeoutMs, 5000);
    assert.deepEqual(s.publish, {
      topic: 'tele/{i}/t',
      qos: 1,
      retain: false,
      payload: { size: 80, template: '{"v":1}' },
      ratePerClient: 2,
    });
    assert.deepEqual(profile.groups[1]!.subscribe, [
      { filter: 'tele/+/t', qos: 0 },
      { filter: 'tele/#', qos: 1 },
    ]);
    assert.equal(profile.groups[2]!.shareGroup, 'w');
    assert.equal(profile.durationMs, 10_000);
    assert.deepEqual(
      profile.phases.map((p) => [p.type, p.from, p.to]),
      [
        ['ramp', 0.1, 1],
        ['steady', 1, 1],
        ['spike', 3, 3],
        ['reconnect-storm', 1, 1],
      ],
    );
    assert.equal(profile.phases[3]!.fraction, 0.5);
    assert.deepEqual(
      profile.thresholds.map((t) => [t.metric, t.op, t.limit, t.unit, t.line]),
      [
        ['deliver.intended.p99', '<', 20, 'ms', 25],
        ['deliver.actual.qos1.p999', '<=', 500, 'ms', 26],
        ['delivered', '>=', 0.999, '%', 27],
        ['duplicates', '==', 0, '', 28],
        ['connect.failures', '==', 0, '', 29],
        ['throughput.delivered', '>=', 1000, '/s', 30],
      ],
    );
  });

  test('every problem is reported with line, column and field', () => {
    const text = `kind: load
id: bad profile
groups:
  - name: a
    count: 0
    colour: red
    publish: { topic: "x/+", qos: 3, rate: 10/s, totalRate: 5/s, payload: 4 }
  - name: a
    count: 2
    clientId: same
    subscribe: [ { filter: "a/#/b" }, { filter: "$share/g/x", qos: 1 } ]
phases:
  - { type: warp, duration: 1s }
  - { type: steady }
thresholds:
  - deliver.p99 < 2ms
  - delivered > 99
  - "p99 <"
`;
    const { profile, problems } = loadProfileText(text, 'bad.yaml');
    assert.equal(profile, undefined);
    const got = problems.map((p) => `${p.line}:${p.field}`);
    for (const want of [
      '2:id',
      '5:groups[0].count',
      '6:groups[0].colour',
      '7:groups[0].publish.topic',
      '7:groups[0].publish.qos',
      '7:groups[0].publish.totalRate',
      '7:groups[0].publish.payload',
      '8:groups[1].name',
      '10:groups[1].clientId',
      '11:groups[1].subscribe[0]',
      '11:groups[1].subscribe',
      '13:phases[0].type',
      '14:phases[1].duration',
      '16:thresholds[0]',
      '17:thresholds[1]',
      '18:thresholds[2]',
    ]) {
      assert.ok(got.includes(want), `missing ${want} in\n${got.join('\n')}`);
    }
    for (const p of problems) {
      assert.equal(p.file, 'bad.yaml');
      assert.ok(p.column >= 1);
    }
  });

  test('duration or phases, and at least one publisher', () => {
    const { problems } = loadProfileText(
      'kind: load\nid: x\ngroups:\n  - { count: 1, subscribe: [a] }\n',
      'x.yaml',
    );
    const msgs = problems.map((p) => p.message);
    assert.ok(msgs.some((m) => m.includes('duration')));
    assert.ok(msgs.some((m) => m.includes('no group publishes')));
  });

  test('YAML syntax errors carry a line', () => {
    const { problems } = loadProfileText('kind: load\nid: [x\n', 'y.yaml');
    assert.ok(problems.length > 0);
    assert.ok(problems[0]!.line >= 2);
  });
});

describe('parseThreshold', () => {
  test('units and metric names', () => {
    assert.deepEqual(parseThreshold('puback.max < 1s'), {
      expression: 'puback.max < 1s',
      metric: 'puback.max',
      op: '<',
      limit: 1000,
      unit: 'ms',
      line: 0,
    });
    assert.equal((parseThreshold('sendLag.p50 < 500us') as { limit: number }).limit, 0.5);
    assert.equal((parseThreshold('lost.qos1 <= 0.1%') as { limit: number }).limit, 0.001);
    assert.ok('error' in parseThreshold('throughput.delivered > 5ms'));
    assert.ok('error' in parseThreshold('connect.failures < 2%'));
    assert.ok('error' in parseThreshold('nonsense.p99 < 1ms'));
  });
});
