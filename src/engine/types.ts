// The engine's public types, in a module of their own: the steps use them without importing the engine's
// entry point (which imports the steps), so the engine has no import cycle.
import type { Failure, Finding, TranscriptEntry } from '../results/model.ts';
import type { ConnectOptions } from '../transport/index.ts';

export interface CaseRunContext {
  brokerUrl: string;
  wsUrl?: string;
  tls?: ConnectOptions['tls'];
  /** t, cid, profile, cap, plus params (the engine adds client.NAME). */
  vars: Record<string, unknown>;
  defaultTimeoutMs?: number;
  signal?: AbortSignal;
  /** Largest frame accepted from the broker (default 64 MiB); a larger one fails the case as malformed. */
  maxInboundPacketBytes?: number;
  /** CONNECT fields every connect step gets unless it names username or password itself
   *  (credentials a broker under test requires, from the profile). */
  connectDefaults?: Record<string, unknown>;
}

export interface CaseRunOutcome {
  status: 'pass' | 'fail' | 'error';
  reason?: string;
  failure?: Failure;
  findings: Finding[];
  transcript: TranscriptEntry[];
  durationMs: number;
  vars: Record<string, unknown>;
  /** For status 'error': why. 'unreachable' = the first connection of the case could not be opened. */
  errorKind?: 'unreachable' | 'scenario' | 'internal';
  /** Behaviour the spec allows that differs from what the case asked for (e.g. a lower granted QoS). */
  variations?: string[];
  /** What the broker did that the spec advises against but does not forbid (e.g. another error reason code):
   *  a case that otherwise passed is graded non-strict. */
  nonStrict?: string[];
}
