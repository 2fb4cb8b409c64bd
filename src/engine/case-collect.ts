// Phase 4 of a case (collect) and phase 6 (result): what the steps' verdict does not show yet (a flooded
// inbox, MUST findings of the strict checker, allowed variations, non-strict notes), then the outcome.
import { performance } from 'node:perf_hooks';
import type { Finding } from '../results/model.ts';
import type { Verdict } from './case-steps.ts';
import type { ScenarioClient } from './client.ts';
import type { CaseEnv } from './steps/common.ts';
import type { CaseRunOutcome } from './types.ts';

/** A broker that flooded a client with packets no step consumed fails the case even when no later step
 *  read from that client (the stream was cut at the inbox limit). */
export function weighFlood(v: Verdict, clients: Iterable<ScenarioClient>): void {
  const flooded = [...clients].find((c) => c.flood !== undefined);
  if (v.status === 'pass' && flooded) {
    v.status = 'fail';
    v.reason = `${flooded.name}: ${flooded.flood}`;
    v.failure = { stepIndex: -1, step: `${flooded.name} inbox`, message: flooded.flood ?? 'flood' };
  }
}

/** Strict checker findings: a MUST finding fails an otherwise passing case, citing the statement. */
export function weighFindings(v: Verdict, findings: Finding[]): void {
  const must = findings.find((f) => f.severity === 'must');
  if (v.status === 'fail' && must && v.failure && v.failure.statement === undefined)
    v.failure.statement = must.statement;
  if (v.status === 'pass' && must) {
    v.status = 'fail';
    v.reason = `${must.statement}: ${must.message}`;
    v.failure = {
      stepIndex: -1,
      step: `${must.client ?? ''} inbound check`.trim(),
      message: must.message,
      statement: must.statement,
    };
  }
}

/** The case's outcome: the verdict, findings, transcript, duration, variables, variations, notes. */
/** `started` is the case's start on the `performance.now()` clock. */
export function buildOutcome(v: Verdict, env: CaseEnv, started: number): CaseRunOutcome {
  const out: CaseRunOutcome = {
    status: v.status,
    findings: env.findings,
    transcript: env.transcript.finish(),
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    vars: env.vars,
  };
  if (v.reason !== undefined) out.reason = v.reason;
  if (v.failure !== undefined) out.failure = v.failure;
  if (v.errorKind !== undefined) out.errorKind = v.errorKind;
  if (env.state.variations?.length) out.variations = [...new Set(env.state.variations)];
  if (env.state.nonStrict?.length) out.nonStrict = [...new Set(env.state.nonStrict)];
  return out;
}
