// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} references, not templates
// `crucible run` as a child process: exit codes (0 green, 1 failing case, 3 invalid file, 4 unreachable),
// the examples green against mosquitto over tcp, ws and tls with --concurrency 8, a misbehaving broker.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type EvilMode, startEvilBroker } from '../../engine/testing/evil-broker.ts';
import type { ResultsDocument } from '../../results/model.ts';
import { validateSchema } from '../../scenario/testing/json-schema.ts';
import { mosquittoSkipReason, mosquittoUrl, useMosquitto } from '../../transport/testing/peers/mosquitto.ts';
import { freePort } from '../../transport/testing/ports.ts';

const MAIN = join(import.meta.dirname, '..', 'main.ts');
const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'scenarios', 'examples');

function crucible(
  args: string[],
  timeoutMs = 120_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'crucible-run-'));
}

function results(dir: string): ResultsDocument {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsDocument;
}

test('exit 3 on an invalid scenario, listing every problem with file:line', async () => {
  const dir = tmp();
  const file = join(dir, 'bad.yaml');
  writeFileSync(
    file,
    [
      'id: bad.case',
      'title: broken on purpose',
      'steps:',
      '  - { client: a, conect: {} }',
      '  - { client: a, expect: { cmd: publish }, timeout: soon }',
      '',
    ].join('\n'),
  );
  const r = await crucible(['run', file, '--broker', 'mqtt://127.0.0.1:1']);
  assert.equal(r.code, 3, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith(`${file}:`));
  assert.ok(lines.length >= 2, r.stderr);
  assert.ok(
    lines.some((l) => l.startsWith(`${file}:4:`)),
    r.stderr,
  );
  assert.ok(
    lines.some((l) => l.startsWith(`${file}:5:`)),
    r.stderr,
  );
});

test('exit 3 on a bad broker URL, naming the flag', async () => {
  const r = await crucible(['run', join(EXAMPLES, 'hello-pubsub.yaml'), '--broker', 'http://x']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /--broker/);
});

test('exit 3 on bad flags, naming the flag', async () => {
  const file = join(EXAMPLES, 'hello-pubsub.yaml');
  for (const [args, flag] of [
    [['--concurrency', '0'], '--concurrency'],
    [['--var', 'novalue'], '--var'],
    [['--timeout', 'soon'], '--timeout'],
    [['--reporter', 'nope'], '--reporter'],
  ] as const) {
    const r = await crucible(['run', file, '--broker', 'mqtt://127.0.0.1:1', ...args]);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(flag), r.stderr);
  }
  const none = await crucible(['run', file]);
  assert.equal(none.code, 3);
  assert.match(none.stderr, /--broker/);
});

test('exit 4 when the broker is unreachable, naming the URL', async () => {
  const port = await freePort();
  const url = `mqtt://127.0.0.1:${port}`;
  const r = await crucible([
    'run',
    join(EXAMPLES, 'hello-pubsub.yaml'),
    join(EXAMPLES, 'will.yaml'),
    '--broker',
    url,
  ]);
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.ok(r.stderr.includes(`127.0.0.1:${port}`), r.stderr);
});

const evilModes: Array<[EvilMode, RegExp]> = [
  ['garbage', /malformed packet from broker/],
  ['silent', /no packet within 500ms/],
  ['close-early', /connection closed by broker/],
  ['huge', /malformed packet from broker/],
];

for (const [mode, why] of evilModes) {
  test(`a broker that misbehaves (${mode}): the case fails with its transcript, the run finishes, exit 1`, async () => {
    const evil = await startEvilBroker(mode);
    try {
      const out = tmp();
      const r = await crucible([
        'run',
        join(EXAMPLES, 'hello-pubsub.yaml'),
        '--broker',
        `mqtt://127.0.0.1:${evil.port}`,
        '--timeout',
        '500ms',
        '--out',
        out,
      ]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const doc = results(out);
      const c = doc.scenarios?.[0];
      assert.equal(c?.outcome, 'fail');
      assert.match(c?.reason ?? '', why);
      assert.ok((c?.transcript.length ?? 0) > 0);
    } finally {
      await evil.stop();
    }
  });
}

const skip = mosquittoSkipReason();

describe('crucible run against mosquitto', { skip }, () => {
  const m = useMosquitto();

  for (const scheme of ['tcp', 'ws', 'tls'] as const) {
    test(`every example is green over ${scheme} with --concurrency 8 (exit 0)`, async () => {
      const url = mosquittoUrl(m, scheme);
      const out = tmp();
      const args = ['run', EXAMPLES, '--broker', url, '--concurrency', '8', '--out', out];
      if (scheme === 'tls') args.push('--ca', m.caFile);
      const r = await crucible(args);
      const doc = results(out);
      const bad = (doc.scenarios ?? []).filter((c) => c.outcome !== 'pass');
      assert.deepEqual(
        bad.map((c) => `${c.id}: ${c.reason}`),
        [],
        r.stdout,
      );
      assert.equal(r.code, 0);
      assert.ok((doc.scenarios ?? []).length >= 14);
    });
  }

  test('two runs of the examples at once, concurrency 8 each: no crosstalk', async () => {
    const url = `mqtt://127.0.0.1:${m.tcp}`;
    const [a, b] = await Promise.all([
      crucible(['run', EXAMPLES, '--broker', url, '--concurrency', '8']),
      crucible(['run', EXAMPLES, '--broker', url, '--concurrency', '8']),
    ]);
    assert.equal(a.code, 0, a.stdout);
    assert.equal(b.code, 0, b.stdout);
  });

  test('exit 1 when a case fails, with expected vs actual in results.json', async () => {
    const dir = tmp();
    const file = join(dir, 'fails.yaml');
    writeFileSync(
      file,
      [
        'id: failing.on.purpose',
        'title: expects a payload that never comes',
        'version: "3.1.1"',
        'steps:',
        '  - { client: a, connect: {} }',
        '  - { client: a, subscribe: { topic: "${t}/x", qos: 0 } }',
        '  - { client: a, publish: { topic: "${t}/x", payload: one } }',
        '  - { client: a, expect: { cmd: publish, payload: two } }',
        '',
      ].join('\n'),
    );
    const out = tmp();
    const r = await crucible(['run', file, '--broker', `mqtt://127.0.0.1:${m.tcp}`, '--out', out]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const c = results(out).scenarios?.[0];
    assert.equal(c?.outcome, 'fail');
    assert.equal(c?.failure?.expected !== undefined && c?.failure?.actual !== undefined, true);
    assert.equal(c?.failure?.source?.line, 8);
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', 'schema', 'results.schema.json'), 'utf8'),
    );
    assert.deepEqual(validateSchema(schema, results(out)), []);
  });
});
