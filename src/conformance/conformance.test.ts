import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { caseOf } from '../engine/testing/spec.ts';
import type { CaseResult, Outcome } from '../results/model.ts';
import type { CaseSpec } from '../scenario/model.ts';
import { compareWithBaseline, loadBaseline, movedAgainst } from './baseline.ts';
import { DEFAULT_CAPABILITIES } from './capabilities.ts';
import { computeCoverage } from './coverage.ts';
import { loadProfile } from './profile.ts';
import { satisfies, unmetRequirement } from './requirements.ts';
import { globToRegExp, selectCases } from './select.ts';

function spec(id: string, over: Partial<CaseSpec> = {}): CaseSpec {
  return {
    ...caseOf([], { id, version: '5.0' }),
    area: 'publish',
    statements: ['MQTT-3.3.1-1'],
    loc: { file: 'x.yaml', line: 1, column: 1 },
    ...over,
  };
}

function result(id: string, outcome: Outcome): CaseResult {
  return {
    id,
    baseId: id,
    title: id,
    area: 'a',
    version: '5.0',
    level: 'must',
    statements: ['MQTT-3.3.1-1'],
    broker: 'b',
    outcome,
    durationMs: 1,
    transcript: [],
  };
}

test('requirements: capabilities, predicates, profile keys and the implicit version requirement', () => {
  const caps = { ...DEFAULT_CAPABILITIES, receiveMaximum: 20, mqtt5: true };
  assert.equal(
    unmetRequirement(spec('a', { requires: { receiveMaximum: { $lte: 50 } } }), caps, {}),
    undefined,
  );
  assert.match(
    unmetRequirement(spec('a', { requires: { receiveMaximum: { $lte: 10 } } }), caps, {}) ?? '',
    /receiveMaximum is 20/,
  );
  assert.match(
    unmetRequirement(spec('a', { requires: { profile: { linkStealing: false } } }), caps, {
      linkStealing: true,
    }) ?? '',
    /profile linkStealing/,
  );
  assert.equal(
    unmetRequirement(spec('a', { requires: { profile: { auth: true } } }), caps, { auth: { username: 'u' } }),
    undefined,
  );
  assert.match(unmetRequirement(spec('a'), { ...caps, mqtt5: false }, {}) ?? '', /MQTT 5.0/);
  // 3.1 cases need a broker that accepted the MQIsdp probe; 3.1.1 and 5.0 cases do not
  const v31 = spec('a', { version: '3.1' });
  assert.match(unmetRequirement(v31, { ...caps, mqtt31: false }, {}) ?? '', /MQTT 3\.1 \(MQIsdp/);
  assert.equal(unmetRequirement(v31, { ...caps, mqtt311: false }, {}), undefined);
  assert.equal(unmetRequirement(spec('a', { version: '3.1.1' }), { ...caps, mqtt31: false }, {}), undefined);
  assert.match(
    unmetRequirement(
      spec('a', { clients: { w: { version: undefined, clientId: undefined, transport: 'ws' } } }),
      caps,
      {},
    ) ?? '',
    /WebSocket/,
  );
  assert.ok(satisfies(3, { $range: [1, 3] }));
  assert.ok(!satisfies(undefined, { $present: true }));
  assert.ok(satisfies(undefined, { $absent: true }));
});

test('selection by version, level and glob on id or statement', () => {
  const cases = [
    spec('publish.qos1', { statements: ['MQTT-4.3.2-1'] }),
    spec('connect.flags', { area: 'connect', level: 'should', statements: ['MQTT-3.1.2-3'] }),
    spec('topics.x', { version: '3.1.1', level: 'may' }),
  ];
  const ids = (sel: Parameters<typeof selectCases>[1]) => selectCases(cases, sel).map((c) => c.id);
  assert.deepEqual(ids({ versions: ['5.0'], areas: [], only: [], level: 'all' }), [
    'publish.qos1',
    'connect.flags',
  ]);
  assert.deepEqual(ids({ versions: ['5.0', '3.1.1'], areas: [], only: [], level: 'must' }), ['publish.qos1']);
  assert.deepEqual(ids({ versions: ['5.0'], areas: [], only: ['MQTT-3.1.2-*'], level: 'all' }), [
    'connect.flags',
  ]);
  assert.deepEqual(ids({ versions: ['5.0'], areas: ['connect'], only: [], level: 'all' }), ['connect.flags']);
  assert.ok(globToRegExp('publish.*').test('publish.qos1[qos=1]'));
  assert.ok(!globToRegExp('pub?ish').test('publiish'));
});

test('baseline: new failures and worse outcomes move against it, better ones do not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-baseline-'));
  writeFileSync(
    join(dir, 'a.yaml'),
    '- { case: known.fail, statement: MQTT-3.3.1-1, outcome: fail, kind: deviation, why: "broker sends X" }\n- { case: known.ns, outcome: non-strict, kind: variation, why: "allowed" }\n',
  );
  const { entries, problems } = loadBaseline(dir);
  assert.deepEqual(problems, []);
  assert.equal(entries.length, 2);
  const ok = compareWithBaseline(
    [result('known.fail', 'fail'), result('x', 'pass'), result('known.ns', 'pass')],
    entries,
  );
  assert.equal(movedAgainst(ok), false);
  assert.equal(ok.better.length, 1);
  const bad = compareWithBaseline([result('known.ns', 'fail'), result('new', 'error')], entries);
  assert.equal(movedAgainst(bad), true);
  assert.deepEqual(
    bad.unexpected.map((r) => r.id),
    ['new'],
  );
  assert.deepEqual(
    bad.worse.map((w) => w.result.id),
    ['known.ns'],
  );
});

