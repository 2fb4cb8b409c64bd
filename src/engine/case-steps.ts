// Phase 3 of a case (run): the steps in order under the case's hard deadline, and what ended them put
// into a verdict (pass, fail with expected versus actual, or error with its kind).
import type { Failure } from '../results/model.ts';
import type { Step } from '../scenario/model.ts';
import { type CaseEnv, StepError, StepFailure } from './steps/common.ts';
import type { CaseRunOutcome } from './types.ts';

const CASE_MARGIN_MS = 5000;
const CASE_CAP_MS = 15 * 60_000;

/** The outcome of the steps, before findings and floods are weighed in. */
export interface Verdict {
  status: CaseRunOutcome['status'];
  reason?: string;
  failure?: Failure;
  errorKind?: CaseRunOutcome['errorKind'];
}

/** One-line description of a step for reports, e.g. "sub expect publish". */
export function describeStep(step: Step): string {
  const a = step.action;
  const who = step.client ? `${step.client} ` : '';
  let detail = '';
  const cmdOf = (m: unknown): string =>
    m && typeof m === 'object' && 'cmd' in m ? ` ${String((m as { cmd: unknown }).cmd)}` : '';
  if (a.kind === 'send' || a.kind === 'sendMutated') detail = cmdOf(a.packet);
  else if (a.kind === 'expect') detail = cmdOf(a.matcher.match ?? a.matcher);
  else if (a.kind === 'wait') detail = ` ${a.ms}ms`;
  else if (a.kind === 'expectNothing') detail = ` for ${a.forMs}ms`;
  else if (a.kind === 'expectAmong') detail = ` [${a.clients.join(', ')}]${cmdOf(a.match)}`;
  else if (a.kind === 'barrier') detail = ` ${a.name}`;
  return `${step.label ? `${step.label}: ` : ''}${who}${a.kind}${detail}`;
}

function stepBudget(step: Step, base: (s: Step) => number): number {
  const a = step.action;
  switch (a.kind) {
    case 'wait':
      return a.ms;
    case 'expectNothing':
      return a.forMs;
    case 'expectClose':
      return a.withinMs;
    case 'expectAmong':
      return a.withinMs;
    case 'expect':
      return a.withinMs ?? base(step);
    case 'connect':
      return 2 * base(step);
    case 'publish':
      return 2 * base(step);
    case 'parallel':
      return Math.max(0, ...a.branches.map((b) => b.reduce((n, s) => n + stepBudget(s, base), 0)));
    default:
      return base(step);
  }
}

/** Hard deadline of a list of steps: the sum of their budgets plus a margin, capped at 15 minutes. */
export function hardBudget(steps: Step[], base: (s: Step) => number, marginMs: number): number {
  return Math.min(CASE_CAP_MS, steps.reduce((n, s) => n + stepBudget(s, base), 0) + marginMs);
}

export interface StepRun {
  env: CaseEnv;
  steps: Step[];
  base: (s: Step) => number;
  /** The step running now (set by the env's onStep). */
  current: () => Step | undefined;
  /** The caller's signal: aborted means interrupted. */
  outer: AbortSignal | undefined;
  /** Aborts the running steps when the hard deadline passes. */
  controller: AbortController;
}

/** Runs the steps until they end, fail, or the hard deadline passes. Never throws. */
export async function runUnderDeadline(r: StepRun): Promise<Verdict> {
  const budget = hardBudget(r.steps, r.base, CASE_MARGIN_MS);
  let hardTimer: NodeJS.Timeout | undefined;
  const hardDeadline = new Promise<'hard-deadline'>((resolve) => {
    hardTimer = setTimeout(() => resolve('hard-deadline'), budget);
  });
  try {
    const done = r.env.runSteps(r.steps, r.env).then(() => 'done' as const);
    const end = await Promise.race([done, hardDeadline]);
    if (end === 'done' && r.outer?.aborted)
      return { status: 'error', reason: 'interrupted', errorKind: 'internal' };
    if (end === 'hard-deadline') {
      r.controller.abort();
      return {
        status: 'error',
        reason: `case exceeded its hard deadline of ${budget}ms`,
        errorKind: 'internal',
      };
    }
    return { status: 'pass' };
  } catch (e) {
    const step = r.current();
    const v = verdictOfError(e, step, r.env, r.outer?.aborted === true);
    if (step) r.env.transcript.event(step.client ?? '', `step failed: ${v.reason}`);
    return v;
  } finally {
    clearTimeout(hardTimer);
  }
}

/** What a step threw: a StepFailure fails the case, anything else is an error (interrupted first). */
function verdictOfError(e: unknown, step: Step | undefined, env: CaseEnv, interrupted: boolean): Verdict {
  const stepInfo = step
    ? {
        stepIndex: env.indexOf(step),
        step: describeStep(step),
        source: { file: step.loc.file, line: step.loc.line },
      }
    : { stepIndex: -1, step: '(case)' };
  if (interrupted)
    return {
      status: 'error',
      reason: `interrupted during ${stepInfo.step}`,
      errorKind: 'internal',
      failure: { ...stepInfo, message: 'interrupted' },
    };
  if (e instanceof StepFailure) {
    const failure: Failure = { ...stepInfo, message: e.message };
    if (e.expected !== undefined) failure.expected = e.expected;
    if (e.actual !== undefined) failure.actual = e.actual;
    if (e.statement !== undefined) failure.statement = e.statement;
    return { status: 'fail', reason: `${stepInfo.step}: ${e.message}`, failure };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return {
    status: 'error',
    reason: e instanceof StepError && e.kind === 'unreachable' ? msg : `${stepInfo.step}: ${msg}`,
    errorKind: e instanceof StepError ? e.kind : 'internal',
    failure: { ...stepInfo, message: msg },
  };
}
