// Expansion is bounded: params that multiply past the per-case limit, and fragments used so often that
// the steps would explode, are refused with file:line, before anything is expanded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MAX_EXPANSION } from './family.ts';
import { formatProblems, loadText } from './index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const values = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;

const PARAMS_BOMB = `cases:
  - id: many
    params: { a: ${values(100)}, b: ${values(100)}, c: ${values(100)} }
    steps:
      - { client: x, connect: {} }
`;

// every level uses the next one ten times: 10^6 steps if expanded
const FRAGMENT_BOMB = `fragments:
  f0: [ { wait: 1ms } ]
${[1, 2, 3, 4, 5, 6].map((i) => `  f${i}: [ ${Array.from({ length: 10 }, () => `{ use: f${i - 1} }`).join(', ')} ]`).join('\n')}
cases:
  - id: deep
    steps:
      - { use: f6 }
`;

test(`params expanding past ${MAX_EXPANSION} cases are refused with file:line`, () => {
  const r = loadText(PARAMS_BOMB, 'bomb.yaml');
  const text = formatProblems(r.problems);
  assert.match(
    text,
    /bomb\.yaml:3:\d+: cases\[0\]\.params: params expand to 1000000 cases before exclude:, more than the limit of/,
  );
  assert.equal(r.conversations.flatMap((c) => c.cases).length, 0);
});

test('fragments expanding past the step limit are refused with file:line', () => {
  const started = process.memoryUsage().heapUsed;
  const r = loadText(FRAGMENT_BOMB, 'frag.yaml');
  assert.match(formatProblems(r.problems), /frag\.yaml:\d+:\d+: .*steps expand past 20000 per case/);
  assert.ok(process.memoryUsage().heapUsed - started < 200 * 1024 * 1024);
});

test('crucible validate: an expansion bomb is exit 3 with file:line, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-bomb-'));
  const file = join(dir, 'bomb.yaml');
  writeFileSync(file, PARAMS_BOMB);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', file], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 3, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /bomb\.yaml:3:\d+: cases\[0\]\.params: params expand to/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
