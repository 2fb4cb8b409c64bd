// The files under the given roots (skipping node_modules, and roots that do not exist) whose names end with
// `suffix`, sorted: the test and benchmark runners find their files with it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function findFiles(roots, suffix) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules') continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(suffix)) files.push(p);
    }
  };
  for (const root of roots) {
    try {
      walk(root);
    } catch {}
  }
  return files.sort();
}
