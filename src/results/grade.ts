// Grading: from what a case run observed (pass / fail / error) and the case's level to the outcome
// reported, Autobahn-style: a failed SHOULD is non-strict, a failed MAY is informational.
import type { Level, Outcome } from './model.ts';

export type RawStatus = 'pass' | 'fail' | 'error';

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
