// runCase: one concrete case, start to finish. Sequential steps (parallel branches inside), a deadline
// on every step and on the whole case, every socket destroyed at the end whatever happened. Never
// throws, never hangs, never prints.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Failure } from '../results/model.ts';
import { resolveVars, VarError } from '../scenario/index.ts';
import type { CaseSpec, Step } from '../scenario/model.ts';
import { ScenarioClient } from './client.ts';
import { inboundCheck } from './inbound-check.ts';
import { protocolLevel } from './packet-defaults.ts';
import { type CaseEnv, StepError, StepFailure } from './steps/common.ts';
import { closeProxies } from './steps/fault.ts';
import { runStep } from './steps/registry.ts';
import { Transcript } from './transcript.ts';
import type { CaseRunContext, CaseRunOutcome } from './types.ts';

const DEFAULT_STEP_MS = 2000;
const CASE_MARGIN_MS = 5000;
const CASE_CAP_MS = 15 * 60_000;
const CLEANUP_MARGIN_MS = 2000;

/** Per-run topic prefix and client-id stem, unique across concurrent runs. */
/**
 * Topic prefix and client-id stem of one run of a case. Both use only `[a-z0-9]` and `/`, characters every
 * broker passes through unchanged (RabbitMQ, for one, maps `.` to `/`), so a broker's character quirk fails
 * the one case about it (topics.punctuation-unchanged), not every case.
 */
export function uniqueRunIds(caseId: string): { t: string; cid: string } {
  const cid = `c${randomBytes(8).readBigUInt64BE().toString(36).padStart(11, '0').slice(-11)}`;
  const safe = caseId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 80);
  return { t: `crucible/${cid.slice(1, 7)}/${safe}`, cid };
}

