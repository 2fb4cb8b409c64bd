import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixtures = join(repoRoot, 'src', 'scenario', 'fixtures');

function crucible(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('crucible validate', () => {
  test('good files: exit 0 and a summary', () => {
    const r = crucible('validate', join(fixtures, 'good.yaml'), join(fixtures, 'single.yaml'));
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(r.out.trim(), '2 files, 10 cases: ok');
  });

  test('bad file: exit 3, every problem as file:line:col: field: message', () => {
    const bad = join('src', 'scenario', 'fixtures', 'bad.yaml');
    const r = crucible('validate', bad);
    assert.equal(r.code, 3, r.out + r.err);
    const lines = r.out.trim().split('\n');
    const problems = lines.filter((l) => l.startsWith(`${bad}:`));
    assert.equal(problems.length, 23);
    assert.ok(lines.includes(`${bad}:2:1: levl: unknown file key 'levl' (did you mean 'level'?)`), r.out);
    assert.ok(
      lines.includes(
        `${bad}:15:35: cases[0].steps[1].send.cmd: unknown packet type 'publsh' (did you mean 'publish'?)`,
      ),
      r.out,
    );
    assert.match(lines.at(-1)!, /^23 problems in 1 file/);
    assert.doesNotMatch(r.out + r.err, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
  });

  test('directories are searched recursively', () => {
    const r = crucible('validate', fixtures, '--quiet');
    assert.equal(r.code, 3);
    assert.match(r.out, /bad\.yaml:/);
    assert.match(r.out, /cycle\.yaml:/);
    assert.doesNotMatch(r.out, /good\.yaml:/);
  });

  test('missing file: exit 3 naming it', () => {
    const r = crucible('validate', 'no/such/file.yaml');
    assert.equal(r.code, 3);
    assert.match(r.out, /^no\/such\/file\.yaml:1:1: no such file or directory$/m);
  });

  test('bad flag and no arguments: exit 3 naming the flag, no stack', () => {
    const r = crucible('validate', '--frobnicate', 'x.yaml');
    assert.equal(r.code, 3);
    assert.match(r.err, /--frobnicate/);
    assert.doesNotMatch(r.err, /\bat .+\.ts:\d+/);
    const none = crucible('validate');
    assert.equal(none.code, 3);
    assert.match(none.err, /give scenario files/);
  });

  test('--format json', () => {
    const r = crucible('validate', '--format', 'json', join(fixtures, 'cycle.yaml'));
    assert.equal(r.code, 3);
    const doc = JSON.parse(r.out) as { ok: boolean; problems: Array<{ line: number; message: string }> };
    assert.equal(doc.ok, false);
    assert.equal(doc.problems.length, 1);
    assert.match(doc.problems[0]!.message, /fragment cycle/);
  });
});
