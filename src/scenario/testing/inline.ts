// Test helpers: the cases of an inline YAML body (a 5.0 scenario file holding just `cases:`), with its
// problems as text, and the shipped scenario JSON Schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblems, loadText } from '../index.ts';
import type { CaseSpec } from '../model.ts';

export function loadCases(body: string): { cases: CaseSpec[]; problems: string } {
  const r = loadText(`version: "5.0"\ncases:\n${body}`, 'x.yaml');
  return { cases: r.conversations[0]?.cases ?? [], problems: formatProblems(r.problems) };
}

export const SCENARIO_SCHEMA = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', '..', 'schema', 'scenario.schema.json'), 'utf8'),
) as Record<string, unknown>;
