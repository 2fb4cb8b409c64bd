// `crucible report` and `crucible compare` as a user runs them (child processes, exit codes, files).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { conformanceDoc, fullDoc, loadResult } from '../../report/test-fixtures.ts';
import type { ResultsDocument } from '../../results/model.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'crucible-rc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function crucible(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function write(name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

describe('crucible report', () => {
  test('merges two brokers into one report set; exit code is the merged verdict', () => {
    const a = conformanceDoc();
    a.brokers = a.brokers.filter((b) => b.label === 'reference');
    if (a.conformance) a.conformance.cases = a.conformance.cases.filter((c) => c.broker === 'reference');
    const b = conformanceDoc();
    b.run.id = 'run-mosquitto';
    b.brokers = b.brokers.filter((x) => x.label === 'mosquitto');
    if (b.conformance) b.conformance.cases = b.conformance.cases.filter((c) => c.broker === 'mosquitto');
    const out = join(dir, 'merged');
    const r = crucible('report', write('a.json', a), write('b.json', b), '--out', out);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /merged 2 files \(2 broker\(s\)\)/);
    for (const f of ['index.html', 'junit.xml', 'summary.md', 'results.json'])
      assert.ok(existsSync(join(out, f)), f);
    const merged = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.deepEqual(Object.keys(merged.conformance.summary).sort(), ['mosquitto', 'reference']);
  });

  test('a file merged with itself is refused: exit 3, both names, no stack trace', () => {
    const a = write('self.json', conformanceDoc());
    const r = crucible('report', a, a, '--out', join(dir, 'self'));
    assert.equal(r.code, 3, r.out);
    assert.match(r.out, /crucible: cannot merge: .*self\.json and .*self\.json hold the same run/);
    assert.doesNotMatch(r.out, /at .*\.ts:\d+/, 'no stack trace');
    assert.ok(!existsSync(join(dir, 'self', 'summary.md')), 'nothing written');
  });

  test('an unusable file is exit 3 naming the file and the problem', () => {
    const bad = write('bad.json', '{"format":"mqtt-crucible/results","version":1}');
    const r = crucible('report', bad, '--out', join(dir, 'x'));
    assert.equal(r.code, 3);
    assert.match(r.out, /bad\.json: not a usable results document/);
    assert.match(r.out, /run: missing/);
    assert.doesNotMatch(r.out, /at .*\.ts:\d+/, 'no stack trace');
    const notJson = crucible('report', write('nj.json', '{oops'));
    assert.equal(notJson.code, 3);
    assert.match(notJson.out, /nj\.json: not valid JSON/);
  });
});

describe('crucible compare', () => {
  const base = fullDoc();
  base.load = [loadResult({ baseUs: 800 })];
  const basePath = write('base.json', base);

  test('no regression: exit 0', () => {
    const r = crucible('compare', basePath, basePath);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /OK: no regression/);
  });

  test('a new failure and a latency regression: exit 2 with a table', () => {
    const cur = fullDoc();
    cur.load = [loadResult({ baseUs: 1600 })];
    const c = cur.conformance?.cases.find((x) => x.outcome === 'pass');
    assert.ok(c);
    c.outcome = 'fail';
    const md = join(dir, 'cmp.md');
    const r = crucible('compare', basePath, write('cur.json', cur), '--tolerance', '20%', '--markdown', md);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, new RegExp(`${c.id.replace(/[.[\]]/g, '\\$&')} +pass +fail`));
    assert.match(r.out, /deliver\.intended\.p99 .* REGRESSION/);
    assert.match(readFileSync(md, 'utf8'), /❌ mqtt-crucible compare/);
  });

  test('bad input: exit 3', () => {
    assert.equal(crucible('compare', basePath, join(dir, 'missing.json')).code, 3);
    assert.equal(crucible('compare', basePath).code, 3);
    assert.equal(crucible('compare', basePath, basePath, '--tolerance', 'lots').code, 3);
  });

  // Each input that cannot be compared has its own exit code and message, never "OK: no regression".
  const incomparable: Array<[string, (cur: ResultsDocument) => void, number, RegExp]> = [
    [
      'cases missing from the current run',
      (cur) => {
        if (cur.conformance) cur.conformance.cases = cur.conformance.cases.filter((_, i) => i % 2 === 0);
      },
      10,
      /16 of the baseline's 32 cases are missing from the current run/,
    ],
    [
      'a missing load result',
      (cur) => delete cur.load,
      11,
      /1 load result\(s\) of the baseline are missing.*\n.*'smoke' \[reference\]/,
    ],
    [
      'an interrupted run',
      (cur) => {
        cur.run.interrupted = { signal: 'SIGTERM', at: '2026-01-01T10:00:30.000Z' };
      },
      12,
      /the current run \(run-conform\) was interrupted by SIGTERM/,
    ],
    [
      'a saturated run',
      (cur) => {
        const r = cur.load?.[0];
        if (r) r.generator.saturated = true;
      },
      12,
      /load generator was saturated/,
    ],
    [
      'different versions selected',
      (cur) => {
        if (cur.conformance) cur.conformance.cases = cur.conformance.cases.filter((c) => c.version === '5.0');
      },
      13,
      /broker 'reference': the baseline ran MQTT 3\.1\.1, 5\.0, the current run MQTT 5\.0/,
    ],
    [
      'a different load profile',
      (cur) => {
        const r = cur.load?.[0];
        if (r) r.profile = { ...r.profile, durationMs: 1234 };
      },
      13,
      /load profile 'smoke' \[reference\] differs \(durationMs\)/,
    ],
  ];
  for (const [what, change, code, message] of incomparable) {
    test(`refuses ${what}: exit ${code}`, () => {
      const cur: ResultsDocument = structuredClone(base);
      change(cur);
      const md = join(dir, `refused-${code}.md`);
      const r = crucible('compare', basePath, write(`cur-${code}.json`, cur), '--markdown', md);
      assert.equal(r.code, code, r.out);
      assert.match(r.out, /crucible: cannot compare/);
      assert.match(r.out, message);
      assert.doesNotMatch(r.out, /no regression/);
      assert.match(readFileSync(md, 'utf8'), new RegExp(`not comparable \\(exit ${code}\\)`));
    });
  }
});
