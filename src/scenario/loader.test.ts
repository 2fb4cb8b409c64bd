// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} syntax under test
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatProblems, loadFiles, loadText } from './index.ts';
import type { CaseSpec, Step } from './model.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fx = (name: string) => join(here, 'fixtures', name);

function tmpYaml(text: string, name = 'case.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-scn-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function byId(cases: CaseSpec[], id: string): CaseSpec {
  const c = cases.find((x) => x.id === id);
  assert.ok(c, `no case ${id}; have ${cases.map((x) => x.id).join(', ')}`);
  return c;
}

describe('loadFiles: good files', () => {
  test('fixtures load without problems', async () => {
    const r = await loadFiles([fx('good.yaml'), fx('single.yaml')]);
    assert.equal(formatProblems(r.problems), '');
    assert.equal(r.conversations.length, 2);
  });

  test('param loops: cartesian, sorted keys, id suffix, values substituted', async () => {
    const { conversations } = await loadFiles([fx('good.yaml')]);
    const cases = conversations[0]!.cases;
    const loop = cases.filter((c) => c.baseId === 'publish.qos.loop');
    assert.deepEqual(
      loop.map((c) => c.id),
      [
        'publish.qos.loop[qos=0,retain=false]',
        'publish.qos.loop[qos=0,retain=true]',
        'publish.qos.loop[qos=1,retain=false]',
        'publish.qos.loop[qos=1,retain=true]',
        'publish.qos.loop[qos=2,retain=false]',
        'publish.qos.loop[qos=2,retain=true]',
      ],
    );
    const c = byId(cases, 'publish.qos.loop[qos=2,retain=true]');
    assert.deepEqual(c.params, { qos: 2, retain: true });
    assert.equal(c.title, 'QoS 2 round trip');
    const pub = c.steps.find((s) => s.action.kind === 'publish')!;
    assert.deepEqual(pub.action, {
      kind: 'publish',
      packet: { cmd: 'publish', topic: '${t}/a', qos: 2, retain: true, payload: 'hi', messageId: 7 },
      ack: true,
    });
  });

  test('file defaults apply; case values win', async () => {
    const { conversations } = await loadFiles([fx('good.yaml')]);
    const cases = conversations[0]!.cases;
    const c = byId(cases, 'publish.qos.loop[qos=0,retain=false]');
    assert.equal(c.area, 'publish');
    assert.equal(c.version, '5.0');
    assert.equal(c.level, 'must');
    assert.equal(c.defaultTimeoutMs, 3000);
    assert.equal(byId(cases, 'publish.misc').level, 'should');
  });

  test('version list loops like a param named version', async () => {
    const { conversations } = await loadFiles([fx('good.yaml')]);
    const cases = conversations[0]!.cases.filter((c) => c.baseId === 'publish.versions');
    assert.deepEqual(
      cases.map((c) => [c.id, c.version]),
      [
        ['publish.versions[version=3.1.1]', '3.1.1'],
        ['publish.versions[version=5.0]', '5.0'],
      ],
    );
    assert.deepEqual(
      cases.map((c) => c.clients.sub?.version),
      ['3.1.1', '5.0'],
    );
  });

  test('fragments are inlined with their with-vars, nested uses included', async () => {
    const { conversations } = await loadFiles([fx('good.yaml')]);
    const cases = conversations[0]!.cases;
    const loop = byId(cases, 'publish.qos.loop[qos=1,retain=false]');
    assert.equal(loop.steps[0]!.action.kind, 'connect');
    assert.deepEqual(loop.steps[1]!.action, {
      kind: 'subscribe',
      packet: { cmd: 'subscribe', subscriptions: [{ topic: '${t}/#', qos: 1 }] },
      suback: undefined,
    });
    // the inlined step points at the fragment's line
    assert.equal(loop.steps[1]!.loc.line, 9);
    const v = byId(cases, 'publish.versions[version=5.0]');
    assert.deepEqual(
      v.steps.slice(0, 3).map((s) => [s.client, s.action.kind]),
      [
        ['sub', 'connect'],
        ['sub', 'subscribe'],
        ['pub', 'connect'],
      ],
    );
  });

  test('step details: raw hex, matcher, expectClose codes, parallel, timeouts', async () => {
    const { conversations } = await loadFiles([fx('good.yaml')]);
    const cases = conversations[0]!.cases;
    const v = byId(cases, 'publish.versions[version=3.1.1]');
    const raw = v.steps.find((s) => s.action.kind === 'sendRaw')!;
    assert.match((raw.action as { hex: string }).hex, /e0 00/);
    const m = byId(cases, 'publish.misc');
    const close = m.steps.find((s) => s.action.kind === 'expectClose')!.action;
    assert.deepEqual(close, {
      kind: 'expectClose',
      withinMs: 2000,
      disconnect: 'optional',
      reasonCodes: [0x81, 0x82],
      allowPackets: false,
    });
    const par = m.steps.find((s) => s.action.kind === 'parallel')!.action as { branches: Step[][] };
    assert.equal(par.branches.length, 2);
    assert.deepEqual(
      par.branches[1]!.map((s) => s.action.kind),
      ['connect', 'barrier', 'unsubscribe'],
    );
    const both = m.steps.find((s) => s.label === 'both arrive')!;
    assert.equal(both.timeoutMs, 1000);
    assert.deepEqual(m.clients, { a: { version: '3.1.1', clientId: undefined, transport: 'ws' } });
    assert.deepEqual(m.requires, { maximumQoS: 2, profile: { linkStealing: true } });
    const expect = v.steps.find((s) => s.action.kind === 'expect')!.action;
    assert.deepEqual(expect, {
      kind: 'expect',
      matcher: { cmd: 'puback', messageId: 3, capture: { ackId: 'messageId' } },
      skip: [],
    });
  });

  test('loadText: an in-memory document', () => {
    const r = loadText('id: mem\nsteps: [{ client: a, connect: {} }, { client: a, wat: 1 }]\n', '<embedded>');
    assert.equal(r.conversations[0]!.cases[0]!.id, 'mem');
    assert.deepEqual(
      r.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.field}`),
      ['<embedded>:2:50 steps[1].wat'],
    );
  });

  test('single-case file', async () => {
    const { conversations, problems } = await loadFiles([fx('single.yaml')]);
    assert.deepEqual(problems, []);
    const c = conversations[0]!.cases[0]!;
    assert.equal(c.id, 'single.case');
    assert.equal(c.version, '3.1.1');
    assert.equal(c.area, 'single');
  });
});

describe('loadFiles: problems', () => {
  test('a bad file reports every problem with its line and field', async () => {
    const { problems } = await loadFiles([fx('bad.yaml')]);
    const got = problems.map((p) => `${p.line}:${p.column} ${p.field}`);
    assert.deepEqual(got, [
      '1:10 version',
      '2:1 levl',
      '5:20 fragments.pre[0].conect',
      '6:3 fragments.unused',
      '11:12 cases[0].level',
      '12:18 cases[0].statements[0]',
      '15:35 cases[0].steps[1].send.cmd',
      '16:36 cases[0].steps[2].sendRaw',
      '17:22 cases[0].steps[3].frobnicate',
      '18:11 cases[0].steps[4].client',
      '19:44 cases[0].steps[5].expectNothing.for',
      '20:88 cases[0].steps[6].sendMutated.mutate[0].op',
      '21:58 cases[0].steps[7].expect.messageId.$between',
      '22:40 cases[0].steps[8].publish.topic',
      '23:14 cases[0].steps[9].use',
      '24:9 cases[0].steps[10].client',
      '25:9 cases[1].id',
      '28:18 cases[1].statements[0]',
      '34:14 cases[2].timeout',
      '35:20 cases[2].params.qos',
      '37:44 cases[2].steps[0].connect.keepalive',
      '38:40 cases[2].steps[1].publish.topic',
      '38:48 cases[2].steps[1].publish.qos',
    ]);
    for (const p of problems) assert.equal(p.file, fx('bad.yaml'));
    const text = formatProblems(problems);
    assert.match(text, /bad\.yaml:2:1: levl: unknown file key 'levl' \(did you mean 'level'\?\)/);
    assert.match(text, /unknown packet type 'publsh' \(did you mean 'publish'\?\)/);
    assert.match(text, /MQTT-1\.5\.3-1 is an MQTT 3\.1\.1 statement, but this case is version 5\.0/);
    assert.match(text, /unknown variable \$\{nosuch\}/);
    assert.match(text, /undefined fragment 'missing'/);
    assert.match(text, /version must be a quoted string.*write version: "5\.0"/);
  });

  test('fragment cycles are reported, not followed', async () => {
    const { problems } = await loadFiles([fx('cycle.yaml')]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /fragment cycle: a -> b -> a/);
  });

  test('YAML syntax errors carry their position', async () => {
    // written at test time: a broken YAML file in the tree would trip the repo-wide formatter
    const f = tmpYaml(
      'version: "5.0"\ncases:\n  - id: x\n    steps: [ { client: a, connect: {} }\n',
      'syntax.yaml',
    );
    const { problems } = await loadFiles([f]);
    assert.ok(problems.length >= 1);
    assert.match(problems[0]!.message, /^YAML syntax error/);
    assert.ok(problems[0]!.line >= 4);
  });

  test('missing file is a problem naming it', async () => {
    const { problems } = await loadFiles(['/nonexistent/x.yaml']);
    assert.deepEqual(
      problems.map((p) => [p.file, p.message]),
      [['/nonexistent/x.yaml', 'file not found']],
    );
  });

  test('duplicate ids across files', async () => {
    const a = tmpYaml('id: dup.case\nversion: "5.0"\nsteps: [{ client: a, connect: {} }]\n', 'a.yaml');
    const b = tmpYaml(
      'cases:\n  - id: dup.case\n    version: "5.0"\n    steps: [{ client: a, connect: {} }]\n',
      'b.yaml',
    );
    const { problems } = await loadFiles([a, b]);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.file, b);
    assert.equal(problems[0]!.line, 2);
    assert.match(problems[0]!.hint ?? '', new RegExp(`${a}:1`));
  });

  test('variables: captures, set vars, params, client names, namespaces are known', async () => {
    const f = tmpYaml(`
version: "5.0"
cases:
  - id: vars.ok
    params: { n: [1] }
    requires: { maximumQoS: { $gte: "\${n}" }, receiveMaximum: "\${nope}" }
    steps:
      - { client: a, connect: { clientId: "\${client.a}", username: "\${profile.auth.username}" } }
      - { client: a, expect: { cmd: connack, capture: { got: reasonCode } } }
      - { set: { mine: 1 } }
      - { client: a, publish: { topic: "\${t}/\${got}/\${mine}/\${n}/\${cap.maximumQoS}/\${cid}", qos: 0 } }
      - { client: a, publish: { topic: "\${client.zzz}/\${profile}/\${a b}/$\${x}", qos: 0 } }
`);
    const { problems } = await loadFiles([f]);
    assert.deepEqual(
      problems.map((p) => `${p.line} ${p.message}`),
      [
        '6 unknown variable ${nope}',
        "12 ${client.zzz}: no client named 'zzz' in this case",
        '12 ${profile} needs a field, e.g. ${profile.auth.username}',
        "12 '${a b}' is not a variable name",
      ],
    );
  });

  test('clients: use before open (also inside a parallel branch) and unused declarations', async () => {
    const f = tmpYaml(`
version: "5.0"
cases:
  - id: clients.case
    clients: { a: {}, typo: {}, idonly: { clientId: fixed } }
    steps:
      - { client: a, connect: {} }
      - parallel:
          - - { client: b, connect: {} }
          - - { client: b, expect: { cmd: publish } }
      - { client: b, disconnect: {} }
      - { client: a, publish: { topic: "\${t}/\${client.idonly}", qos: 0 } }
`);
    const { problems } = await loadFiles([f]);
    assert.deepEqual(
      problems.map((p) => `${p.line} ${p.field}`),
      ['5 cases[0].clients.typo', '10 cases[0].steps[1].parallel[1][0].client'],
    );
  });

  test('suite files need area, title, statements and a version matching the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crucible-suite-'));
    const file = join(dir, 'suites', 'mqtt-3.1.1', 'x.yaml');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      'cases:\n  - id: s.case\n    version: "5.0"\n    steps: [{ client: a, connect: {} }]\n',
    );
    const { problems } = await loadFiles([file]);
    const msgs = problems.map((p) => p.message);
    assert.ok(msgs.includes('suite cases need a title'), msgs.join('\n'));
    assert.ok(msgs.some((m) => m.startsWith('suite cases need an area')));
    assert.ok(msgs.some((m) => m.startsWith('suite cases need statements')));
    assert.ok(msgs.some((m) => m.includes('in a suites/mqtt-3.1.1 file')));
  });

  test('kind: load goes to the load-profile validator', async () => {
    const f = tmpYaml('kind: load\nid: lp\n');
    const r = await loadFiles([f]);
    assert.equal(r.conversations.length, 0);
    // whatever the load validator says about this incomplete profile is reported with this file
    assert.ok(r.problems.length > 0);
    for (const p of r.problems) assert.equal(p.file, f);
  });

  test('properties on packets sent by a 3.x client are reported', async () => {
    const f = tmpYaml(`version: "3.1.1"
cases:
  - id: props
    clients: { five: { version: "5.0" } }
    steps:
      - { client: a, connect: { properties: { sessionExpiryInterval: 10 } } }
      - { client: five, connect: { properties: { sessionExpiryInterval: 10 } } }
      - { client: a, publish: { topic: t, qos: 0, properties: { contentType: x } } }
`);
    const { problems } = await loadFiles([f]);
    assert.deepEqual(
      problems.map((p) => `${p.line} ${p.field}`),
      ['6 cases[0].steps[0].connect.properties', '8 cases[0].steps[2].publish.properties'],
    );
    assert.match(problems[0]!.message, /MQTT 5\.0 only, but client 'a' speaks 3\.1\.1/);
  });

  test('requires values and barriers are checked', async () => {
    const f = tmpYaml(`
id: req
requires: { maximumQoS: 3, retainAvailable: yes, receiveMaximum: { $gte: 10 }, topicAliasMaximum: { $gee: 1 } }
steps:
  - { client: a, connect: {} }
  - { client: b, connect: {} }
  - parallel:
      - - { barrier: one }
        - { barrier: both }
      - - { barrier: both }
`);
    const { problems } = await loadFiles([f]);
    assert.deepEqual(
      problems.map((p) => `${p.line} ${p.field}`),
      [
        '3 requires.maximumQoS',
        '3 requires.retainAvailable',
        '3 requires.topicAliasMaximum.$gee',
        '8 steps[2].parallel[0][0].barrier',
      ],
    );
  });

  test('hex errors inside a block scalar point at the file line and column', async () => {
    const f = tmpYaml(`id: hex
steps:
  - { client: a, open: {} }
  - client: a
    sendRaw: |
      10 02   # fixed header
      00 zz
`);
    const { problems } = await loadFiles([f]);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.field]),
      [[7, 10, 'steps[1].sendRaw']],
    );
  });

  test('multiple predicates in one map are fine; mixing with fields is not', async () => {
    const f = tmpYaml(`
id: preds
steps:
  - { client: a, connect: {} }
  - { client: a, expect: { cmd: suback, granted: [{ $gte: 0, $lte: 2 }] } }
  - { client: a, expect: { cmd: suback, messageId: { $gte: 1, x: 2 } } }
  - { client: a, expect: { cmd: publish, topic: { $regex: "([" } } }
`);
    const { problems } = await loadFiles([f]);
    assert.deepEqual(
      problems.map((p) => `${p.line} ${p.field}`),
      ['6 steps[2].expect.messageId.$gte', '7 steps[3].expect.topic.$regex'],
    );
  });
});
