import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { UsageError } from '../common/exit-codes.ts';
import { parseFlags } from './args.ts';
import { checkOutDir, planOutput } from './output.ts';

const D = { reporters: ['console'], outDir: 'reports/latest' };
const plan = (...argv: string[]) =>
  planOutput(
    parseFlags(argv, { out: { type: 'string' }, reporter: { type: 'string', multiple: true } }, 't'),
    D,
  );

describe('planOutput', () => {
  test('--out without --reporter writes the default set; results.json whenever --out or files', () => {
    assert.deepEqual(plan().reporters, ['console']);
    assert.deepEqual(plan('--out', 'x').reporters, ['console', 'json', 'junit', 'markdown', 'html']);
    assert.equal(plan('--out', 'x').outDir, resolve('x'));
    assert.deepEqual(plan('--reporter', 'console', '--out', 'x').reporters, ['console', 'json']);
    assert.deepEqual(plan('--reporter', 'junit,html').reporters, ['junit', 'html', 'json']);
    assert.equal(plan('--reporter', 'junit').outDir, resolve('reports/latest'));
  });

  test('--out - sends json to stdout and the human output to stderr; file reporters are refused', () => {
    const p = plan('--out', '-');
    assert.equal(p.jsonToStdout, true);
    assert.equal(p.human, process.stderr);
    assert.deepEqual(p.reporters, ['console', 'json']);
    assert.deepEqual(plan('--reporter', 'json', '--out', '-').reporters, ['json']);
    assert.throws(
      () => plan('--reporter', 'html', '--out', '-'),
      /--out -: standard output takes the json reporter only \(got html\)/,
    );
  });
});

describe('checkOutDir', () => {
  test('creates missing directories; refuses files, /proc and unwritable places with UsageError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crucible-out-'));
    try {
      checkOutDir(join(dir, 'a', 'b'));
      const file = join(dir, 'f');
      writeFileSync(file, '');
      const refused = (d: string, m: RegExp) =>
        assert.throws(
          () => checkOutDir(d),
          (e: unknown) => e instanceof UsageError && e.exitCode === 3 && m.test(e.message),
        );
      refused(file, /not a directory/);
      refused(join(file, 'x'), /cannot use it \(ENOTDIR\)/);
      refused('/proc', /^--out \/proc: not writable/);
      // Must return at once: mkdirSync's recursive mode never returns under /proc on node 20.
      refused('/proc/crucible/a/b', /cannot create it \(ENOENT at \/proc\/crucible\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
