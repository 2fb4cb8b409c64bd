// What every step implementation shares: the per-case environment and the ways a step ends badly.
import type { ProtocolVersion } from '../../protocol/codec.ts';
import type { Finding } from '../../results/model.ts';
import type { CaseSpec, Step } from '../../scenario/model.ts';
import type { FaultProxy } from '../../transport/fault-proxy/index.ts';
import type { ScenarioClient } from '../client.ts';
import type { Transcript } from '../transcript.ts';
import type { CaseRunContext } from '../types.ts';

/** The broker did not do what the step expects: the case fails with this. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly expected?: unknown,
    readonly actual?: unknown,
    readonly statement?: string,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** The harness could not run the step (bad value at run time, missing feature): the case is an error. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly kind: 'scenario' | 'unreachable' | 'internal' = 'scenario',
  ) {
    super(message);
    this.name = 'StepError';
  }
}

export interface BarrierGroup {
  size: number;
  arrivals: Map<string, { count: number; release: Array<() => void> }>;
}

export interface CaseEnv {
  spec: CaseSpec;
  ctx: CaseRunContext;
  transcript: Transcript;
  vars: Record<string, unknown>;
  clients: Map<string, ScenarioClient>;
  findings: Finding[];
  signal: AbortSignal;
  /** Any packet written on any client so far (a later connect failure is no longer "unreachable"). */
  state: {
    anySent: boolean;
    connectAttempts: number;
    variations?: string[];
    nonStrict?: string[];
    proxies?: Map<string, FaultProxy>;
  };
  barrier: BarrierGroup | undefined;
  client(name: string | undefined): ScenarioClient;
  versionOf(name: string): ProtocolVersion;
  deadlineMs(step: Step): number;
  resolve<T>(value: T): T;
  /** Index of a step in the flattened step list (for failure reports). */
  indexOf(step: Step): number;
  runSteps(steps: Step[], env: CaseEnv): Promise<void>;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
