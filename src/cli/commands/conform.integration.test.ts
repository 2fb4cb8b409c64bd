// `crucible conform` and `crucible coverage` as child processes: exit codes and what they write.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningBroker, startBroker } from '../../../reference-broker/src/index.ts';
import type { ResultsDocument } from '../../results/model.ts';
import { freePort } from '../../transport/testing/ports.ts';

const MAIN = join(import.meta.dirname, '..', 'main.ts');
const PROFILES = join(import.meta.dirname, '..', '..', '..', 'suites', 'profiles');

function crucible(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('crucible conform', () => {
  let broker: RunningBroker;
  let url: string;
  before(async () => {
    broker = await startBroker({ sysIntervalSeconds: 0 }, { log: () => {} });
    url = broker.listeners[0]!.url;
  });
  after(async () => {
    await broker.close();
  });

  test('exit 4 naming the URL when nothing listens there', async () => {
    const port = await freePort();
    const r = await crucible(['conform', `mqtt://127.0.0.1:${port}`, '--only', 'connect.*']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  test('exit 3 naming the flag for a bad flag value, and for a bad URL', async () => {
    const level = await crucible(['conform', url, '--level', 'sometimes']);
    assert.equal(level.code, 3);
    assert.match(level.stderr, /--level/);
    const version = await crucible(['conform', url, '--version', '4.0']);
    assert.equal(version.code, 3);
    assert.match(version.stderr, /--version/);
    const bad = await crucible(['conform', 'http://127.0.0.1:1']);
    assert.equal(bad.code, 3);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });

  test('exit 3 listing every problem of a bad profile with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crucible-conform-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, 'linkStealing: sometimes\nbogus: 1\n');
    const r = await crucible(['conform', url, '--profile', file]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /p\.yaml:1:\d+.*linkStealing/);
    assert.match(r.stderr, /p\.yaml:2:\d+.*bogus/);
  });

  test('a selection against the reference broker passes and writes every report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crucible-conform-'));
    const r = await crucible([
      'conform',
      url,
      '--only',
      'publish.qos*',
      '--profile',
      join(PROFILES, 'reference-default.yaml'),
      '--reporter',
      'console,json,junit,markdown,html',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const f of ['results.json', 'junit.xml', 'summary.md', 'index.html'])
      assert.ok(existsSync(join(out, f)), f);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
    const cases = doc.conformance?.cases ?? [];
    assert.ok(cases.length > 0);
    assert.ok(cases.every((c) => c.id.startsWith('publish.qos')));
    assert.ok(cases.some((c) => c.version === '3.1.1') && cases.some((c) => c.version === '5.0'));
    assert.ok((doc.conformance?.statements.length ?? 0) > 0, 'statement verdicts');
    assert.equal(doc.brokers[0]?.capabilities?.mqtt5, true);
  });

  test('a broker fault makes conform exit 1 and name the case and statement', async () => {
    const faulty = await startBroker({ faults: ['no-pubrec'], sysIntervalSeconds: 0 }, { log: () => {} });
    try {
      const r = await crucible([
        'conform',
        faulty.listeners[0]!.url,
        '--only',
        'publish.qos2*',
        '--version',
        '3.1.1',
      ]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, /FAIL publish\.qos2/);
      assert.match(r.stdout, /MQTT-4\.3\.3/);
    } finally {
      await faulty.close();
    }
  });
});

describe('crucible coverage', () => {
  test('reports every version (3.1 too) and meets the targets with --check', async () => {
    const r = await crucible(['coverage', '--check']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /MQTT 3\.1: testable yes \d+\/\d+/);
    assert.match(r.stdout, /MQTT 3\.1\.1: testable yes \d+\/\d+/);
    assert.match(r.stdout, /MQTT 5\.0: testable yes \d+\/\d+/);
  });

  test('json format and a bad flag', async () => {
    const json = await crucible(['coverage', '--format', 'json', '--version', '5.0']);
    assert.equal(json.code, 0);
    const parsed = JSON.parse(json.stdout) as Array<{ version: string; yes: { total: number } }>;
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0]?.version, '5.0');
    const bad = await crucible(['coverage', '--format', 'pdf']);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /--format/);
  });
});
