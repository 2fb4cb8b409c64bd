// SIGINT and SIGTERM on `crucible conform`, `run` and `start` (the real CLI in a child process): the exit
// code is 130 / 143, every report is written for what finished, and each one says the run was interrupted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ResultsDocument } from '../results/model.ts';
import { type ReferenceTarget, startReference } from '../transport/testing/peers/reference.ts';

const MAIN = join(import.meta.dirname, 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'crucible-interrupt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Child {
  code: number | null;
  out: string;
  /** ms from the signal to the exit (reported, never asserted). */
  stopMs: number;
}

/** Runs the CLI and sends `signal` once `ready(stdout)` holds; the child is killed after 120 s regardless. */
function interrupted(
  args: string[],
  signal: 'SIGINT' | 'SIGTERM',
  ready: (out: string) => boolean,
): Promise<Child> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    let stdout = '';
    let sentAt = 0;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      stdout += c.toString();
      if (sentAt === 0 && ready(stdout)) {
        sentAt = performance.now();
        child.kill(signal);
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, out, stopMs: sentAt ? Math.round(performance.now() - sentAt) : -1 });
    });
  });
}

/** Every report exists, and each one says the run was interrupted by `signal`. */
function checkReports(out: string, signal: 'SIGINT' | 'SIGTERM', log: string): ResultsDocument {
  for (const f of ['results.json', 'junit.xml', 'summary.md', 'index.html'])
    assert.ok(existsSync(join(out, f)), `${f} written\n${log}`);
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
  assert.equal(doc.run.interrupted?.signal, signal, log);
  assert.ok(!Number.isNaN(Date.parse(doc.run.interrupted?.at ?? '')), 'interrupted.at is a time');
  const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
  assert.match(junit, new RegExp(`<error message="run interrupted by ${signal}[^"]*" type="interrupted">`));
  const md = readFileSync(join(out, 'summary.md'), 'utf8');
  assert.match(md, new RegExp(`^## ❌ mqtt-crucible \\w+: INTERRUPTED by ${signal}`, 'm'));
  assert.match(md, /\*\*Interrupted\*\*/);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(
    html,
    new RegExp(
      `<div class="interrupted" id="interrupted" role="alert"><strong>Interrupted</strong> by ${signal}`,
    ),
  );
  // Cases cut short by the signal are not results (neither are those never started).
  const cases = [...(doc.conformance?.cases ?? []), ...(doc.scenarios ?? [])];
  assert.ok(!cases.some((c) => c.reason?.startsWith('interrupted')), 'no case cut short is reported');
  return doc;
}

const EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
const REPORTERS = ['--reporter', 'console,json,junit,markdown,html'];
/** A non-TTY console prints one mark per finished case after its "N case(s)" line. */
const marksAfterBegin = (n: number) => (out: string) => {
  const m = /case\(s\)\n([.\-FENIs]*)/.exec(out);
  return (m?.[1]?.length ?? 0) >= n;
};

