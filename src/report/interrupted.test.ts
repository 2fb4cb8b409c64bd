// An interrupted run (run.interrupted) in every view: never a pass, exit 130 / 143, the headline, summary.md,
// JUnit (an erroring testcase) and the JSON Schema all say so.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { validateSchema } from '../scenario/testing/json-schema.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { loadDoc } from './test-fixtures.ts';
import { verdictOf } from './verdict.ts';

const SCHEMA = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'results.schema.json'), 'utf8'),
);

function passingInterrupted(signal: 'SIGINT' | 'SIGTERM') {
  const doc = loadDoc();
  for (const t of doc.load?.[0]?.thresholds ?? []) t.passed = true;
  doc.run.interrupted = { signal, at: '2026-01-01T10:00:12.000Z' };
  return doc;
}

describe('interrupted runs', () => {
  test('never a pass: exit 130 for SIGINT, 143 for SIGTERM, whatever the partial results say', () => {
    const a = verdictOf(passingInterrupted('SIGINT'));
    assert.equal(a.ok, false);
    assert.equal(a.exitCode, 130);
    assert.equal(a.headline, 'INTERRUPTED by SIGINT (partial results)');
    const b = verdictOf(passingInterrupted('SIGTERM'));
    assert.equal(b.exitCode, 143);
    const failing = loadDoc();
    failing.run.interrupted = { signal: 'SIGTERM', at: '2026-01-01T10:00:12.000Z' };
    assert.match(
      verdictOf(failing).headline,
      /^INTERRUPTED by SIGTERM \(partial results\); FAIL: 1 threshold failed$/,
    );
    assert.equal(verdictOf(failing).exitCode, 143);
  });

  test('summary.md and JUnit say so; the document validates against the schema', () => {
    const doc = passingInterrupted('SIGTERM');
    const md = renderMarkdown(doc);
    assert.match(md, /^## ❌ mqtt-crucible run: INTERRUPTED by SIGTERM/m);
    assert.match(md, /> ⚠️ \*\*Interrupted\*\* by SIGTERM at 2026-01-01T10:00:12\.000Z/);
    const xml = renderJunit(doc);
    assert.match(xml, /<testsuite name="crucible\.run"[^>]* errors="1"/);
    assert.match(
      xml,
      /<error message="run interrupted by SIGTERM at 2026-01-01T10:00:12\.000Z[^"]*" type="interrupted">/,
    );
    assert.match(xml, /<testsuites [^>]*errors="1"/);
    assert.deepEqual(validateSchema(SCHEMA, JSON.parse(JSON.stringify(doc))), []);
    const bad = JSON.parse(JSON.stringify(doc));
    bad.run.interrupted.signal = 'SIGKILL';
    assert.notDeepEqual(validateSchema(SCHEMA, bad), []);
  });
});
