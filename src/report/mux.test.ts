// ReporterMux: hooks reach only the reporters that implement them; a reporter that throws or rejects is
// reported once by name and the others still run. Real reporters (json, junit, console) next to failing ones.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { CaseResult } from '../results/model.ts';
import { ConsoleReporter } from './console.ts';
import { JsonReporter } from './json.ts';
import { JunitReporter } from './junit.ts';
import { ReporterMux } from './mux.ts';
import type { Reporter } from './reporter.ts';
import { conformanceDoc } from './test-fixtures.ts';
import { verdictOf } from './verdict.ts';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}

/** A view whose rendering is broken: every hook throws (or rejects). */
class BrokenReporter implements Reporter {
  calls = 0;
  constructor(readonly name: string) {}
  onBegin(): void {
    this.calls++;
    throw new Error('begin broke');
  }
  onCaseEnd(): void {
    this.calls++;
    throw new Error('case broke');
  }
  async onEnd(): Promise<string[]> {
    this.calls++;
    throw new Error('disk full');
  }
}

describe('ReporterMux', () => {
  test('a throwing reporter does not stop the others; its error is reported once, by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crucible-mux-'));
    try {
      const err = sink();
      const out = sink();
      const broken = new BrokenReporter('html');
      const mux = new ReporterMux(
        [new ConsoleReporter({ out: out.stream, color: false }), broken, new JsonReporter(dir)],
        { err: err.stream },
      );
      const doc = conformanceDoc();
      const cases = doc.conformance?.cases as CaseResult[];
      mux.onBegin({ command: 'conform', total: cases.length });
      for (const c of cases) mux.onCaseEnd(c);
      const written = await mux.onEnd(doc);
      assert.deepEqual(written, [join(dir, 'results.json')], 'the reporter after the broken one still wrote');
      const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
      assert.equal(json.run.id, doc.run.id);
      assert.match(out.text(), /FAIL/, 'the console reporter before it still printed its summary');
      assert.ok(broken.calls > 2, 'a failed reporter is still called for the later hooks');
      assert.equal(err.text(), 'crucible: reporter html failed: begin broke\n', 'reported once, no stack');
      assert.deepEqual(mux.failed, [{ name: 'html', message: 'begin broke' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a rejected onEnd of a real reporter is reported with its name; the others still write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crucible-mux-'));
    try {
      const err = sink();
      // junit writes <outDir>/junit.xml: a file where the directory should be makes it fail.
      const notADir = join(dir, 'file');
      await writeFile(notADir, '');
      const mux = new ReporterMux([new JunitReporter(notADir), new JsonReporter(dir)], { err: err.stream });
      const doc = conformanceDoc();
      const written = await mux.onEnd(doc, verdictOf(doc));
      assert.deepEqual(written, [join(dir, 'results.json')]);
      assert.match(err.text(), /^crucible: reporter junit failed: .*(ENOTDIR|EEXIST)/);
      assert.doesNotMatch(err.text(), /\n\s+at /, 'no stack trace');
      assert.deepEqual(
        mux.failed.map((f) => f.name),
        ['junit'],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('hooks are optional: a reporter with none of them is fine, and an async hook that rejects is caught', async () => {
    const err = sink();
    const seen: string[] = [];
    const quiet: Reporter = { name: 'quiet' };
    const asyncBroken = {
      name: 'markdown',
      onCaseEnd: async () => {
        throw new Error('late failure');
      },
    } as unknown as Reporter;
    const listener: Reporter = {
      name: 'listener',
      onBegin: (i) => seen.push(`begin ${i.total}`),
      onLoadProgress: (p) => seen.push(`progress ${p.profile}`),
      onEnd: async (_doc, v) => {
        seen.push(`end ${v.exitCode}`);
        return [];
      },
    };
    const mux = new ReporterMux([quiet, asyncBroken, listener], { err: err.stream });
    const doc = conformanceDoc();
    mux.onBegin({ command: 'run', total: 2 });
    mux.onCaseEnd(doc.conformance?.cases[0] as CaseResult);
    mux.onLoadProgress({ profile: 'smoke' } as Parameters<ReporterMux['onLoadProgress']>[0]);
    assert.deepEqual(await mux.onEnd(doc), []);
    assert.deepEqual(seen, ['begin 2', 'progress smoke', 'end 1']);
    assert.equal(err.text(), 'crucible: reporter markdown failed: late failure\n');
    assert.ok(mux.has('listener'));
    assert.ok(!mux.has('html'));
  });
});
