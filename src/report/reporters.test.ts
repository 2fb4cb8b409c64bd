import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { UsageError } from '../common/exit-codes.ts';
import { ConsoleReporter } from './console.ts';
import { jsonForScript } from './html/template.ts';
import { createReporters, REPORTER_NAMES, ReporterMux } from './index.ts';
import { renderMarkdown } from './markdown.ts';
import { conformanceDoc, fullDoc, loadDoc } from './test-fixtures.ts';
import { verdictOf } from './verdict.ts';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let buf = '';
  out.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
  });
  return { out, text: () => buf };
}

describe('createReporters', () => {
  test('knows every reporter and splits comma lists', () => {
    assert.deepEqual([...REPORTER_NAMES].sort(), ['console', 'html', 'json', 'junit', 'markdown']);
    const rs = createReporters(['console,json', 'junit', 'json'], { outDir: '/nonexistent' });
    assert.deepEqual(
      rs.map((r) => r.name),
      ['console', 'json', 'junit'],
    );
  });

  test('an unknown name is a UsageError naming --reporter and the allowed names', () => {
    assert.throws(
      () => createReporters(['console', 'xml'], { outDir: '.' }),
      (e: unknown) =>
        e instanceof UsageError &&
        /--reporter/.test(e.message) &&
        /'xml'/.test(e.message) &&
        /html/.test(e.message),
    );
  });

  test('file reporters write their files into outDir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crucible-rep-'));
    try {
      const files: string[] = [];
      const mux = new ReporterMux(createReporters(['json', 'junit', 'markdown', 'html'], { outDir: dir }));
      files.push(...(await mux.onEnd(fullDoc())));
      assert.deepEqual(
        files.map((f) => f.slice(dir.length + 1)),
        ['results.json', 'junit.xml', 'summary.md', 'index.html'],
      );
      const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
      assert.equal(json.format, 'mqtt-crucible/results');
      const html = await readFile(join(dir, 'index.html'), 'utf8');
      assert.doesNotMatch(
        html,
        /<(script|link|img)[^>]+(src|href)=["']?https?:/i,
        'nothing fetched from the network',
      );
      assert.equal(html.match(/<\/script>/gi)?.length, 3, 'only the three real script elements close');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('console reporter', () => {
  test('progress marks, failures with statements, expected/actual and transcript tail, counts, load table', async () => {
    const { out, text } = capture();
    const r = new ConsoleReporter({ out, color: false });
    const doc = fullDoc();
    const cases = doc.conformance?.cases ?? [];
    r.onBegin({ command: 'conform', total: cases.length });
    for (const c of cases) r.onCaseEnd(c);
    await r.onEnd(doc);
    const s = text();
    assert.match(s, /crucible conform: 32 case\(s\)/);
    assert.match(s, /\.\.\.N-\.IE/);
    assert.match(s, /FAIL connect\.reserved-flag@5\.0 \[mosquitto, MQTT 5\.0, must\]/);
    assert.match(s, /statements: MQTT-3\.1\.2-3/);
    assert.match(s, /expected: \{"cmd":"publish","qos":2/);
    assert.match(s, /transcript \(last 8 of 11\)/);
    assert.match(
      s,
      /mosquitto: 6 pass, 2 fail, 2 non-strict, 2 informational, 2 not-applicable, 2 error \(16 total\)/,
    );
    assert.match(s, /deliver\.intended +5,000/);
    assert.match(s, /threshold ✗ FAIL {2}delivered >= 99\.99%/);
    assert.doesNotMatch(s, /\x1b\[/, 'no colour when not asked');
  });

  test('colour when asked', async () => {
    const { out, text } = capture();
    await new ConsoleReporter({ out, color: true }).onEnd(conformanceDoc());
    assert.match(text(), /\x1b\[31m/);
  });
});

describe('markdown and verdict', () => {
  test('headline, per-broker counts, failing cases, load and thresholds', () => {
    const md = renderMarkdown(fullDoc());
    assert.match(md, /^## ❌ mqtt-crucible start: FAIL: 2 failing cases, 4 case errors, 1 threshold failed/);
    assert.match(md, /\| mosquitto \| 6 \| 2 \| 2 \| 2 \| 2 \| 2 \| 16 \|/);
    assert.match(md, /\| mosquitto \| 5\.0 \| `connect\.reserved-flag@5\.0` \| fail \| MQTT-3\.1\.2-3 \|/);
    assert.match(md, /\| ❌ \| `delivered >= 99\.99%` \| 99\.94% \|/);
  });

  test('exit codes: conformance failure 1, threshold 2, ok 0', () => {
    assert.equal(verdictOf(fullDoc()).exitCode, 1);
    assert.equal(verdictOf(loadDoc()).exitCode, 2);
    const ok = loadDoc();
    for (const t of ok.load?.[0]?.thresholds ?? []) t.passed = true;
    assert.equal(verdictOf(ok).exitCode, 0);
    assert.equal(verdictOf(ok).headline, 'PASS');
  });

  test('embedded JSON cannot close the script element', () => {
    const s = jsonForScript({ x: '</script><!-- <b>&' });
    assert.doesNotMatch(s, /<\/script|<!--/i);
    assert.deepEqual(JSON.parse(s), { x: '</script><!-- <b>&' });
  });
});
