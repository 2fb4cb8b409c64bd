// The overall verdict of a results document and the exit code it maps to (DESIGN.md exit table):
// conformance fail/error -> 1, a failed load threshold -> 2, otherwise 0. When both happen, 1 wins
// (the conformance failure is the more fundamental problem; both are named in the summary).
import { EXIT, type ExitCode } from '../cli/exit-codes.ts';
import { isFailing } from '../results/grade.ts';
import type { CaseResult, ResultsDocument, ThresholdResult } from '../results/model.ts';

export interface Verdict {
  ok: boolean;
  failingCases: CaseResult[];
  failedThresholds: Array<ThresholdResult & { load: string; broker: string }>;
  saturatedGenerators: string[];
  exitCode: ExitCode;
  headline: string;
}

export function allCases(doc: ResultsDocument): CaseResult[] {
  return [...(doc.conformance?.cases ?? []), ...(doc.scenarios ?? [])];
}

export function verdictOf(doc: ResultsDocument): Verdict {
  const failingCases = allCases(doc).filter((c) => isFailing(c.outcome));
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
  const fails = failingCases.filter((c) => c.outcome === 'fail').length;
  const errors = failingCases.length - fails;
  if (fails > 0) problems.push(`${fails} failing case${fails === 1 ? '' : 's'}`);
  if (errors > 0) problems.push(`${errors} case error${errors === 1 ? '' : 's'}`);
  if (failedThresholds.length > 0) {
    problems.push(`${failedThresholds.length} threshold${failedThresholds.length === 1 ? '' : 's'} failed`);
  }
  let headline = problems.length === 0 ? 'PASS' : `FAIL: ${problems.join(', ')}`;
  // An interrupted run is never a pass: its results cover only what finished before the signal.
  if (stop)
    headline = `INTERRUPTED by ${stop.signal} (partial results)${problems.length ? `; ${headline}` : ''}`;
  return {
    ok: problems.length === 0 && !stop,
    failingCases,
    failedThresholds,
    saturatedGenerators,
    exitCode,
    headline,
  };
}
