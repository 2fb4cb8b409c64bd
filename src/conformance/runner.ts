// Runs suite cases against one broker: capabilities detected once, then every case in a bounded pool.

import { TranscriptBudget } from '../engine/transcript-budget.ts';
import type { BrokerInfo, CaseResult } from '../results/model.ts';
import type { CaseSpec } from '../scenario/model.ts';
import type { ConnectOptions } from '../transport/index.ts';
import { type Capabilities, detectCapabilities } from './capabilities.ts';
import { mapPool } from './pool.ts';
import { type BrokerProfile, withFeatures } from './profile.ts';
import { type CaseTarget, runOneCase } from './run-one.ts';

interface ConformanceOptions {
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
  /** Interrupt: cases in flight end at once and, like those not started, are left out of the results. */
  signal?: AbortSignal | undefined;
}

export interface ConformanceRun {
  broker: BrokerInfo;
  cases: CaseResult[];
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceRun> {
  const auth = opts.profile.auth as { username?: string; password?: string } | undefined;
  const detected =
    opts.capabilities ??
    (await detectCapabilities({
      brokerUrl: opts.brokerUrl,
      wsUrl: opts.wsUrl,
      timeoutMs: opts.probeTimeoutMs,
      auth,
      ...(opts.tls ? { tls: opts.tls } : {}),
    }));
  // `features:` of the profile replace what was detected (MQTT 3.1.1 announces nothing, for one)
  const caps = withFeatures(detected, opts.profile);
  const broker: BrokerInfo = {
    label: opts.label,
    url: opts.brokerUrl,
    capabilities: { ...caps },
    profile: opts.profile,
  };
  opts.onBegin?.({ total: opts.cases.length, broker });
  const target: CaseTarget = {
    brokerUrl: opts.brokerUrl,
    wsUrl: opts.wsUrl,
    tls: opts.tls,
    label: opts.label,
    profile: opts.profile,
    caps,
    repeat: opts.repeat,
    stepTimeoutMs: opts.stepTimeoutMs,
    signal: opts.signal,
  };
  const transcripts = new TranscriptBudget();
  const cases = await mapPool(opts.cases, opts.concurrency, async (spec) => {
    if (opts.signal?.aborted) return undefined;
    const { result } = await runOneCase(spec, target);
    if (opts.signal?.aborted && result.reason?.startsWith('interrupted')) return undefined;
    result.transcript = transcripts.admit(result.transcript);
    opts.onCaseEnd?.(result);
    return result;
  });
  return { broker, cases: cases.filter((c): c is CaseResult => c !== undefined) };
}
