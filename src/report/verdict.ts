// The overall verdict of a results document and the exit code it maps to (docs/exit-codes.md): an
// interrupted run -> 130/143, a gating case (grade.ts `gates`: fail/error, or under a baseline what moved
// against it) -> 1, a failed load threshold -> 2, otherwise 0; several at once follow the one precedence
// rule (`decideExit`, src/common/exit-codes.ts): 1 wins over 2 (both are named in the summary). Every
// view's headline is this one, and every command that produces or reads a results document exits with
// this code (combined, by the same rule, with situations outside the document: unreachable broker, a
// failed reporter). `compareVerdictOf` is the same for two documents (`crucible compare`).
import { decideExit, EXIT, type ExitCode, exitCodeForSignal } from '../common/exit-codes.ts';
import { gates, isExpected } from '../results/grade.ts';
import type { CaseResult, ResultsDocument, ThresholdResult } from '../results/model.ts';
import type { Incomparable, IncomparableKind } from './comparable.ts';
import type { Comparison } from './compare.ts';

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

/** What a verdict reads of a results document (a whole document, or the load results of a run so far). */
export interface VerdictInput {
  run: Pick<ResultsDocument['run'], 'interrupted'>;
  conformance?: Pick<NonNullable<ResultsDocument['conformance']>, 'cases'>;
  scenarios?: ResultsDocument['scenarios'];
  load?: ResultsDocument['load'];
}

export function allCases(doc: VerdictInput): CaseResult[] {
  return [...(doc.conformance?.cases ?? []), ...(doc.scenarios ?? [])];
}

export function verdictOf(doc: VerdictInput): Verdict {
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
  const exitCode = decideExit(
    stop ? exitCodeForSignal(stop.signal) : undefined,
    failingCases.length > 0 ? EXIT.conformanceFailure : undefined,
    failedThresholds.length > 0 ? EXIT.thresholdFailure : undefined,
  );
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

/** Each reason two runs cannot be compared, as its exit code (docs/exit-codes.md). */
const INCOMPARABLE_EXIT: Record<IncomparableKind, ExitCode> = {
  'missing-cases': EXIT.compareMissingCases,
  'missing-load': EXIT.compareMissingLoad,
  'interrupted-or-saturated': EXIT.compareUnusableRun,
  'different-selection': EXIT.compareDifferentSelection,
};

/**
 * The exit code of `crucible compare`: the runs cannot be compared -> 10-13 (by the reason
 * `checkComparable` gives), otherwise a regression -> 2, none -> 0.
 */
export function compareVerdictOf(
  result: { incomparable: Incomparable } | { comparison: Comparison },
): ExitCode {
  if ('incomparable' in result) return INCOMPARABLE_EXIT[result.incomparable.kind];
  return result.comparison.regressions > 0 ? EXIT.thresholdFailure : EXIT.ok;
}
