// Stand-alone reading of one load profile file (for benches, tests and tools that do not go through
// src/scenario's loader). Same validator; problems carry file:line:column.
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { Problem } from '../model.ts';
import type { LoadProfile } from './model.ts';
import { type LoadedYaml, validateLoadProfile } from './validate.ts';

function loadedYamlFromText(text: string, file: string): { doc?: LoadedYaml; problems: Problem[] } {
  const lc = new LineCounter();
  const ydoc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (ydoc.errors.length > 0) {
    return {
      problems: ydoc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          field: '(yaml)',
          message: e.message.split('\n')[0] ?? e.message,
        };
      }),
    };
  }
  const locate = (path: ReadonlyArray<string | number>): { line: number; column: number } => {
    for (let n = path.length; n >= 0; n--) {
      const node = ydoc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lc.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 1, column: 1 };
  };
  return { doc: { file, value: ydoc.toJS(), locate }, problems: [] };
}

export function loadProfileText(text: string, file: string): { profile?: LoadProfile; problems: Problem[] } {
  const { doc, problems } = loadedYamlFromText(text, file);
  if (!doc) return { problems };
  return validateLoadProfile(doc);
}

export function loadProfileFile(file: string): { profile?: LoadProfile; problems: Problem[] } {
  return loadProfileText(readFileSync(file, 'utf8'), file);
}