function clientIdFor(cid: string, name: string): string {
  return `${cid}${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 23);
}

function flatten(steps: Step[], out: Step[] = []): Step[] {
  for (const s of steps) {
    out.push(s);
    if (s.action.kind === 'parallel') for (const b of s.action.branches) flatten(b, out);
  }
  return out;
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

export async function runCase(spec: CaseSpec, ctx: CaseRunContext): Promise<CaseRunOutcome> {
  const transcript = new Transcript();
  const started = performance.now();
  // the caller may fix t / cid (conformance does); otherwise this run gets its own
  const given = ctx.vars;
  const ids =
    typeof given.t === 'string' && typeof given.cid === 'string'
      ? { t: given.t, cid: given.cid }
      : uniqueRunIds(spec.id);
  const clientIds: Record<string, string> = {};
  const flat = flatten(spec.steps);
  const names = new Set<string>(Object.keys(spec.clients));
  for (const s of [...flat, ...flatten(spec.cleanup ?? [])]) {
    if (s.client) names.add(s.client);
    if (s.action.kind === 'expectAmong') for (const c of s.action.clients) names.add(c);
  }
  const vars: Record<string, unknown> = {
    ...ctx.vars,
    ...spec.params,
    t: ids.t,
    cid: ids.cid,
    client: clientIds,
  };
  for (const n of names) clientIds[n] = clientIdFor(ids.cid, n);
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort();
  if (ctx.signal) {
    if (ctx.signal.aborted) controller.abort();
    else ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
  }
  const indexOf = new Map<Step, number>();
  for (const [i, s] of flat.entries()) indexOf.set(s, i);
  const base = (s: Step): number =>
    s.timeoutMs ?? ctx.defaultTimeoutMs ?? spec.defaultTimeoutMs ?? DEFAULT_STEP_MS;

  /** An environment with its own clients, findings and signal (the case's steps, then its cleanup). */
  const makeEnv = (signal: AbortSignal, onStep: (s: Step) => void, state: CaseEnv['state']): CaseEnv => {
    const env: CaseEnv = {
      spec,
      ctx,
      transcript,
      vars,
      clients: new Map(),
      findings: [],
      signal,
      state,
      barrier: undefined,
      client(name) {
        if (!name) throw new StepError('step has no client');
        let c = env.clients.get(name);
        if (!c) {
          const cs = spec.clients[name];
          const version = protocolLevel(cs?.version ?? spec.version);
          const fixedId = cs?.clientId !== undefined ? String(env.resolve(cs.clientId)) : undefined;
          const id = fixedId ?? clientIds[name] ?? clientIdFor(ids.cid, name);
          const isWs = /^wss?:/i.test(ctx.brokerUrl);
          c = new ScenarioClient(
            name,
            id,
            version,
            cs?.transport ?? (isWs ? 'ws' : 'tcp'),
            transcript,
            inboundCheck(env),
            ctx.maxInboundPacketBytes,
          );
          env.clients.set(name, c);
          clientIds[name] = id;
        }
        return c;
      },
      versionOf(name) {
        return env.client(name).version;
      },
      deadlineMs: base,
      resolve<T>(value: T): T {
        try {
          return resolveVars(value, env.vars) as T;
        } catch (e) {
          if (e instanceof VarError) throw new StepError(e.message);
          throw e;
        }
      },
      indexOf(step) {
        return indexOf.get(step) ?? -1;
      },
      async runSteps(steps: Step[], e: CaseEnv): Promise<void> {
        for (const step of steps) {
          if (e.signal.aborted) throw new StepFailure('aborted');
          onStep(step);
          await runStep(step, e);
        }
      },
    };
    return env;
  };
  let current: Step | undefined;
  const env = makeEnv(
    controller.signal,
    (s) => {
      current = s;
    },
    { anySent: false, connectAttempts: 0 },
  );
  for (const [name, cs] of Object.entries(spec.clients))
    if (cs.clientId === undefined) clientIds[name] ??= clientIdFor(ids.cid, name);
  const runSteps = (steps: Step[], e: CaseEnv): Promise<void> => e.runSteps(steps, e);

  const budget = Math.min(
    CASE_CAP_MS,
    spec.steps.reduce((n, s) => n + stepBudget(s, base), 0) + CASE_MARGIN_MS,
  );
  let hardTimer: NodeJS.Timeout | undefined;
  const hardDeadline = new Promise<'hard-deadline'>((resolve) => {
    hardTimer = setTimeout(() => resolve('hard-deadline'), budget);
  });

  let status: CaseRunOutcome['status'] = 'pass';
  let reason: string | undefined;
  let failure: Failure | undefined;
  let errorKind: CaseRunOutcome['errorKind'];
  try {
    const r = await Promise.race([runSteps(spec.steps, env).then(() => 'done' as const), hardDeadline]);
    if (r === 'done' && ctx.signal?.aborted) {
      status = 'error';
      reason = 'interrupted';
      errorKind = 'internal';
    } else if (r === 'hard-deadline') {
      controller.abort();
      status = 'error';
      reason = `case exceeded its hard deadline of ${budget}ms`;
      errorKind = 'internal';
    }
  } catch (e) {
    const step = current;
    const stepInfo = step
      ? {
          stepIndex: indexOf.get(step) ?? -1,
          step: describeStep(step),
          source: { file: step.loc.file, line: step.loc.line },
        }
      : { stepIndex: -1, step: '(case)' };
    if (ctx.signal?.aborted) {
      status = 'error';
      reason = `interrupted during ${stepInfo.step}`;
      errorKind = 'internal';
      failure = { ...stepInfo, message: 'interrupted' };
    } else if (e instanceof StepFailure) {
      status = 'fail';
      reason = `${stepInfo.step}: ${e.message}`;
      failure = { ...stepInfo, message: e.message };
      if (e.expected !== undefined) failure.expected = e.expected;
      if (e.actual !== undefined) failure.actual = e.actual;
      if (e.statement !== undefined) failure.statement = e.statement;
    } else {
      status = 'error';
      const msg = e instanceof Error ? e.message : String(e);
      reason = e instanceof StepError && e.kind === 'unreachable' ? msg : `${stepInfo.step}: ${msg}`;
      errorKind = e instanceof StepError ? e.kind : 'internal';
      failure = { ...stepInfo, message: msg };
    }
    if (step) transcript.event(step.client ?? '', `step failed: ${reason}`);
  } finally {
    clearTimeout(hardTimer);
    ctx.signal?.removeEventListener('abort', onOuterAbort);
    controller.abort();
  }
  // A broker that flooded a client with packets no step consumed fails the case even when no later
  // step read from that client (the stream was cut at the inbox limit).
  const flooded = [...env.clients.values()].find((c) => c.flood !== undefined);
  if (status === 'pass' && flooded) {
    status = 'fail';
    reason = `${flooded.name}: ${flooded.flood}`;
    failure = { stepIndex: -1, step: `${flooded.name} inbox`, message: flooded.flood ?? 'flood' };
  }
  await closeAll([...env.clients.values()]);
  await closeProxies(env.state);
  // Cleanup: always after the steps (unless nothing ever reached the broker), never changes the outcome.
  if (spec.cleanup && spec.cleanup.length > 0 && env.state.anySent && errorKind !== 'unreachable')
    await runCleanup(spec.cleanup, transcript, base, (signal, onStep) =>
      makeEnv(signal, onStep, { anySent: true, connectAttempts: 1 }),
    );
  // Strict checker findings: a MUST finding fails an otherwise passing case, citing the statement.
  const must = env.findings.find((f) => f.severity === 'must');
  if (status === 'fail' && must && failure && failure.statement === undefined)
    failure.statement = must.statement;
  if (status === 'pass' && must) {
    status = 'fail';
    reason = `${must.statement}: ${must.message}`;
    failure = {
      stepIndex: -1,
      step: `${must.client ?? ''} inbound check`.trim(),
      message: must.message,
      statement: must.statement,
    };
  }
  const out: CaseRunOutcome = {
    status,
    findings: env.findings,
    transcript: transcript.finish(),
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    vars: env.vars,
  };
  if (reason !== undefined) out.reason = reason;
  if (failure !== undefined) out.failure = failure;
  if (errorKind !== undefined) out.errorKind = errorKind;
  if (env.state.variations?.length) out.variations = [...new Set(env.state.variations)];
  if (env.state.nonStrict?.length) out.nonStrict = [...new Set(env.state.nonStrict)];
  return out;
}

/**
 * Runs a case's cleanup steps on fresh connections (the case's own connections are closed by then),
 * with their own deadlines and a hard deadline of their own. Success or failure is a transcript event;
 * the strict checker's findings during cleanup are not the case's.
 */
async function runCleanup(
  steps: Step[],
  transcript: Transcript,
  base: (s: Step) => number,
  makeEnv: (signal: AbortSignal, onStep: (s: Step) => void) => CaseEnv,
): Promise<void> {
  const controller = new AbortController();
  let current: Step | undefined;
  const env = makeEnv(controller.signal, (s) => {
    current = s;
  });
  const budget = Math.min(
    CASE_CAP_MS,
    steps.reduce((n, s) => n + stepBudget(s, base), 0) + CLEANUP_MARGIN_MS,
  );
  transcript.event('', `cleanup: ${steps.length} step${steps.length === 1 ? '' : 's'}`);
  let timer: NodeJS.Timeout | undefined;
  const hard = new Promise<'hard-deadline'>((resolve) => {
    timer = setTimeout(() => resolve('hard-deadline'), budget);
  });
  try {
    const r = await Promise.race([env.runSteps(steps, env).then(() => 'done' as const), hard]);
    if (r === 'hard-deadline')
      transcript.event(current?.client ?? '', `cleanup failed: exceeded its deadline of ${budget}ms`);
    else transcript.event('', 'cleanup: done');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    transcript.event(
      current?.client ?? '',
      `cleanup failed: ${current ? describeStep(current) : '(cleanup)'}: ${msg}`,
    );
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  await closeAll([...env.clients.values()]);
  await closeProxies(env.state);
}

/** Case end: every socket goes. A client that closed cleanly gets a short grace to finish its FIN
 *  handshake (an RST right behind a DISCONNECT upsets some brokers); everything else is destroyed. */
async function closeAll(clients: ScenarioClient[]): Promise<void> {
  const ending = clients.filter((c) => c.closedByUs && c.conn && !c.conn.closed);
  for (const c of clients) if (!ending.includes(c)) c.destroy();
  if (ending.length > 0) {
    await Promise.race([
      Promise.all(ending.map((c) => new Promise<void>((r) => c.conn?.onClose(() => r())))),
      new Promise<void>((r) => setTimeout(r, 500).unref()),
    ]);
    for (const c of ending) c.destroy();
  }
}
