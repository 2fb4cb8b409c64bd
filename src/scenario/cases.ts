// A scenario file's cases: file defaults, case fields, param/version loops, then steps per expansion.
// Two phases: the case as written, checked once (case-form.ts), then one CaseSpec per parameter
// combination (case-expand.ts).
import { expandCase } from './case-expand.ts';
import { type FileDefaults, readCaseForm } from './case-form.ts';
import { type Checker, isObj } from './context.ts';
import type { CaseSpec } from './model.ts';
import type { Path } from './problems.ts';
import { CASE_KEYS } from './vocabulary.ts';

export { caseIdSites } from './case-expand.ts';
export { checkVersion, type FileDefaults } from './case-form.ts';

/** Parses one case (as written) into its concrete expansions. */
export function parseCase(
  ck: Checker,
  raw: unknown,
  path: Path,
  d: FileDefaults,
  extraKeys: readonly string[] = [],
): CaseSpec[] {
  const c = ck.obj(raw, path, 'a case');
  if (!c) return [];
  ck.unknownKeys(c, path, [...CASE_KEYS, ...extraKeys], 'case');
  const form = readCaseForm(ck, c, path, d);
  return expandCase(ck, c, path, form, d.fragments);
}

export function isCaseLike(v: unknown): boolean {
  return isObj(v) && (v.id !== undefined || v.steps !== undefined);
}
