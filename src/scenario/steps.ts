// Steps: one action per step, validated and turned into the model's Step. Fragments (`use:`) are
// inlined here, with their `with:` variables substituted, so the engine never sees `use`.
import { type Checker, isObj, type Obj, typeName } from './context.ts';
import { checkCapture, checkCount, checkMatcher } from './matchers.ts';
import type { MatcherSpec, Step, StepAction } from './model.ts';
import { checkCmdList } from './packets.ts';
import { didYouMean, type Path } from './problems.ts';
import {
  duration,
  parseExpectClose,
  parseSendMutated,
  parseSubscribe,
  parseUnsubscribe,
} from './step-actions.ts';
import {
  parseConnect,
  parseDisconnect,
  parseDrop,
  parseExpect,
  parseExpectNothing,
  parseOpen,
  parsePublish,
  parseSend,
  parseSendRaw,
  parseWait,
} from './step-basic.ts';
import { parseFaultStep } from './step-fault.ts';

import { findVarRefs, hasVarRef, substituteVars } from './vars.ts';
import { CLIENTLESS_ACTIONS, STEP_ACTIONS, STEP_COMMON_KEYS } from './vocabulary.ts';

export { duration } from './step-actions.ts';

export interface StepEnv {
  /** The file's `fragments:` map as written. */
  fragments: Obj | undefined;
  /** Plan-time variables (loop params, and `with:` values inside a fragment). */
  vars: Record<string, unknown>;
  /** Fragment names being inlined (cycle detection). */
  useStack: string[];
  captures: Set<string>;
  setVars: Set<string>;
  parallelDepth: number;
  defaultTimeoutMs: number;
  /** Record `${...}` references for the variable check (off when checking a fragment on its own). */
  collectRefs: boolean;
  /** Steps this case may still expand to (params x fragments); shared by its expansions. */
  stepBudget?: { left: number; reported?: boolean };
}

export function parseSteps(ck: Checker, value: unknown, path: Path, env: StepEnv): Step[] {
  if (!Array.isArray(value)) {
    ck.problem(path, `steps must be a list, got ${typeName(value)}`);
    return [];
  }
  const budget = env.stepBudget;
  if (budget) {
    budget.left -= value.length;
    if (budget.left < 0) {
      if (!budget.reported)
        ck.problem(
          path,
          `steps expand past ${MAX_EXPANDED_STEPS} per case (params x fragment uses)`,
          'use fragments fewer times, or split the case',
        );
      budget.reported = true;
      return [];
    }
  }
  return value.flatMap((s, i) => parseStep(ck, s, [...path, i], env));
}

/** Steps one case may expand to, over all its parameter combinations and fragment uses. */
export const MAX_EXPANDED_STEPS = 20_000;

const ACTION_LIST: readonly string[] = STEP_ACTIONS;

function parseStep(ck: Checker, raw: unknown, path: Path, env: StepEnv): Step[] {
  if (!isObj(raw)) {
    ck.problem(path, `a step must be a map like { client: a, connect: {} }, got ${typeName(raw)}`);
    return [];
  }
  const actions = Object.keys(raw).filter((k) => ACTION_LIST.includes(k));
  const allowed = [...STEP_COMMON_KEYS, ...ACTION_LIST, 'with'];
  const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
  for (const k of unknown) {
    const what = actions.length === 0 ? 'step action' : 'step key';
    ck.problem([...path, k], `unknown ${what} '${k}'`, didYouMean(k, allowed, 40), true);
  }
  if (actions.length === 0) {
    if (unknown.length === 0)
      ck.problem(path, 'step has no action', `add one of: ${STEP_ACTIONS.join(', ')}`);
    return [];
  }
  if (actions.length > 1) {
    ck.problem(
      path,
      `a step has exactly one action, found ${actions.join(' and ')}`,
      'split it into separate steps',
    );
    return [];
  }
  const action = actions[0]!;
  if (raw.with !== undefined && action !== 'use')
    ck.problem([...path, 'with'], "'with' only goes with 'use'", undefined, true);
  if (env.collectRefs && action !== 'use') {
    for (const r of findVarRefs(raw, [...path])) ck.refs.push({ ...r, at: r.path });
  }
  let client: string | undefined;
  if (raw.client !== undefined) {
    if (CLIENTLESS_ACTIONS.has(action))
      ck.problem([...path, 'client'], `'${action}' takes no client`, undefined, true);
    else client = ck.str(raw.client, [...path, 'client'], 'client');
  } else if (!CLIENTLESS_ACTIONS.has(action)) {
    ck.problem(path, `'${action}' needs a client`, `add client: <name>, e.g. { client: a, ${action}: ... }`);
  }
  const label = raw.label === undefined ? undefined : ck.str(raw.label, [...path, 'label'], 'label');
  const timeoutMs =
    raw.timeout === undefined ? undefined : duration(ck, raw.timeout, [...path, 'timeout'], 'timeout');
  const at = [...path, action];
  const v = raw[action];
  if (action === 'use') return inlineFragment(ck, v, raw.with, path, env);
  const built = parseAction(ck, action, v, at, {
    ...env,
    defaultTimeoutMs: timeoutMs ?? env.defaultTimeoutMs,
  });
  if (!built) return [];
  const step: Step = { client, label, timeoutMs, action: built, loc: ck.loc(path) };
  ck.stepPaths.set(step, path);
  return [step];
}

/** One parser per step action: the action's value -> the model's StepAction (undefined when invalid). */
type ActionParser = (ck: Checker, v: unknown, at: Path, env: StepEnv) => StepAction | undefined;

