// runCase: one concrete case, start to finish. Sequential steps (parallel branches inside), a deadline
// on every step and on the whole case, every socket destroyed at the end whatever happened. Never
// throws, never hangs, never prints. The phases, in order, each in a file of its own:
//   prepare (case-prepare.ts) -> environment (case-env.ts) -> run the steps under the case deadline
//   (case-steps.ts) -> collect: inbox floods (case-collect.ts) -> close every socket, then cleanup
//   (case-close.ts) -> collect: strict-checker findings, then the outcome (case-collect.ts).
import { performance } from 'node:perf_hooks';
import type { CaseSpec, Step } from '../scenario/model.ts';
import { closeCase } from './case-close.ts';
import { buildOutcome, weighFindings, weighFlood } from './case-collect.ts';
import { createEnv, type EnvInput } from './case-env.ts';
import { prepareCase } from './case-prepare.ts';
import { runUnderDeadline } from './case-steps.ts';
import { Transcript } from './transcript.ts';
import type { CaseRunContext, CaseRunOutcome } from './types.ts';

export { uniqueRunIds } from './case-prepare.ts';
export { describeStep } from './case-steps.ts';

export async function runCase(spec: CaseSpec, ctx: CaseRunContext): Promise<CaseRunOutcome> {
  const transcript = new Transcript();
  const started = performance.now();
  const plan = prepareCase(spec, ctx);
  const abort = linkAbort(ctx.signal);
  const input: EnvInput = { spec, ctx, plan, transcript };
  let current: Step | undefined;
  const env = createEnv(
    input,
    abort.controller.signal,
    (s) => {
      current = s;
    },
    { anySent: false, connectAttempts: 0 },
  );
  const verdict = await runUnderDeadline({
    env,
    steps: spec.steps,
    base: plan.base,
    current: () => current,
    outer: ctx.signal,
    controller: abort.controller,
  });
  abort.release();
  weighFlood(verdict, env.clients.values());
  await closeCase(env, spec.cleanup, verdict.errorKind, plan.base, (signal, onStep) =>
    createEnv(input, signal, onStep, { anySent: true, connectAttempts: 1 }),
  );
  weighFindings(verdict, env.findings);
  return buildOutcome(verdict, env, started);
}

/** The case's own abort controller, aborted with the caller's signal; release() unhooks and aborts it. */
function linkAbort(outer: AbortSignal | undefined): { controller: AbortController; release(): void } {
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort();
  if (outer) {
    if (outer.aborted) controller.abort();
    else outer.addEventListener('abort', onOuterAbort, { once: true });
  }
  return {
    controller,
    release() {
      outer?.removeEventListener('abort', onOuterAbort);
      controller.abort();
    },
  };
}
