// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} references, not templates
// Every command, a table of situations -> exit code (docs/exit-codes.md), as a user runs them: child
// processes against the reference broker. The codes come from the results document (verdictOf), combined
// by the one precedence rule with what the document cannot say (unreachable broker, refused probe, a
// report that could not be written).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningBroker, startBroker } from '../../../reference-broker/src/index.ts';
import { conformanceDoc, loadDoc } from '../../report/test-fixtures.ts';
import type { ResultsDocument } from '../../results/model.ts';
import { freePort } from '../../transport/testing/ports.ts';

const MAIN = join(import.meta.dirname, '..', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'crucible-exit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function crucible(args: string[]): Promise<{ code: number; out: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) =>
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : -1) : 0,
          out: `${stdout}${stderr}`,
          stderr,
        }),
    );
  });
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, typeof text === 'string' ? text : JSON.stringify(text));
  return p;
}

let outs = 0;
/** A report directory where junit.xml cannot be written (a directory of that name is in the way). */
function brokenJunitOut(): string {
  const out = join(dir, `broken-${++outs}`);
  mkdirSync(join(out, 'junit.xml'), { recursive: true });
  return out;
}
const freshOut = () => join(dir, `out-${++outs}`);

const conversation = (payload: string) => `version: "3.1.1"
level: must
cases:
  - id: exit.pubsub
    title: one message through the broker
    statements: [MQTT-3.3.1-9]
    steps:
      - { client: sub, connect: {} }
      - { client: sub, subscribe: { topic: "\${t}/x", qos: 0 } }
      - { client: pub, connect: {} }
      - { client: pub, publish: { topic: "\${t}/x", payload: "hello" } }
      - { client: sub, expect: { cmd: publish, topic: "\${t}/x", payload: "${payload}" }, timeout: 1s }
`;
const load = (threshold: string) => `kind: load
id: exit-load
version: "5.0"
groups:
  - { name: subs, count: 1, subscribe: [{ filter: "crucible-exit/#", qos: 1 }] }
  - { name: pubs, count: 2, publish: { topic: "crucible-exit/{i}", qos: 1, payload: 64, rate: 20 } }
duration: 500ms
drain: 500ms
thresholds:
  - ${threshold}
`;

describe('exit codes of crucible run (reference broker)', () => {
  let broker: RunningBroker;
  let url: string;
  let pass: string;
  let fail: string;
  let loadOk: string;
  let loadFail: string;
  before(async () => {
    broker = await startBroker({ sysIntervalSeconds: 0 }, { log: () => {} });
    url = broker.listeners[0]?.url as string;
    pass = file('pass.yaml', conversation('hello'));
    fail = file('fail.yaml', conversation('goodbye'));
    loadOk = file('load-ok.yaml', load('connect.failures == 0'));
    loadFail = file('load-fail.yaml', load('deliver.intended.p50 < 1us'));
  });
  after(async () => {
    await broker.close();
  });

  const table: Array<[string, () => string[], number, RegExp?]> = [
    ['a passing conversation', () => [pass], 0],
    ['a failing conversation', () => [fail], 1],
    ['a load run within its thresholds', () => [loadOk, '--workers', '0'], 0],
    ['a failed threshold', () => [loadFail, '--workers', '0'], 2],
    ['a failing conversation and a failed threshold', () => [fail, loadFail, '--workers', '0'], 1],
    [
      'a passing run whose junit report cannot be written',
      () => [pass, '--out', brokenJunitOut()],
      7,
      /crucible: reporter junit failed: /,
    ],
    [
      'a failing run whose junit report cannot be written: the verdict',
      () => [fail, '--out', brokenJunitOut()],
      1,
      /crucible: reporter junit failed: /,
    ],
    ['a passing run with every report written', () => [pass, '--out', freshOut()], 0],
  ];
  for (const [what, args, code, says] of table) {
    test(`${what} -> ${code}`, async () => {
      const r = await crucible(['run', ...args(), '--broker', url]);
      assert.equal(r.code, code, r.out);
      if (says) assert.match(r.stderr, says);
      assert.doesNotMatch(r.out, /\n\s+at .*\.ts:\d+/, 'no stack trace');
    });
  }

  test('nothing listening -> 4; an invalid file -> 3', async () => {
    const port = await freePort();
    const gone = await crucible(['run', pass, '--broker', `mqtt://127.0.0.1:${port}`]);
    assert.equal(gone.code, 4, gone.out);
    const bad = await crucible(['run', file('bad.yaml', 'cases: [ { id: 1 } ]'), '--broker', url]);
    assert.equal(bad.code, 3, bad.out);
  });
});

