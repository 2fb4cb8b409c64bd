#!/usr/bin/env node
// Finds every *.test.ts under src/ and reference-broker/ and runs them with node's test runner
// through tsx. `--unit` skips *.integration.test.ts. Extra arguments filter by path substring.
import { spawnSync } from 'node:child_process';
import { findFiles } from './find-files.mjs';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));
const files = findFiles(['src', 'reference-broker', 'scripts'], '.test.ts');
const selected = files
  .filter((f) => !unitOnly || !f.endsWith('.integration.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...selected],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
