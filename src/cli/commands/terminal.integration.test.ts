// Terminal conventions of every command, as a user meets them: NO_COLOR and --no-color on a real
// pseudo-terminal (script(1)), JSON on standard output with `--out -`, what `--out` writes, and a bad
// `--out` refused before the run starts (exit 3, no stack trace).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningBroker, startBroker } from '../../../reference-broker/src/index.ts';
import type { ResultsDocument } from '../../results/model.ts';
import { freePort } from '../../transport/testing/ports.ts';

const MAIN = join(import.meta.dirname, '..', 'main.ts');
const SGR = /\x1b\[[0-9;]*m/; // a colour / style escape (cursor movement is not colour)
const SCRIPT = '/usr/bin/script';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function crucible(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '', ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs crucible on a pseudo-terminal (stdout and stderr are a TTY), like a person at a terminal. */
function onPty(args: string[], env: Record<string, string>): Promise<Run> {
  const cmd = [process.execPath, '--import', 'tsx', MAIN, ...args].map(shq).join(' ');
  return new Promise((resolve) => {
    execFile(
      SCRIPT,
      ['-qec', cmd, '/dev/null'],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '', ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const hasScript = existsSync(SCRIPT);
if (!hasScript && process.env.CI) throw new Error(`${SCRIPT} is missing: apt-get install bsdutils`);

describe('terminal conventions', () => {
  let broker: RunningBroker;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'crucible-term-'));
  const SMALL = ['--only', 'connect.*', '--version', '5.0', '--level', 'must'];
  before(async () => {
    broker = await startBroker({ sysIntervalSeconds: 0 }, { log: () => {} });
    url = broker.listeners[0]!.url;
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('NO_COLOR and --no-color on a pseudo-terminal: conform, report and compare print no colour', {
    skip: hasScript ? false : `${SCRIPT} not installed`,
  }, async () => {
    const out = join(dir, 'pty');
    const [coloured, noColor] = await Promise.all([
      // --out without --reporter: the default set, checked below.
      onPty(['conform', url, ...SMALL, '--out', out], {}),
      onPty(['conform', url, ...SMALL], { NO_COLOR: '1' }),
    ]);
    assert.equal(coloured.code, 0, coloured.stdout);
    assert.match(coloured.stdout, SGR, 'a terminal gets colour by default (the pty works)');
    assert.equal(noColor.code, 0, noColor.stdout);
    assert.match(noColor.stdout, /\d+ pass/);
    assert.doesNotMatch(noColor.stdout, SGR, 'NO_COLOR=1: conform');
    for (const f of ['results.json', 'junit.xml', 'summary.md', 'index.html'])
      assert.ok(existsSync(join(out, f)), `--out without --reporter writes ${f}`);
    const results = join(out, 'results.json');
    const [report, compare] = await Promise.all([
      onPty(['report', results, '--out', join(dir, 'pty-r'), '--no-color'], {}),
      onPty(['compare', results, results], { NO_COLOR: '1' }),
    ]);
    assert.equal(report.code, 0, report.stdout);
    assert.match(report.stdout, /PASS/);
    assert.doesNotMatch(report.stdout, SGR, '--no-color: report');
    assert.equal(compare.code, 0, compare.stdout);
    assert.match(compare.stdout, /OK: no regression/);
    assert.doesNotMatch(compare.stdout, SGR, 'NO_COLOR=1: compare');
  });

  test('--out - writes the results document to stdout, everything else to stderr', async () => {
    const [r, both, bad, junitOnly] = await Promise.all([
      crucible(['conform', url, ...SMALL, '--reporter', 'json', '--out', '-']),
      crucible(['conform', url, ...SMALL, '--out', '-']),
      crucible(['conform', url, ...SMALL, '--reporter', 'json,junit', '--out', '-']),
      crucible(['conform', url, ...SMALL, '--reporter', 'junit', '--out', join(dir, 'junit-only')]),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as ResultsDocument;
    assert.equal(doc.format, 'mqtt-crucible/results');
    assert.ok((doc.conformance?.cases.length ?? 0) > 0);
    assert.ok(!existsSync(join(process.cwd(), '-')), 'no directory named "-"');
    // With the console reporter too, the human output moves to stderr; stdout stays pure JSON.
    assert.equal(both.code, 0, both.stderr);
    assert.equal((JSON.parse(both.stdout) as ResultsDocument).run.command, 'conform');
    assert.match(both.stderr, /\d+ pass/);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /--out -: standard output takes the json reporter only \(got junit\)/);
    // conform writes results.json beside any file report.
    assert.equal(junitOnly.code, 0, junitOnly.stderr);
    assert.ok(existsSync(join(dir, 'junit-only', 'junit.xml')));
    assert.ok(existsSync(join(dir, 'junit-only', 'results.json')), 'results.json beside every file report');
    // report re-renders to stdout the same way.
    const file = join(dir, 'stdout.json');
    writeFileSync(file, r.stdout);
    const rep = await crucible(['report', file, '--out', '-']);
    assert.equal(rep.code, 0, rep.stderr);
    assert.equal((JSON.parse(rep.stdout) as ResultsDocument).run.id, doc.run.id);
  });

  test('a bad --out is exit 3 naming --out, before anything runs, with no stack trace', async () => {
    // Nothing listens on this port: exit 3 (not 4) shows the directory was checked before connecting.
    const nowhere = `mqtt://127.0.0.1:${await freePort()}`;
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: Array<[string[], RegExp]> = [
      [['conform', nowhere, '--out', '/proc'], /--out \/proc: not writable/],
      [
        ['conform', nowhere, '--out', '/proc/crucible/reports', '--reporter', 'junit'],
        /--out \/proc\/crucible\/reports: cannot create it/,
      ],
      [['run', 'scenarios/examples', '--broker', nowhere, '--out', file], /--out .*a-file: not a directory/],
    ];
    const runs = await Promise.all(cases.map(([args]) => crucible(args)));
    runs.forEach((r, i) => {
      const [args, message] = cases[i]!;
      assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  });

  test('baseline: exit code, JUnit, summary.md and the re-rendered report agree', async () => {
    const faulty = await startBroker({ faults: ['no-pubrec'], sysIntervalSeconds: 0 }, { log: () => {} });
    try {
      const sel = ['--only', 'publish.qos2*', '--version', '3.1.1'];
      const plain = join(dir, 'bl-none');
      const r0 = await crucible(['conform', faulty.listeners[0]!.url, ...sel, '--out', plain]);
      assert.equal(r0.code, 1, r0.stdout);
      const failing = (
        JSON.parse(readFileSync(join(plain, 'results.json'), 'utf8')) as ResultsDocument
      ).conformance!.cases.filter((c) => c.outcome === 'fail' || c.outcome === 'error');
      assert.ok(failing.length >= 2, 'the fault fails several cases');
      const entry = (id: string) =>
        `- { case: ${JSON.stringify(id)}, version: "3.1.1", outcome: fail, kind: deviation, why: "no PUBREC" }\n`;

      // Every failure expected: exit 0, and JUnit, summary.md, HTML header and `report` all say so.
      const all = join(dir, 'bl-all.yaml');
      writeFileSync(all, failing.map((c) => entry(c.id)).join(''));
      const okDir = join(dir, 'bl-ok');
      const r1 = await crucible([
        'conform',
        faulty.listeners[0]!.url,
        ...sel,
        '--baseline',
        all,
        '--out',
        okDir,
      ]);
      assert.equal(r1.code, 0, r1.stdout);
      const junit = readFileSync(join(okDir, 'junit.xml'), 'utf8');
      assert.match(junit, /<testsuites [^>]*failures="0" errors="0"/);
      assert.equal(junit.match(/<skipped [^>]*type="expected"/g)?.length, failing.length);
      const md = readFileSync(join(okDir, 'summary.md'), 'utf8');
      assert.match(
        md,
        new RegExp(`^## ✅ mqtt-crucible conform: PASS \\(${failing.length} expected deviations?\\)`),
      );
      assert.doesNotMatch(md, /Failing cases/);
      assert.match(readFileSync(join(okDir, 'index.html'), 'utf8'), /id="verdict">PASS \(\d+ expected/);
      assert.match(r1.stdout, new RegExp(`Expected by the baseline \\(${failing.length}, not failures\\)`));
      assert.doesNotMatch(r1.stdout, /^FAIL /m, 'known deviations are one line each, not in full');
      const again = await crucible(['report', join(okDir, 'results.json'), '--out', join(dir, 'bl-ok-r')]);
      assert.equal(again.code, 0, again.stdout);

      // One failure left out of the baseline: exit 1, exactly that one failure in JUnit and summary.md.
      const some = join(dir, 'bl-some.yaml');
      writeFileSync(
        some,
        failing
          .slice(1)
          .map((c) => entry(c.id))
          .join(''),
      );
      const badDir = join(dir, 'bl-bad');
      const r2 = await crucible([
        'conform',
        faulty.listeners[0]!.url,
        ...sel,
        '--baseline',
        some,
        '--out',
        badDir,
      ]);
      assert.equal(r2.code, 1, r2.stdout);
      assert.match(readFileSync(join(badDir, 'junit.xml'), 'utf8'), /<testsuites [^>]*failures="1"/);
      assert.match(readFileSync(join(badDir, 'summary.md'), 'utf8'), /FAIL: 1 failing case \(\d+ expected/);
      assert.match(r2.stdout, new RegExp(`FAIL NEW ${failing[0]!.id.replace(/[.*[\]]/g, '\\$&')} `));
    } finally {
      await faulty.close();
    }
  });
});
