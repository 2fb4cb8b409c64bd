// Grading: from what a case run observed (pass / fail / error) and the case's level to the outcome
// reported, Autobahn-style: a failed SHOULD is non-strict, a failed MAY is informational.
import type { CaseResult, Level, Outcome } from './model.ts';

type RawStatus = 'pass' | 'fail' | 'error';

export function grade(status: RawStatus, level: Level): Outcome {
  if (status === 'pass' || status === 'error') return status;
  if (level === 'should') return 'non-strict';
  if (level === 'may') return 'informational';
  return 'fail';
}

/** Outcomes ordered from worst to best, for statement verdicts and merges. */
export const OUTCOME_ORDER: readonly Outcome[] = [
  'error',
  'fail',
  'non-strict',
  'informational',
  'pass',
  'not-applicable',
];

export function worst(outcomes: Iterable<Outcome>): Outcome {
  let best = OUTCOME_ORDER.length - 1;
  for (const o of outcomes) best = Math.min(best, OUTCOME_ORDER.indexOf(o));
  return OUTCOME_ORDER[best] ?? 'not-applicable';
}

/** Does this outcome make a run fail (exit 1)? */
export function isFailing(o: Outcome): boolean {
  return o === 'fail' || o === 'error';
}

/** Does this case make the run fail (exit 1)? The one rule every view follows (console, summary.md, JUnit,
 *  HTML and the exit code). Without a baseline: a failing outcome. Under a baseline: only what moved against
 *  it (`new` or `worse`); an expected deviation, a declared-flaky entry or a case doing better do not gate. */
export function gates(c: Pick<CaseResult, 'outcome' | 'baseline'>): boolean {
  if (c.baseline) return c.baseline.status === 'new' || c.baseline.status === 'worse';
  return isFailing(c.outcome);
}

/** A deviation the baseline accepts (fail, error, non-strict or informational that does not gate): shown as
 *  "expected" (one line in the console, skipped in JUnit), never as a failure. */
export function isExpected(c: Pick<CaseResult, 'outcome' | 'baseline'>): boolean {
  return c.baseline !== undefined && !gates(c) && c.outcome !== 'pass' && c.outcome !== 'not-applicable';
}
