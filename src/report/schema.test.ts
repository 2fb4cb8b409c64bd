// schema/results.schema.json and src/results/model.ts stay in step: fixture documents (and their
// merge) validate against the schema, with a small validator for the JSON Schema subset it uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { mergeDocuments } from './merge.ts';
import { conformanceDoc, fullDoc, loadDoc } from './test-fixtures.ts';

type Schema = Record<string, unknown>;
const ROOT = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'results.schema.json'), 'utf8'),
) as Schema;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function validate(v: unknown, s: Schema, path: string, errors: string[]): void {
  if (typeof s.$ref === 'string') {
    const def = (ROOT.$defs as Record<string, Schema>)[s.$ref.replace('#/$defs/', '')];
    if (!def) throw new Error(`unresolved ${s.$ref}`);
    validate(v, def, path, errors);
    return;
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const t = typeOf(v);
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) {
      errors.push(`${path}: expected ${types.join('|')}, got ${t}`);
      return;
    }
  }
  if ('const' in s && v !== s.const) errors.push(`${path}: expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(v)) errors.push(`${path}: ${JSON.stringify(v)} not in enum`);
  if (typeof s.minimum === 'number' && typeof v === 'number' && v < s.minimum)
    errors.push(`${path}: below minimum`);
  if (typeof s.maximum === 'number' && typeof v === 'number' && v > s.maximum)
    errors.push(`${path}: above maximum`);
  if (typeof s.pattern === 'string' && typeof v === 'string' && !new RegExp(s.pattern).test(v))
    errors.push(`${path}: pattern`);
  for (const sub of (s.allOf as Schema[] | undefined) ?? []) validate(v, sub, path, errors);
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of (s.required as string[] | undefined) ?? [])
      if (!(k in o)) errors.push(`${path}.${k}: required`);
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    for (const [k, x] of Object.entries(o)) {
      const ps =
        props[k] ??
        (typeof s.additionalProperties === 'object' ? (s.additionalProperties as Schema) : undefined);
      if (ps) validate(x, ps, `${path}.${k}`, errors);
    }
  }
  if (Array.isArray(v)) {
    const prefix = (s.prefixItems as Schema[] | undefined) ?? [];
    v.forEach((x, i) => {
      const is = prefix[i] ?? (s.items as Schema | undefined);
      if (is) validate(x, is, `${path}[${i}]`, errors);
    });
    if (typeof s.minItems === 'number' && v.length < s.minItems) errors.push(`${path}: too few items`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) errors.push(`${path}: too many items`);
  }
}

function errorsOf(doc: unknown): string[] {
  const errors: string[] = [];
  validate(doc, ROOT, '$', errors);
  return errors;
}

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
    assert.ok(errors.some((e) => e.includes('cases[0].outcome')));
    assert.ok(errors.some((e) => e.includes('load[0].ledger: required')));
    assert.ok(errors.some((e) => e.startsWith('$.version')));
  });
});
