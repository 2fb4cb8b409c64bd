// `crucible start` end to end in a child process: reference broker, a small suite directory, the
// smoke load profile, and reports/latest-style output. Bounded: the child is killed after 150 s.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'crucible-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function crucible(args: string[], deadlineMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test('start: broker + suites + smoke load -> index.html, results.json, junit.xml, summary.md', async () => {
  // A small suite directory keeps this test short (the full suites run in src/conformance tests).
  const suites = join(dir, 'suites', 'mqtt-3.1.1');
  mkdirSync(suites, { recursive: true });
  copyFileSync(join(ROOT, 'suites', 'mqtt-3.1.1', 'unsubscribe.yaml'), join(suites, 'unsubscribe.yaml'));
  const out = join(dir, 'latest');
  const r = await crucible(['start', '--out', out, '--suites', join(dir, 'suites')], 150_000);
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `exit ${r.code}\n${r.out}`);
  for (const f of ['index.html', 'results.json', 'junit.xml', 'summary.md']) {
    assert.ok(existsSync(join(out, f)), `${f} written\n${r.out}`);
  }
  assert.match(
    r.out,
    new RegExp(`open the report: ${join(out, 'index.html').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
  );
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(doc.run.command, 'start');
  assert.ok(doc.conformance.cases.length > 0);
  assert.equal(doc.load.length, 1);
  assert.ok(doc.load[0].ledger.expected > 0, 'the load run delivered messages');
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /mqtt-crucible start/);
});
