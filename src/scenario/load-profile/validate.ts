// Load profile validation (kind: load). Owned by the load engineer; this is the contract the YAML loader calls.
import type { Problem } from '../model.ts';

/** What the YAML loader hands over: the plain value and a way to find the line/column of any path. */
export interface LoadedYaml {
  file: string;
  value: unknown;
  locate(path: ReadonlyArray<string | number>): { line: number; column: number };
}

/** The validated load profile; the full type lives beside this file once written. */
export type LoadProfile = { kind: 'load'; id: string; file: string } & Record<string, unknown>;

export function validateLoadProfile(doc: LoadedYaml): { profile?: LoadProfile; problems: Problem[] } {
  const problems: Problem[] = [];
  const v = doc.value as Record<string, unknown> | null;
  if (!v || typeof v !== 'object' || typeof v.id !== 'string') {
    const at = doc.locate(['id']);
    problems.push({ file: doc.file, line: at.line, column: at.column, field: 'id', message: 'a load profile needs an id' });
    return { problems };
  }
  return { profile: { ...v, kind: 'load', id: v.id, file: doc.file }, problems };
}