describe('interrupts', () => {
  let ref: ReferenceTarget;
  let loadFile: string;
  before(async () => {
    ref = await startReference('default');
    loadFile = join(dir, 'long-load.yaml');
    writeFileSync(
      loadFile,
      [
        'kind: load',
        'id: long-load',
        'version: "5.0"',
        'groups:',
        '  - { name: subs, count: 1, subscribe: [{ filter: "interrupt-test/#", qos: 1 }] }',
        '  - { name: pubs, count: 2, publish: { topic: "interrupt-test/{i}", qos: 1, payload: 32, rate: 20 } }',
        'duration: 10m',
        'drain: 5s',
        'thresholds:',
        '  - delivered >= 99%',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await ref?.broker.close();
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`conform: ${signal} while cases run -> exit ${EXIT[signal]}, reports for the cases that finished`, async (t) => {
      const out = join(dir, `conform-${signal}`);
      const r = await interrupted(
        ['conform', ref.tcpUrl, '--concurrency', '2', ...REPORTERS, '--out', out],
        signal,
        marksAfterBegin(5),
      );
      t.diagnostic(`stopped ${r.stopMs} ms after ${signal}`);
      assert.equal(r.code, EXIT[signal], r.out);
      const doc = checkReports(out, signal, r.out);
      const n = doc.conformance?.cases.length ?? 0;
      assert.ok(n >= 5, `the cases that finished are reported (${n})\n${r.out}`);
      assert.ok(n < 400, `not every case ran (${n})`);
      assert.match(r.out, new RegExp(`interrupted by ${signal}: the reports cover the ${n} of \\d+ cases`));
    });

    test(`run (load profile): ${signal} while publishing -> exit ${EXIT[signal]}, partial load result`, async (t) => {
      const out = join(dir, `run-${signal}`);
      const r = await interrupted(
        ['run', loadFile, '--broker', ref.tcpUrl, '--workers', '1', ...REPORTERS, '--out', out],
        signal,
        (o) => /\[long-load\] steady/.test(o),
      );
      t.diagnostic(`stopped ${r.stopMs} ms after ${signal}`);
      assert.equal(r.code, EXIT[signal], r.out);
      const doc = checkReports(out, signal, r.out);
      const load = doc.load?.[0];
      assert.ok(load, `the load result so far is reported\n${r.out}`);
      assert.ok(load.generator.warnings.some((w) => w.startsWith('interrupted')));
      assert.ok(load.durationMs < 600_000);
      assert.ok((load.groups.find((g) => g.name === 'pubs')?.sent ?? 0) > 0, 'it had published');
    });
  }

  test('run (conversations): SIGINT while cases run -> exit 130, the finished cases reported', async (t) => {
    const file = join(dir, 'slow-cases.yaml');
    const caseYaml = (i: number) => [
      `  - id: slow.${i}`,
      `    title: slow case ${i}`,
      '    statements: [MQTT-3.1.0-1]',
      '    steps:',
      '      - { client: a, connect: {} }',
      '      - { wait: 400ms }',
      '      - { client: a, disconnect: {} }',
    ];
    writeFileSync(
      file,
      [
        'area: examples',
        'level: must',
        'version: "5.0"',
        'cases:',
        ...[1, 2, 3, 4, 5, 6, 7, 8].flatMap(caseYaml),
        '',
      ].join('\n'),
    );
    const out = join(dir, 'run-conv-SIGINT');
    const r = await interrupted(
      ['run', file, '--broker', ref.tcpUrl, '--concurrency', '1', ...REPORTERS, '--out', out],
      'SIGINT',
      marksAfterBegin(2),
    );
    t.diagnostic(`stopped ${r.stopMs} ms after SIGINT`);
    assert.equal(r.code, 130, r.out);
    const doc = checkReports(out, 'SIGINT', r.out);
    const n = doc.scenarios?.length ?? 0;
    assert.ok(n >= 2 && n < 8, `the finished cases only (${n})\n${r.out}`);
    assert.ok(
      doc.scenarios?.every((c) => c.outcome === 'pass'),
      r.out,
    );
  });

  test('start: SIGINT during the conformance suites -> exit 130, no load run, reports written', async (t) => {
    const out = join(dir, 'start-SIGINT');
    const r = await interrupted(['start', '--out', out], 'SIGINT', marksAfterBegin(5));
    t.diagnostic(`stopped ${r.stopMs} ms after SIGINT`);
    assert.equal(r.code, 130, r.out);
    const doc = checkReports(out, 'SIGINT', r.out);
    assert.ok((doc.conformance?.cases.length ?? 0) >= 5, r.out);
    assert.equal(doc.load, undefined, 'the load run was not started');
    assert.match(r.out, /INTERRUPTED by SIGINT/);
  });

  test('start: SIGTERM during the load run -> exit 143, conformance and partial load reported', async (t) => {
    const out = join(dir, 'start-SIGTERM');
    // A small suite directory keeps this short; the load run is the bundled smoke profile.
    const suites = join(dir, 'suites', 'mqtt-3.1.1');
    rmSync(suites, { recursive: true, force: true });
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(suites, { recursive: true });
    copyFileSync(
      join(import.meta.dirname, '..', '..', 'suites', 'mqtt-3.1.1', 'unsubscribe.yaml'),
      join(suites, 'unsubscribe.yaml'),
    );
    const r = await interrupted(
      ['start', '--out', out, '--suites', join(dir, 'suites'), '--load', loadFile],
      'SIGTERM',
      (o) => /\[long-load\] steady/.test(o),
    );
    t.diagnostic(`stopped ${r.stopMs} ms after SIGTERM`);
    assert.equal(r.code, 143, r.out);
    const doc = checkReports(out, 'SIGTERM', r.out);
    assert.ok((doc.conformance?.cases.length ?? 0) > 0, r.out);
    assert.equal(doc.load?.length, 1, r.out);
    assert.ok(doc.load?.[0]?.generator.warnings.some((w) => w.startsWith('interrupted')));
  });
});
