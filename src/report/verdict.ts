// The overall verdict of a results document and the exit code it maps to (DESIGN.md exit table):
// a gating case (grade.ts `gates`: fail/error, or under a baseline what moved against it) -> 1, a failed
// load threshold -> 2, otherwise 0. When both happen, 1 wins (the conformance failure is the more
// fundamental problem; both are named in the summary). Every view's headline is this one.
import { EXIT, type ExitCode } from '../common/exit-codes.ts';
import { gates, isExpected } from '../results/grade.ts';
import type { CaseResult, ResultsDocument, ThresholdResult } from '../results/model.ts';

export interface Verdict {
  ok: boolean;
  /** Cases that make the run fail (see `gates`). */
  failingCases: CaseResult[];
  /** Deviations the baseline accepts (not failures). */
  expectedCases: CaseResult[];
  /** Cases whose --repeat attempts differed. */
  flakyCases: CaseResult[];
  failedThresholds: Array<ThresholdResult & { load: string; broker: string }>;
  saturatedGenerators: string[];
  exitCode: ExitCode;
  headline: string;
}

export function allCases(doc: ResultsDocument): CaseResult[] {
  return [...(doc.conformance?.cases ?? []), ...(doc.scenarios ?? [])];
}

export function verdictOf(doc: ResultsDocument): Verdict {
  const cases = allCases(doc);
  const failingCases = cases.filter(gates);
  const expectedCases = cases.filter(isExpected);
  const flakyCases = cases.filter((c) => c.flaky === true);
  const failedThresholds: Verdict['failedThresholds'] = [];
  const saturatedGenerators: string[] = [];
  for (const r of doc.load ?? []) {
    for (const t of r.thresholds)
      if (!t.passed) failedThresholds.push({ ...t, load: r.id, broker: r.broker });
    if (r.generator.saturated) saturatedGenerators.push(`${r.id} [${r.broker}]`);
  }
  const stop = doc.run.interrupted;
  const exitCode = stop
    ? stop.signal === 'SIGINT'
      ? EXIT.interruptedSigint
      : EXIT.interruptedSigterm
    : failingCases.length > 0
      ? EXIT.conformanceFailure
      : failedThresholds.length > 0
        ? EXIT.thresholdFailure
        : EXIT.ok;
  const problems: string[] = [];
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const fails = failingCases.filter((c) => c.outcome === 'fail').length;
  const errors = failingCases.filter((c) => c.outcome === 'error').length;
  const other = failingCases.length - fails - errors;
  if (fails > 0) problems.push(plural(fails, 'failing case'));
  if (errors > 0) problems.push(plural(errors, 'case error'));
  if (other > 0) problems.push(`${plural(other, 'case')} moved against the baseline`);
  if (failedThresholds.length > 0) problems.push(`${plural(failedThresholds.length, 'threshold')} failed`);
  const notes: string[] = [];
  if (expectedCases.length > 0) notes.push(plural(expectedCases.length, 'expected deviation'));
  if (flakyCases.length > 0) notes.push(`${flakyCases.length} flaky`);
  const tail = notes.length ? ` (${notes.join(', ')})` : '';
  let headline = problems.length === 0 ? `PASS${tail}` : `FAIL: ${problems.join(', ')}${tail}`;
  // An interrupted run is never a pass: its results cover only what finished before the signal.
  if (stop)
    headline = `INTERRUPTED by ${stop.signal} (partial results)${problems.length ? `; ${headline}` : ''}`;
  return {
    ok: problems.length === 0 && !stop,
    failingCases,
    expectedCases,
    flakyCases,
    failedThresholds,
    saturatedGenerators,
    exitCode,
    headline,
  };
}
