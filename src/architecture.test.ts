// The import boundaries of docs/architecture.md, checked: every source file's imports must be allowed by the
// map's "may import" column, every source file must be listed in its folder's row, and the reference broker
// may import nothing of the harness but src/protocol. Tests, benchmarks and testing/ helpers are exempt. The HTML
// report's browser code (src/report/html/client) reaches no Node module and no package.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

interface Row {
  mayImport: Set<string>;
  files: Set<string>;
}

/** The map table of docs/architecture.md: folder -> what it may import and the files it holds. */
function readMap(): Map<string, Row> {
  const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const map = new Map<string, Row>();
  for (const line of doc.split('\n')) {
    const m = /^\| `src\/([a-z-]+)` \|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|$/.exec(line);
    if (!m) continue;
    const list = (cell: string) =>
      cell
        .split(',')
        .map((x) => x.trim().replace(/`/g, ''))
        .filter((x) => x !== '' && x !== '—');
    map.set(m[1] as string, {
      mayImport: new Set(list(m[3] as string)),
      files: new Set(list(m[5] as string)),
    });
  }
  return map;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'testing' && name !== 'node_modules') out.push(...sourceFiles(p));
    } else if (/\.ts$/.test(name) && !/\.(test|bench)\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Relative module specifiers of static imports, re-exports and dynamic imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = (m[1] ?? m[2]) as string;
    if (spec.startsWith('.')) out.push(spec);
  }
  return out;
}

test('docs/architecture.md has a map row for every folder of src/', () => {
  const map = readMap();
  const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
  assert.deepEqual([...map.keys()].sort(), folders.sort());
});

test('every import follows the map, and every source file is on it', () => {
  const map = readMap();
  const problems: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file).split(sep);
    if (rel.length < 2) continue; // files directly under src/ (this test's neighbours) are not layered
    const folder = rel[0] as string;
    const row = map.get(folder);
    if (!row) continue; // reported by the test above
    const inFolder = rel.slice(1).join('/');
    if (!row.files.has(inFolder)) problems.push(`src/${folder}/${inFolder} is not listed in its map row`);
    for (const spec of importsOf(file)) {
      const target = relative(SRC, resolve(dirname(file), spec)).split(sep);
      const to = target[0] as string;
      if (to === '..' || to === folder) continue;
      if (!row.mayImport.has(to))
        problems.push(`src/${rel.join('/')} imports src/${target.join('/')}: ${folder} may not import ${to}`);
    }
  }
  assert.deepEqual(problems, []);
});

/** Imports of reference-broker/ (under root) that reach beyond reference-broker/ and src/protocol. */
function referenceBrokerProblems(root: string): string[] {
  const problems: string[] = [];
  for (const file of sourceFiles(join(root, 'reference-broker'))) {
    for (const spec of importsOf(file)) {
      const target = resolve(dirname(file), spec);
      const rel = relative(root, target).split(sep);
      if (rel[0] === 'reference-broker') continue;
      if (rel[0] !== 'src' || rel[1] !== 'protocol')
        problems.push(`${relative(root, file)} imports ${rel.join('/')}`);
    }
  }
  return problems;
}

test('the reference broker imports nothing of the harness but src/protocol', () => {
  assert.deepEqual(referenceBrokerProblems(ROOT), []);
});

test('the reference broker check bites: an import of src/transport is reported, src/protocol is not', () => {
  const root = mkdtempSync(join(tmpdir(), 'crucible-arch-'));
  try {
    mkdirSync(join(root, 'reference-broker', 'src', 'testing'), { recursive: true });
    const write = (path: string, text: string) => writeFileSync(join(root, 'reference-broker', path), text);
    write('src/ok.ts', "import { encode } from '../../src/protocol/codec.ts';\n");
    write('src/bad.ts', "import { connect } from '../../src/transport/index.ts';\n");
    write('src/lazy.ts', "export const load = () => import('../../src/engine/index.ts');\n");
    write('src/bad.test.ts', "import { connect } from '../../src/transport/index.ts';\n");
    write('src/testing/helper.ts', "import { connect } from '../../../src/transport/index.ts';\n");
    assert.deepEqual(referenceBrokerProblems(root).sort(), [
      'reference-broker/src/bad.ts imports src/transport/index.ts',
      'reference-broker/src/lazy.ts imports src/engine/index.ts',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** Static imports and re-exports of a file, each with whether it is type-only (erased when bundled). */
function importsWithKind(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  const re =
    /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'"`;]*?from\s*)?'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text))
    out.push({ spec: (m[2] ?? m[3]) as string, typeOnly: !!m[1] });
  return out;
}

test('the HTML client imports only pure modules of src/report, the grading rule and types of src/results', () => {
  const client = join(SRC, 'report', 'html', 'client');
  const problems: string[] = [];
  const seen = new Set<string>();
  // Everything the bundle holds: the client's files and every module they import for its values, transitively.
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { spec, typeOnly } of importsWithKind(file)) {
      const from = relative(ROOT, file);
      if (!spec.startsWith('.')) {
        if (!typeOnly) problems.push(`${from} imports the package ${spec} (the client runs in the browser)`);
        continue;
      }
      const target = resolve(dirname(file), spec);
      const [top, area] = relative(SRC, target).split(sep);
      if (typeOnly) {
        if (top !== 'results' && top !== 'report') problems.push(`${from} imports types of ${spec}`);
        continue;
      }
      // src/results/grade.ts is the one grading rule; it is pure (it imports only types), so the page shares it.
      if (top === 'results' && area === 'grade.ts') visit(target);
      else if (top !== 'report')
        problems.push(`${from} imports ${spec}: only src/report modules are bundled`);
      else if (area === 'html' && !target.startsWith(client))
        problems.push(`${from} imports ${spec}: the report's server side`);
      else visit(target);
    }
  };
  for (const name of readdirSync(client).filter((n) => /\.ts$/.test(n) && !/\.test\.ts$/.test(n)))
    visit(join(client, name));
  assert.deepEqual(problems, []);
  assert.ok(seen.has(join(SRC, 'report', 'format.ts')), 'the client shares format.ts with the other views');
});
