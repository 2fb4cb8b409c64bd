#!/usr/bin/env node
// Runs every *.bench.ts (tinybench micro-benchmarks and side-by-side broker/load benchmarks) one after another.
// Arguments filter by path substring: `npm run bench -- codec`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.bench.ts')) files.push(p);
  }
}
for (const root of ['src', 'reference-broker']) {
  try {
    walk(root);
  } catch {}
}
const selected = files.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
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
