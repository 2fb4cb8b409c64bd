// Reads one YAML file into a plain value plus a locator that maps any path to file:line:column.
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar } from 'yaml';
import type { Problem } from './model.ts';
import { fieldOf, type Path } from './problems.ts';

export interface YamlSource {
  file: string;
  value: unknown;
  /** Position of the value at path (or of its nearest existing ancestor). */
  locate(path: Path): { line: number; column: number };
  /** Position of the key at path (for unknown-key problems); falls back to the value. */
  locateKey(path: Path): { line: number; column: number };
  /** Block scalars (`|`, `>`): their content starts on the next line. */
  isBlockScalar(path: Path): boolean;
  /** Text of a 1-based line ('' when out of range). */
  lineText(line: number): string;
  /** YAML syntax errors and read errors, with positions. */
  problems: Problem[];
}

type AnyNode = Node | null | undefined;

function child(node: AnyNode, key: string | number): { key?: Node; value: AnyNode } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (k === key || String(k) === String(key)) {
        return { key: pair.key as Node, value: pair.value as AnyNode };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof key === 'number') {
    const v = node.items[key];
    return v === undefined ? undefined : { value: v as AnyNode };
  }
  return undefined;
}

export function readYamlFile(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`;
    return {
      file,
      value: undefined,
      locate: () => ({ line: 1, column: 1 }),
      locateKey: () => ({ line: 1, column: 1 }),
      isBlockScalar: () => false,
      lineText: () => '',
      problems: [{ file, line: 1, column: 1, field: '', message }],
    };
  }
  return parseYamlText(text, file);
}

export function parseYamlText(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const problems: Problem[] = [];
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  for (const e of [...doc.errors, ...doc.warnings]) {
    const at = e.pos ? pos(e.pos[0]) : { line: 1, column: 1 };
    const message = e.message.split('\n')[0] ?? e.message;
    problems.push({
      file,
      ...at,
      field: '',
      message: `YAML ${doc.errors.includes(e as never) ? 'syntax error' : 'warning'}: ${message}`,
    });
  }
  const walk = (path: Path): { node: AnyNode; key?: Node; found: boolean } => {
    let node: AnyNode = doc.contents as AnyNode;
    let key: Node | undefined;
    for (const k of path) {
      const c = child(node, k);
      if (!c) return { node, found: false, ...(key ? { key } : {}) };
      node = c.value;
      key = c.key;
    }
    return { node, found: true, ...(key ? { key } : {}) };
  };
  const nodePos = (n: AnyNode | Node) => (n?.range ? pos(n.range[0]) : undefined);
  const locate = (path: Path) => {
    // the value, else its key (a key with an empty value), else the nearest ancestor
    for (let i = path.length; i >= 0; i--) {
      const w = walk(path.slice(0, i));
      const p = nodePos(w.node) ?? (w.key ? nodePos(w.key) : undefined);
      if (w.found && p) return p;
      if (w.found && w.key) return nodePos(w.key) ?? { line: 1, column: 1 };
    }
    return { line: 1, column: 1 };
  };
  const locateKey = (path: Path) => {
    const w = walk(path);
    if (w.found && w.key) return nodePos(w.key) ?? locate(path);
    return locate(path);
  };
  const isBlockScalar = (path: Path) => {
    const w = walk(path);
    return (
      w.found &&
      isScalar(w.node) &&
      (w.node.type === Scalar.BLOCK_LITERAL || w.node.type === Scalar.BLOCK_FOLDED)
    );
  };
  let value: unknown;
  try {
    value = doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    problems.push({
      file,
      line: 1,
      column: 1,
      field: fieldOf([]),
      message: `YAML: ${(err as Error).message}`,
    });
  }
  const lines = text.split('\n');
  const lineText = (n: number) => lines[n - 1] ?? '';
  return { file, value, locate, locateKey, isBlockScalar, lineText, problems };
}
