// wait, set, parallel, barrier: steps that shape the conversation rather than touch the wire.
import type { Step, StepAction } from '../../scenario/model.ts';
import { type BarrierGroup, type CaseEnv, StepFailure } from './common.ts';

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    const onAbort = (): void => done();
    signal.addEventListener('abort', onAbort, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve();
    }
  });
}

export async function doWait(env: CaseEnv, a: StepAction & { kind: 'wait' }): Promise<void> {
  await sleep(a.ms, env.signal);
}

export function doSet(env: CaseEnv, a: StepAction & { kind: 'set' }): void {
  for (const [k, v] of Object.entries(a.vars)) env.vars[k] = env.resolve(v);
}

/**
 * Runs branches concurrently, each sequentially. The first branch to fail aborts its siblings (their
 * waits end at once) and its failure is the step's failure.
 */
export async function doParallel(env: CaseEnv, a: StepAction & { kind: 'parallel' }): Promise<void> {
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort();
  env.signal.addEventListener('abort', onOuterAbort, { once: true });
  const group: BarrierGroup = { size: a.branches.length, arrivals: new Map() };
  let first: unknown;
  try {
    await Promise.all(
      a.branches.map(async (steps) => {
        const branchEnv: CaseEnv = { ...env, signal: controller.signal, barrier: group };
        try {
          await env.runSteps(steps, branchEnv);
        } catch (e) {
          if (first === undefined) first = e;
          controller.abort();
        }
      }),
    );
  } finally {
    env.signal.removeEventListener('abort', onOuterAbort);
  }
  if (first !== undefined) throw first;
}

/** Waits until every branch of the enclosing `parallel` reached the barrier of this name. */
export async function doBarrier(
  env: CaseEnv,
  step: Step,
  a: StepAction & { kind: 'barrier' },
): Promise<void> {
  const group = env.barrier;
  if (!group || group.size <= 1) return;
  let entry = group.arrivals.get(a.name);
  if (!entry) {
    entry = { count: 0, release: [] };
    group.arrivals.set(a.name, entry);
  }
  entry.count++;
  if (entry.count >= group.size) {
    for (const r of entry.release) r();
    entry.release = [];
    return;
  }
  const ms = env.deadlineMs(step);
  const e = entry;
  const reached = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      env.signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    env.signal.addEventListener('abort', onAbort, { once: true });
    e.release.push(() => {
      clearTimeout(timer);
      env.signal.removeEventListener('abort', onAbort);
      resolve(true);
    });
  });
  if (!reached && !env.signal.aborted)
    throw new StepFailure(
      `barrier '${a.name}': only ${e.count} of ${group.size} branches arrived within ${ms}ms`,
    );
  if (!reached) throw new StepFailure(`barrier '${a.name}': aborted (another branch failed)`);
}
