#!/usr/bin/env node
// Runs every *.bench.ts (tinybench micro-benchmarks and side-by-side broker/load benchmarks) one after another.
// Arguments filter by path substring: `npm run bench -- codec`.
import { spawnSync } from 'node:child_process';
import { findFiles } from './find-files.mjs';

const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = findFiles(['src', 'reference-broker'], '.bench.ts');
const selected = files.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (selected.length === 0) {
  console.error('no benchmark matched');
  process.exit(3);
}
let failed = 0;
for (const f of selected) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', f], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