test('baseline entries with a version match only cases of that version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-baseline-'));
  writeFileSync(
    join(dir, 'v.yaml'),
    '- { case: same.id, version: "3.1.1", outcome: fail, kind: deviation, why: "3.1.1 only" }\n',
  );
  const { entries } = loadBaseline(dir);
  const v311 = { ...result('same.id', 'fail'), version: '3.1.1' as const };
  const v5 = result('same.id', 'fail');
  const cmp = compareWithBaseline([v311, v5], entries);
  assert.equal(cmp.matched, 1);
  assert.deepEqual(
    cmp.unexpected.map((r) => r.version),
    ['5.0'],
  );
});

test('baseline problems name file, line and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-baseline-'));
  writeFileSync(
    join(dir, 'b.yaml'),
    '- { case: a, outcome: fail, kind: deviation, why: ok }\n- { case: b, outcome: broken, kind: nope }\n',
  );
  const { problems } = loadBaseline(dir);
  assert.deepEqual(
    problems.map((p) => [p.line, p.field]),
    [
      [2, '[1].outcome'],
      [2, '[1].kind'],
      [2, '[1].why'],
    ],
  );
});

test('profile: unknown keys and wrong types are all reported with lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-profile-'));
  const f = join(dir, 'p.yaml');
  writeFileSync(f, 'linkStealing: maybe\nauth: { username: u, pasword: x }\nbogus: 1\n');
  const { problems } = loadProfile(f);
  assert.deepEqual(
    problems.map((p) => [p.line, p.field]),
    [
      [1, 'linkStealing'],
      [2, 'auth.pasword'],
      [3, 'bogus'],
    ],
  );
});

test('coverage counts a statement covered when a case of its version cites it', () => {
  const cov = computeCoverage([
    spec('a', { statements: ['MQTT-3.3.1-1'] }),
    spec('b', { version: '3.1.1', statements: ['MQTT-3.1.0-1'] }),
  ]);
  const v5 = cov.find((c) => c.version === '5.0');
  const v311 = cov.find((c) => c.version === '3.1.1');
  assert.ok(v5 && v311);
  assert.deepEqual(v5.cases['MQTT-3.3.1-1'], ['a']);
  assert.equal(v5.cases['MQTT-3.1.0-1'], undefined);
  assert.deepEqual(v311.cases['MQTT-3.1.0-1'], ['b']);
  assert.ok(v5.yes.total > 100 && v5.yes.uncovered.length === v5.yes.total - v5.yes.covered);
});
