// One case against one broker: requirements -> not applicable, otherwise the engine (repeated on request),
// graded by level. Shared by `crucible conform` and `crucible run`.
import { runCase, uniqueRunIds } from '../engine/index.ts';
import { grade, worst } from '../results/grade.ts';
import type { CaseResult, Outcome } from '../results/model.ts';
import type { CaseSpec } from '../scenario/model.ts';
import type { ConnectOptions } from '../transport/index.ts';
import type { Capabilities } from './capabilities.ts';
import type { BrokerProfile } from './profile.ts';
import { unmetRequirement } from './requirements.ts';

export interface CaseTarget {
  brokerUrl: string;
  wsUrl?: string | undefined;
  tls?: ConnectOptions['tls'] | undefined;
  label: string;
  profile: BrokerProfile;
  caps: Capabilities;
  /** Extra variables (e.g. --var) visible to every case. */
  vars?: Record<string, unknown>;
  repeat?: number;
  stepTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

interface CaseRun {
  result: CaseResult;
  /** The engine could not reach the broker at all for this case. */
  unreachable: boolean;
}

function resultBase(
  spec: CaseSpec,
  label: string,
): Omit<CaseResult, 'outcome' | 'durationMs' | 'transcript'> {
  return {
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
    broker: label,
    source: { file: spec.loc.file, line: spec.loc.line },
  };
}

export async function runOneCase(spec: CaseSpec, target: CaseTarget): Promise<CaseRun> {
  const base = resultBase(spec, target.label);
  const unmet = unmetRequirement(spec, target.caps, target.profile);
  if (unmet) {
    return {
      result: { ...base, outcome: 'not-applicable', reason: unmet, durationMs: 0, transcript: [] },
      unreachable: false,
    };
  }
  // A broker that wants credentials gets the profile's user on every connect that does not name its own.
  const auth = target.profile.auth as { username?: string; password?: string } | undefined;
  const attempts: Outcome[] = [];
  let kept: CaseResult | undefined;
  let unreachable = false;
  for (let i = 0; i < Math.max(1, target.repeat ?? 1); i++) {
    const ids = uniqueRunIds(spec.id);
    const run = await runCase(spec, {
      brokerUrl: target.brokerUrl,
      ...(target.wsUrl ? { wsUrl: target.wsUrl } : {}),
      ...(target.tls ? { tls: target.tls } : {}),
      vars: {
        ...target.vars,
        ...spec.params,
        t: ids.t,
        cid: ids.cid,
        profile: target.profile,
        cap: target.caps,
      },
      ...(target.stepTimeoutMs ? { defaultTimeoutMs: target.stepTimeoutMs } : {}),
      ...(target.signal ? { signal: target.signal } : {}),
      ...(auth?.username !== undefined
        ? { connectDefaults: { username: auth.username, password: auth.password } }
        : {}),
    });
    if (run.errorKind === 'unreachable') unreachable = true;
    // a SHOULD the broker did not meet in a case that otherwise passed (e.g. another error reason code)
    const advisory = run.status === 'pass' && run.nonStrict?.length ? run.nonStrict.join('; ') : undefined;
    const outcome = advisory
      ? grade('fail', spec.level === 'must' ? 'should' : spec.level)
      : grade(run.status, spec.level);
    attempts.push(outcome);
    const result: CaseResult = {
      ...base,
      outcome,
      ...(run.reason ? { reason: run.reason } : advisory ? { reason: advisory } : {}),
      durationMs: Math.round(run.durationMs * 10) / 10,
      ...(run.failure ? { failure: run.failure } : {}),
      ...(run.findings.length ? { findings: run.findings } : {}),
      ...(run.variations?.length ? { variations: run.variations } : {}),
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
  return { result: final, unreachable };
}