describe('exit codes of crucible conform (reference broker)', () => {
  let open: RunningBroker;
  let closed: RunningBroker;
  before(async () => {
    open = await startBroker({ sysIntervalSeconds: 0 }, { log: () => {} });
    const users = file('users.txt', 'alice:secret\n');
    closed = await startBroker(
      { sysIntervalSeconds: 0, usersFile: users, allowAnonymous: false },
      { log: () => {} },
    );
  });
  after(async () => {
    await open.close();
    await closed.close();
  });
  const only = ['--version', '5.0', '--only', 'connect.*', '--level', 'must'];

  test('passing cases -> 0; the same with a report that cannot be written -> 7, naming the reporter', async () => {
    const ok = await crucible(['conform', open.listeners[0]?.url as string, ...only, '--out', freshOut()]);
    assert.equal(ok.code, 0, ok.out);
    const broken = await crucible([
      'conform',
      open.listeners[0]?.url as string,
      ...only,
      '--out',
      brokenJunitOut(),
    ]);
    assert.equal(broken.code, 7, broken.out);
    assert.match(broken.stderr, /crucible: reporter junit failed: /);
    assert.equal(broken.stderr.match(/reporter junit failed/g)?.length, 1, 'reported once');
  });

  test('a broker that refuses the probe CONNECT -> 6', async () => {
    const r = await crucible(['conform', closed.listeners[0]?.url as string, ...only]);
    assert.equal(r.code, 6, r.out);
  });
});

describe('exit codes of crucible start (its own reference broker)', () => {
  const table: Array<[string, () => string[], number, RegExp?]> = [
    ['nothing to run', () => ['--skip-conform', '--skip-load', '--out', freshOut()], 0],
    [
      'a load profile within its thresholds',
      () => [
        '--skip-conform',
        '--load',
        file('s-ok.yaml', load('connect.failures == 0')),
        '--out',
        freshOut(),
      ],
      0,
    ],
    [
      'a failed threshold',
      () => [
        '--skip-conform',
        '--load',
        file('s-fail.yaml', load('deliver.intended.p50 < 1us')),
        '--out',
        freshOut(),
      ],
      2,
    ],
    [
      'a passing run whose junit report cannot be written',
      () => ['--skip-conform', '--skip-load', '--out', brokenJunitOut()],
      7,
      /crucible: reporter junit failed: /,
    ],
    [
      'an invalid load profile',
      () => ['--skip-conform', '--load', file('s-bad.yaml', 'kind: load\n'), '--out', freshOut()],
      3,
    ],
  ];
  for (const [what, args, code, says] of table) {
    test(`${what} -> ${code}`, async () => {
      const r = await crucible(['start', ...args()]);
      assert.equal(r.code, code, r.out);
      if (says) assert.match(r.stderr, says);
    });
  }
});

describe('exit codes of crucible report', () => {
  const write = (name: string, doc: ResultsDocument) => file(name, JSON.stringify(doc));
  const passing = () => {
    const doc = conformanceDoc();
    if (doc.conformance)
      doc.conformance.cases = doc.conformance.cases.filter(
        (c) => c.outcome !== 'fail' && c.outcome !== 'error',
      );
    return doc;
  };
  const thresholdFailed = () => {
    const doc = loadDoc();
    for (const t of doc.load?.[0]?.thresholds ?? []) t.passed = false;
    return doc;
  };
  const interrupted = (signal: 'SIGINT' | 'SIGTERM') => {
    const doc = passing();
    doc.run.interrupted = { signal, at: '2026-01-01T10:00:30.000Z' };
    return doc;
  };
  const table: Array<[string, () => string[], number, RegExp?]> = [
    ['a passing document', () => [write('r-pass.json', passing()), '--out', freshOut()], 0],
    ['a failing document', () => [write('r-fail.json', conformanceDoc()), '--out', freshOut()], 1],
    ['a failed threshold', () => [write('r-thr.json', thresholdFailed()), '--out', freshOut()], 2],
    [
      'a run interrupted by SIGINT',
      () => [write('r-int.json', interrupted('SIGINT')), '--out', freshOut()],
      130,
    ],
    [
      'a run stopped by SIGTERM',
      () => [write('r-term.json', interrupted('SIGTERM')), '--out', freshOut()],
      143,
    ],
    [
      'a passing document whose junit report cannot be written',
      () => [write('r-pass2.json', passing()), '--out', brokenJunitOut()],
      7,
      /crucible: reporter junit failed: /,
    ],
    [
      'a failing document whose junit report cannot be written: the verdict',
      () => [write('r-fail2.json', conformanceDoc()), '--out', brokenJunitOut()],
      1,
      /crucible: reporter junit failed: /,
    ],
    ['an unreadable file', () => [file('r-bad.json', '{'), '--out', freshOut()], 3],
  ];
  for (const [what, args, code, says] of table) {
    test(`${what} -> ${code}`, async () => {
      const r = await crucible(['report', ...args()]);
      assert.equal(r.code, code, r.out);
      if (says) assert.match(r.stderr, says);
    });
  }
});

describe('exit codes of crucible validate, coverage and broker', () => {
  test('validate: valid -> 0, invalid -> 3; coverage: bad version -> 3; broker: bad flag -> 3', async () => {
    const good = await crucible(['validate', file('v-ok.yaml', conversation('hello'))]);
    assert.equal(good.code, 0, good.out);
    const bad = await crucible(['validate', file('v-bad.yaml', 'cases: [ { id: 1 } ]')]);
    assert.equal(bad.code, 3, bad.out);
    const cov = await crucible(['coverage', '--version', '4.0']);
    assert.equal(cov.code, 3, cov.out);
    const brk = await crucible(['broker', '--no-such-flag']);
    assert.equal(brk.code, 3, brk.out);
  });
});