const ACTION_PARSERS: Record<string, ActionParser> = {
  connect: parseConnect,
  open: parseOpen,
  send: parseSend,
  sendRaw: parseSendRaw,
  sendMutated: parseSendMutated,
  expect: parseExpect,
  expectAmong: parseExpectAmong,
  expectNothing: parseExpectNothing,
  expectClose: parseExpectClose,
  disconnect: parseDisconnect,
  drop: parseDrop,
  wait: parseWait,
  subscribe: parseSubscribe,
  unsubscribe: parseUnsubscribe,
  publish: parsePublish,
  parallel: parseParallel,
  barrier: parseBarrier,
  fault: parseFaultStep,
  set: parseSet,
};

function parseAction(
  ck: Checker,
  action: string,
  v: unknown,
  at: Path,
  env: StepEnv,
): StepAction | undefined {
  const parse = Object.hasOwn(ACTION_PARSERS, action) ? ACTION_PARSERS[action] : undefined;
  return parse?.(ck, v, at, env);
}

/** `parallel: [[steps], [steps], ...]` */
function parseParallel(ck: Checker, v: unknown, at: Path, env: StepEnv): StepAction | undefined {
  if (!Array.isArray(v) || v.length === 0) {
    ck.problem(at, 'parallel must be a list of branches, each a list of steps');
    return undefined;
  }
  const inner = { ...env, parallelDepth: env.parallelDepth + 1 };
  const branches = v.map((b, i) => parseSteps(ck, b, [...at, i], inner));
  return { kind: 'parallel', branches };
}

/** `barrier: <name>` (inside a parallel branch) */
function parseBarrier(ck: Checker, v: unknown, at: Path, env: StepEnv): StepAction | undefined {
  const name = ck.str(v, at, 'barrier name');
  if (env.parallelDepth === 0) ck.problem(at, 'barrier only makes sense inside a parallel branch');
  return name === undefined ? undefined : { kind: 'barrier', name };
}

/** `set: { name: value }` */
function parseSet(ck: Checker, v: unknown, at: Path, env: StepEnv): StepAction | undefined {
  const o = ck.obj(v, at, 'set');
  if (!o) return undefined;
  for (const k of Object.keys(o)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k))
      ck.problem([...at, k], `'${k}' is not a valid variable name`, undefined, true);
    env.setVars.add(k);
  }
  return { kind: 'set', vars: o };
}

function inlineFragment(ck: Checker, name: unknown, withVars: unknown, path: Path, env: StepEnv): Step[] {
  const at = [...path, 'use'];
  if (typeof name !== 'string' || hasVarRef(name)) {
    ck.problem(at, `use takes a fragment name, got ${typeName(name)}`);
    return [];
  }
  const names = Object.keys(env.fragments ?? {});
  if (!env.fragments || !Object.hasOwn(env.fragments, name)) {
    ck.problem(
      at,
      `undefined fragment '${name}'`,
      names.length ? didYouMean(name, names) : 'define it under fragments: at the top of the file',
    );
    return [];
  }
  if (env.useStack.includes(name)) {
    ck.problem(at, `fragment cycle: ${[...env.useStack, name].join(' -> ')}`);
    return [];
  }
  let w: Obj = {};
  if (withVars !== undefined) {
    const o = ck.obj(withVars, [...path, 'with'], 'with');
    if (o) w = o;
    if (env.collectRefs)
      for (const r of findVarRefs(w, [...path, 'with'])) ck.refs.push({ ...r, at: r.path });
  }
  const body = substituteVars(env.fragments[name], { ...env.vars, ...w });
  return parseSteps(ck, body, ['fragments', name], { ...env, useStack: [...env.useStack, name] });
}

/** `expectAmong: { clients: [a, b], match: {...}, count: 1, within: 500ms, skip: [...], capture: {...} }` */
function parseExpectAmong(ck: Checker, v: unknown, at: Path, env: StepEnv): StepAction | undefined {
  const o = ck.obj(v, at, 'expectAmong');
  if (!o) return undefined;
  ck.unknownKeys(o, at, ['clients', 'match', 'count', 'within', 'skip', 'capture'], 'expectAmong');
  const clients: string[] = [];
  if (!Array.isArray(o.clients) || o.clients.length === 0)
    ck.problem(
      [...at, 'clients'],
      'expectAmong needs clients: a non-empty list of client names',
      'e.g. clients: [m1, m2]',
    );
  else
    o.clients.forEach((c, i) => {
      const name = ck.str(c, [...at, 'clients', i], 'client name');
      if (name === undefined) return;
      if (clients.includes(name)) ck.problem([...at, 'clients', i], `client '${name}' is listed twice`);
      else clients.push(name);
    });
  let match: MatcherSpec | undefined;
  if (o.match === undefined) ck.problem(at, 'expectAmong needs match: { ... } (the packets to count)');
  else match = checkMatcher(ck, o.match, [...at, 'match'], env.captures, { shape: 'one' });
  const count = o.count ?? 1;
  if (o.count !== undefined) checkCount(ck, o.count, [...at, 'count'], true);
  if (o.within === undefined)
    ck.problem(at, "expectAmong needs 'within' (the counting window)", 'e.g. within: 500ms');
  const withinMs = o.within === undefined ? undefined : duration(ck, o.within, [...at, 'within'], 'within');
  const skip = o.skip === undefined ? [] : checkCmdList(ck, o.skip, [...at, 'skip'], 'skip');
  const capture =
    o.capture === undefined ? {} : checkCapture(ck, o.capture, [...at, 'capture'], env.captures);
  if (!match || withinMs === undefined || clients.length === 0) return undefined;
  return { kind: 'expectAmong', clients, match, count, withinMs, skip, capture };
}
