// The validated load profile (top-level `kind: load`). Documented in docs/load-profiles.md.
// All durations are milliseconds, all rates are messages (or connections) per second.

import type { FaultSpec } from '../faults.ts';

export type LoadVersion = 3 | 4 | 5;

interface PayloadSpec {
  /** Total payload bytes (the 26-byte measurement header included). */
  size: number;
  /** Optional bytes appended after the measurement header (then padded to `size`). */
  template?: string;
}

export interface PublishSpec {
  /** Topic pattern; `{i}` is the client's index in its group, `{g}` the group name, `{n}` the global client index. */
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  payload: PayloadSpec;
  /** Messages per second per client (open model). Exactly one of ratePerClient / totalRate is set. */
  ratePerClient?: number;
  /** Messages per second for the whole group (spread evenly over its clients). */
  totalRate?: number;
}

export interface SubscriptionSpec {
  /** Topic filter; may contain + and #, `{i}`/`{g}`/`{n}`, and `$share/<group>/` prefixes. */
  filter: string;
  qos: 0 | 1 | 2;
}

interface ConnectSpec {
  /** Connections per second for this group (0 = as fast as possible). */
  rate: number;
  /** Spread the group's connects evenly over this many ms (overrides rate when set). */
  rampMs?: number;
  /** Per-attempt deadline for CONNACK. */
  timeoutMs: number;
}

export interface GroupSpec {
  name: string;
  count: number;
  clientId: string;
  version: LoadVersion;
  clean: boolean;
  /** MQTT 5 Session Expiry Interval in seconds for persistent sessions. */
  sessionExpiry: number;
  keepAlive: number;
  connect: ConnectSpec;
  publish?: PublishSpec;
  subscribe: SubscriptionSpec[];
  /** `$share` group name when every filter of the group is a shared subscription of one share group. */
  shareGroup?: string;
  /** Reopen a dropped connection (outside storms) with exponential backoff; default on for persistent sessions
   *  and for groups a fault phase targets. */
  reconnect: ReconnectSpec;
}

export interface ReconnectSpec {
  enabled: boolean;
  /** First delay after a drop; doubles per failed attempt up to maxMs (±20 % jitter). */
  backoffMs: number;
  maxMs: number;
}

/** A scheduled network fault on the links of chosen clients (through the fault proxy). Times from the start of
 *  publishing. */
export interface FaultPhaseSpec {
  name: string;
  fault: FaultSpec;
  atMs: number;
  /** Lasting faults: how long each application lasts (until `heal`/the end of the run when absent). */
  forMs?: number;
  /** Apply again every this many ms until untilMs (default: the end of the publishing phases). */
  everyMs?: number;
  untilMs?: number;
  /** Groups concerned (all when absent) and the share of their clients (chosen deterministically). */
  groups?: string[];
  fraction: number;
}

/** A user command run at a scheduled time (a broker restart), then a bounded wait for the broker. */
export interface RestartSpec {
  name: string;
  atMs: number;
  command: string;
  /** Deadline for the command (it is killed after it). */
  timeoutMs: number;
  /** After the command, wait at most this long for the broker to accept TCP connections again. */
  waitMs: number;
}

export type PhaseType = 'ramp' | 'steady' | 'spike' | 'reconnect-storm' | 'soak';

export interface PhaseSpec {
  name: string;
  type: PhaseType;
  durationMs: number;
  /** Rate factor (1 = 100 % of the configured rates) at the start and end of the phase (linear in between). */
  from: number;
  to: number;
  /** reconnect-storm: fraction of clients dropped (0..1) and the groups concerned (all when empty). */
  fraction?: number;
  groups?: string[];
  /** reconnect-storm: spread reconnects over this many ms (0 = all at once). */
  reconnectOverMs?: number;
}

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface ThresholdSpec {
  expression: string;
  metric: string;
  op: ThresholdOp;
  /** The limit in the metric's base unit: ms for latency, ratio 0..1 for %, msg/s for throughput, count otherwise. */
  limit: number;
  unit: 'ms' | '%' | '/s' | '';
  line: number;
}

export interface LoadProfile {
  kind: 'load';
  id: string;
  file: string;
  title: string;
  description?: string;
  groups: GroupSpec[];
  phases: PhaseSpec[];
  /** Sum of phase durations. */
  durationMs: number;
  /** After publishing stops, wait at most this long for outstanding deliveries. */
  drainMs: number;
  /** Publishing starts this long after every client has connected and subscribed. */
  settleMs: number;
  thresholds: ThresholdSpec[];
  /** Scheduler batching window (ms): due messages are written together at most this often per connection. */
  batchMs: number;
  /** Read batching (ms, 0 = off): after each read a connection pauses reading this long, so inbound data is
   *  taken in bigger chunks (fewer wake-ups for the broker and the generator; adds up to this much latency). */
  readBatchMs: number;
  /** Send lag (ms, p99) above which the generator is declared saturated. */
  saturationLagMs: number;
  /** Scheduled network faults (fault proxy) and broker restarts; empty when none. */
  faults: FaultPhaseSpec[];
  restarts: RestartSpec[];
}
