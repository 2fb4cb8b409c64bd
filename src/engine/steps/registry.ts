// The step registry: one implementation per step kind of the scenario model. The table's type requires a
// key for every kind, so a kind added to the model without an implementation does not compile (it can no
// longer do nothing and pass).
import type { Step, StepAction } from '../../scenario/model.ts';
import { type CaseEnv, isRecord } from './common.ts';
import { doConnect, doDisconnect, doDrop, doOpen, urlFor } from './connection.ts';
import { closeWindowMs, expectClose, expectNothing, expectOn } from './expect.ts';
import { doFault } from './fault.ts';
import { doBarrier, doParallel, doSet, doWait } from './flow.ts';
import { doPublish, doSend, doSendMutated, doSendRaw, doSubscribe, doUnsubscribe } from './send.ts';
import { countWindow } from './window.ts';

type Kind = StepAction['kind'];
type ActionOf<K extends Kind> = Extract<StepAction, { kind: K }>;
export type StepHandler<K extends Kind> = (
  env: CaseEnv,
  step: Step,
  action: ActionOf<K>,
) => Promise<void> | void;

export const STEP_HANDLERS: { readonly [K in Kind]: StepHandler<K> } = {
  connect: (env, step, a) => doConnect(env, step, a),
  open: (env, step, a) => doOpen(env, step, a),
  send: (env, step, a) => doSend(env, step, a),
  sendRaw: (env, step, a) => doSendRaw(env, step, a),
  sendMutated: (env, step, a) => doSendMutated(env, step, a),
  expect: async (env, step, a) => {
    const matcher = env.resolve(a.matcher);
    if (a.withinMs === undefined) {
      await expectOn(env, env.client(step.client), matcher, a.skip, env.deadlineMs(step));
      return;
    }
    const match = isRecord(matcher.match) ? matcher.match : {};
    const capture = isRecord(matcher.capture) ? (matcher.capture as Record<string, string>) : {};
    await countWindow(env, [env.client(step.client)], {
      match,
      count: matcher.count,
      withinMs: a.withinMs,
      skip: a.skip,
      capture,
      ...(Array.isArray(matcher.including) ? { including: matcher.including.filter(isRecord) } : {}),
    });
  },
  expectAmong: async (env, _step, a) => {
    const match = env.resolve(a.match);
    await countWindow(
      env,
      a.clients.map((n) => env.client(n)),
      { match, count: env.resolve(a.count), withinMs: a.withinMs, skip: a.skip, capture: a.capture },
    );
  },
  expectNothing: (env, step, a) => expectNothing(env, env.client(step.client), a.forMs, a.except),
  expectClose: (env, step, a) =>
    expectClose(env, env.client(step.client), {
      ...a,
      withinMs: closeWindowMs(env, env.client(step.client), a),
    }),
  disconnect: (env, step, a) => doDisconnect(env, step, a),
  drop: (env, step) => doDrop(env, step),
  wait: (env, _step, a) => doWait(env, a),
  subscribe: (env, step, a) => doSubscribe(env, step, a),
  unsubscribe: (env, step, a) => doUnsubscribe(env, step, a),
  publish: (env, step, a) => doPublish(env, step, a),
  parallel: (env, _step, a) => doParallel(env, a),
  barrier: (env, step, a) => doBarrier(env, step, a),
  set: (env, _step, a) => doSet(env, a),
  fault: (env, step, a) => doFault(env, step, a, urlFor(env, env.client(step.client).transport)),
};

/** Runs one step with its kind's implementation. */
export async function runStep(step: Step, env: CaseEnv): Promise<void> {
  const handler = STEP_HANDLERS[step.action.kind] as StepHandler<Kind>;
  await handler(env, step, step.action as ActionOf<Kind>);
}
