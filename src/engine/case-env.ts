// The environment steps run in (CaseEnv): clients made on first use, variable resolution, step indexes and
// the sequential step loop. The case's steps get one, its cleanup another (fresh clients, own findings).
import { resolveVars, VarError } from '../scenario/index.ts';
import type { CaseSpec, Step } from '../scenario/model.ts';
import type { CasePlan } from './case-prepare.ts';
import { clientIdFor } from './case-prepare.ts';
import { ScenarioClient } from './client.ts';
import { inboundCheck } from './inbound-check.ts';
import { protocolLevel } from './packet-defaults.ts';
import { type CaseEnv, StepError, StepFailure } from './steps/common.ts';
import { runStep } from './steps/registry.ts';
import type { Transcript } from './transcript.ts';
import type { CaseRunContext } from './types.ts';

export interface EnvInput {
  spec: CaseSpec;
  ctx: CaseRunContext;
  plan: CasePlan;
  transcript: Transcript;
}

/** An environment with its own clients, findings and signal; onStep hears of each step before it runs. */
export function createEnv(
  { spec, ctx, plan, transcript }: EnvInput,
  signal: AbortSignal,
  onStep: (s: Step) => void,
  state: CaseEnv['state'],
): CaseEnv {
  const { clientIds, ids } = plan;
  const env: CaseEnv = {
    spec,
    ctx,
    transcript,
    vars: plan.vars,
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
    deadlineMs: plan.base,
    resolve<T>(value: T): T {
      try {
        return resolveVars(value, env.vars) as T;
      } catch (e) {
        if (e instanceof VarError) throw new StepError(e.message);
        throw e;
      }
    },
    indexOf(step) {
      return plan.indexOf.get(step) ?? -1;
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
}
