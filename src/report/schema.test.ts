// schema/results.schema.json and src/results/model.ts stay in step: fixture documents (and their
// merge) validate against the schema (Ajv, draft 2020-12).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { validateSchema } from '../scenario/testing/json-schema.ts';
import { mergeDocuments } from './merge.ts';
import { conformanceDoc, fullDoc, loadDoc } from './test-fixtures.ts';

const ROOT = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'results.schema.json'), 'utf8'),
) as Record<string, unknown>;

const errorsOf = (doc: unknown): string[] => validateSchema(ROOT, doc);

describe('results.schema.json', () => {
  test('fixture documents and merges validate', () => {
    // Two shards of one run (the load result merges), one with a baseline, one interrupted.
    const a = fullDoc();
    a.run.shard = { index: 0, count: 2 };
    a.run.baseline = { source: 'suites/baselines/x', entries: 1 };
    const first = a.conformance?.cases[0];
    if (first)
      first.baseline = {
        status: 'expected',
        entry: { outcome: 'pass', kind: 'flaky', why: 'timing', source: 'x.yaml:3' },
      };
    const b = loadDoc();
    b.run.shard = { index: 1, count: 2 };
    b.run.interrupted = { signal: 'SIGTERM', at: '2026-01-01T10:00:30.000Z' };
    for (const doc of [conformanceDoc(), loadDoc(), fullDoc(), a, b, mergeDocuments([a, b])]) {
      assert.deepEqual(errorsOf(JSON.parse(JSON.stringify(doc))), []);
    }
  });

  test('the validator catches what the schema forbids', () => {
    const doc = JSON.parse(JSON.stringify(fullDoc()));
    doc.conformance.cases[0].outcome = 'passed';
    delete doc.load[0].ledger;
    doc.version = 2;
    const errors = errorsOf(doc);
    assert.ok(
      errors.some((e) => e.startsWith('$.conformance.cases.0.outcome:')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('$.load.0:') && e.includes("'ledger'")),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('$.version:')),
      errors.join('\n'),
    );
  });
});
