// Runs suite cases against one broker: requirements -> not applicable, otherwise the engine, graded by level.
import { runCase, uniqueRunIds } from '../engine/index.ts';
import { grade, worst } from '../results/grade.ts';
import type { BrokerInfo, CaseResult, Outcome } from '../results/model.ts';
import type { CaseSpec } from '../scenario/model.ts';
import type { ConnectOptions } from '../transport/index.ts';
import { type Capabilities, detectCapabilities } from './capabilities.ts';
import { mapPool } from './pool.ts';
import type { BrokerProfile } from './profile.ts';
import { unmetRequirement } from './requirements.ts';

export interface ConformanceOptions {
  brokerUrl: string;
  wsUrl?: string | undefined;
  tls?: ConnectOptions['tls'];
  label: string;
  profile: BrokerProfile;
  cases: CaseSpec[];
  concurrency: number;
  repeat: number;
  probeTimeoutMs: number;
  stepTimeoutMs?: number | undefined;
  /** Skip detection and use these (tests, or a profile that pins them). */
  capabilities?: Capabilities;
  onBegin?: (info: { total: number; broker: BrokerInfo }) => void;
  onCaseEnd?: (result: CaseResult) => void;
}

export interface ConformanceRun {
  broker: BrokerInfo;
  cases: CaseResult[];
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceRun> {
  const auth = opts.profile.auth as { username?: string; password?: string } | undefined;
  const caps =
    opts.capabilities ??
    (await detectCapabilities({
      brokerUrl: opts.brokerUrl,
      wsUrl: opts.wsUrl,
      timeoutMs: opts.probeTimeoutMs,
      auth,
      ...(opts.tls ? { tls: opts.tls } : {}),
    }));
  const broker: BrokerInfo = {
    label: opts.label,
    url: opts.brokerUrl,
    capabilities: { ...caps },
    profile: opts.profile,
  };
  opts.onBegin?.({ total: opts.cases.length, broker });
  const cases = await mapPool(opts.cases, opts.concurrency, async (spec) => {
    const result = await runOne(spec, caps, opts);
    opts.onCaseEnd?.(result);
    return result;
  });
  return { broker, cases };
}

async function runOne(spec: CaseSpec, caps: Capabilities, opts: ConformanceOptions): Promise<CaseResult> {
  const base: Omit<CaseResult, 'outcome' | 'durationMs' | 'transcript'> = {
    id: spec.id,
    baseId: spec.baseId,
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.expectation ? { expectation: spec.expectation } : {}),
    area: spec.area,
    version: spec.version,
    level: spec.level,
    statements: spec.statements,
    ...(Object.keys(spec.params).length ? { params: spec.params } : {}),
    broker: opts.label,
    source: { file: spec.loc.file, line: spec.loc.line },
  };
  const unmet = unmetRequirement(spec, caps, opts.profile);
  if (unmet) return { ...base, outcome: 'not-applicable', reason: unmet, durationMs: 0, transcript: [] };

  // A broker that wants credentials gets the profile's user on every connect that does not name its own.
  const auth = opts.profile.auth as { username?: string; password?: string } | undefined;
  const attempts: Outcome[] = [];
  let kept: CaseResult | undefined;
  for (let i = 0; i < Math.max(1, opts.repeat); i++) {
    const ids = uniqueRunIds(spec.id);
    const run = await runCase(spec, {
      brokerUrl: opts.brokerUrl,
      ...(opts.wsUrl ? { wsUrl: opts.wsUrl } : {}),
      ...(opts.tls ? { tls: opts.tls } : {}),
      vars: { ...spec.params, t: ids.t, cid: ids.cid, profile: opts.profile, cap: caps },
      ...(opts.stepTimeoutMs ? { defaultTimeoutMs: opts.stepTimeoutMs } : {}),
      ...(auth?.username !== undefined
        ? { connectDefaults: { username: auth.username, password: auth.password } }
        : {}),
    });
    const outcome = grade(run.status, spec.level);
    attempts.push(outcome);
    const result: CaseResult = {
      ...base,
      outcome,
      ...(run.reason ? { reason: run.reason } : {}),
      durationMs: Math.round(run.durationMs * 10) / 10,
      ...(run.failure ? { failure: run.failure } : {}),
      ...(run.findings.length ? { findings: run.findings } : {}),
      transcript: run.transcript,
    };
    // Keep the worst attempt: its transcript is the one worth reading.
    if (!kept || worst([kept.outcome, outcome]) !== kept.outcome) kept = result;
  }
  const final = kept as CaseResult;
  if (attempts.length > 1) {
    final.attempts = attempts;
    final.flaky = new Set(attempts).size > 1;
  }
  return final;
}
