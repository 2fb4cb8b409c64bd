// Results model v1: the contract between a run and every view of it (console, JSON, JUnit, Markdown, HTML,
// `crucible report`, `crucible compare`). Plain JSON data only: no behaviour, no class instances.
// The JSON Schema is schema/results.schema.json; keep both in step and bump RESULTS_VERSION on breaking change.

export const RESULTS_FORMAT = 'mqtt-crucible/results';
export const RESULTS_VERSION = 1;

export type Outcome = 'pass' | 'fail' | 'non-strict' | 'informational' | 'not-applicable' | 'error';
export type MqttVersion = '3.1' | '3.1.1' | '5.0';
export type Level = 'must' | 'should' | 'may';

export interface ResultsDocument {
  format: typeof RESULTS_FORMAT;
  version: typeof RESULTS_VERSION;
  tool: { name: 'mqtt-crucible'; version: string };
  run: RunInfo;
  /** Brokers this document has results for, by label. */
  brokers: BrokerInfo[];
  conformance?: ConformanceResults;
  load?: LoadResult[];
  /** Ordinary scenario runs (`crucible run` on conversation files). */
  scenarios?: CaseResult[];
}

interface RunInfo {
  id: string;
  startedAt: string; // ISO 8601
  finishedAt: string;
  command: string; // e.g. "conform", "run", "start"
  argv: string[];
  host: { hostname: string; platform: string; node: string; cpus: number };
  shard?: { index: number; count: number };
  /** Documents merged into this one by `crucible report` (run ids). */
  mergedFrom?: string[];
  /** Set when the run was stopped by a signal: the document holds what finished before it. */
  interrupted?: { signal: 'SIGINT' | 'SIGTERM'; at: string };
  /** Set when the cases were judged against a baseline of expected deviations (`conform --baseline`). */
  baseline?: { source: string; entries: number };
}

export interface BrokerInfo {
  label: string; // e.g. "reference", "mosquitto", or the URL
  url: string;
  /** Capabilities detected from CONNACK and read from the profile. */
  capabilities?: Record<string, unknown>;
  profile?: Record<string, unknown>;
}

interface ConformanceResults {
  /** Per broker label, per case. */
  cases: CaseResult[];
  /** Per broker label, per statement: worst outcome over its cases. */
  statements: StatementVerdict[];
  summary: Record<string, OutcomeCounts>; // keyed by broker label
}

export type OutcomeCounts = Record<Outcome, number> & { total: number };

export interface CaseResult {
  id: string;
  baseId: string;
  title: string;
  description?: string;
  expectation?: string;
  area: string;
  version: MqttVersion;
  level: Level;
  statements: string[];
  params?: Record<string, unknown>;
  broker: string; // BrokerInfo.label
  outcome: Outcome;
  /** One line: why not applicable / why failed / error message. */
  reason?: string;
  durationMs: number;
  source?: { file: string; line: number };
  failure?: Failure;
  /** Strict-checker findings on what the broker sent (each also fails or grades the case). */
  findings?: Finding[];
  /** What the broker did differently from the request, within what the spec allows (a lower granted QoS):
   *  shown as allowed variations, never graded. */
  variations?: string[];
  transcript: TranscriptEntry[];
  /** With --repeat: outcomes of every attempt; `flaky` when they differ. The outcome is the worst attempt's
   *  (a broker that broke a rule once broke it), so a flaky case gates like its worst attempt. */
  attempts?: Outcome[];
  flaky?: boolean;
  /** How the case stands against the run's baseline (absent without a baseline, and for a passing case the
   *  baseline does not name). Decides the gate for this case: see `gates` in grade.ts. */
  baseline?: CaseBaseline;
}

/** expected: the outcome the baseline names (a known deviation); flaky: the baseline declares the case flaky
 *  and it did no worse than the entry allows; better: it did better than its entry (tighten the baseline);
 *  worse: worse than its entry; new: failed, errored or went non-strict with no entry. */
type BaselineStatus = 'expected' | 'flaky' | 'better' | 'worse' | 'new';

export interface CaseBaseline {
  status: BaselineStatus;
  /** The entry that matched (absent for `new`). */
  entry?: {
    outcome: Outcome;
    kind: 'deviation' | 'variation' | 'flaky';
    why: string;
    source: string; // file:line
  };
}

export interface Failure {
  stepIndex: number; // index in the flattened step list
  step: string; // one-line description of the step, e.g. "sub expect publish"
  message: string;
  expected?: unknown; // JSON-safe
  actual?: unknown; // JSON-safe
  statement?: string;
  source?: { file: string; line: number };
}

export interface Finding {
  statement: string;
  message: string;
  severity: 'must' | 'should';
  client?: string;
}

export interface TranscriptEntry {
  /** Milliseconds since the case started (monotonic clock, fractional). */
  t: number;
  client: string;
  dir: 'out' | 'in' | 'event';
  /** Raw bytes as lowercase hex, no spaces (absent for events). */
  hex?: string;
  /** Decoded packet, JSON-safe: Buffers as { $hex } or utf8 string in payload (see engine/transcript). */
  packet?: Record<string, unknown>;
  /** For events: connect, open, close, error, timeout, step; for packets: optional annotation. */
  note?: string;
}

export interface StatementVerdict {
  id: string;
  version: MqttVersion;
  broker: string;
  outcome: Outcome;
  cases: string[];
}

// ---------------------------------------------------------------------------------------------
// Load

export interface HistogramSummary {
  /** Values are recorded in microseconds; summaries below are in milliseconds. */
  count: number;
  min: number;
  max: number;
  mean: number;
  stddev: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  /** Percentile distribution for plotting: [percentile (0..100), value ms]. */
  distribution: Array<[number, number]>;
  /** hdr-histogram-js encodeIntoCompressedBase64 of the microsecond histogram; merge by decode + add. */
  encoded: string;
}

export interface LoadResult {
  id: string;
  title: string;
  broker: string; // BrokerInfo.label
  file?: string;
  startedAt: string;
  durationMs: number;
  /** The effective profile (after CLI overrides), JSON-safe. */
  profile: Record<string, unknown>;
  /** Latency histograms by metric name, e.g. "deliver.intended", "deliver.actual", "sendLag", "puback",
   *  "pubcomp", "connack", "suback"; per group/qos below. */
  latency: Record<string, HistogramSummary>;
  groups: LoadGroupResult[];
  /** One point per second. */
  series: {
    t: number[];
    sent: number[];
    acked: number[];
    delivered: number[];
    connected: number[];
    errors: number[];
    /** Optional per-second publish-to-deliver latency (deliver.intended) in ms; null for a second with none. */
    p50?: Array<number | null>;
    p99?: Array<number | null>;
    max?: Array<number | null>;
  };
  ledger: LedgerSummary;
  thresholds: ThresholdResult[];
  generator: GeneratorHealth;
  counters: Record<string, number>;
  /** Scheduled network faults and broker restarts of the run (profile `faults:` / `restarts:`), in ms from the
   *  start of publishing like the series; absent when the profile has none. Views mark them on time charts. */
  faultPhases?: FaultPhaseRecord[];
}

export interface FaultPhaseRecord {
  name: string;
  kind: 'fault' | 'restart';
  /** The fault type (reset, blackhole, latency, bandwidth, slice, halfClose, down, heal) or `restart`. */
  type: string;
  /** ms from the start of publishing. Faults: as scheduled (a one-shot fault has endMs == startMs, a repeated
   *  one spans its first to its last occurrence); restarts: the command's start and the broker's return. */
  startMs: number;
  endMs: number;
  /** Repeated faults: every this many ms from startMs; lasting faults: each application lasts forMs. */
  everyMs?: number;
  forMs?: number;
  groups?: string[];
  fraction?: number;
  /** Times applied and links touched, over all workers. */
  applied?: number;
  links?: number;
  restart?: {
    command: string;
    exitCode: number | null;
    signal: string | null;
    commandMs: number;
    /** ms after the command until the broker accepted a TCP connection; null when not within the wait. */
    backAfterMs: number | null;
    output: string;
    error?: string;
  };
}

export interface LoadGroupResult {
  name: string;
  role: 'publisher' | 'subscriber' | 'both';
  clients: number;
  connected: number;
  connectFailures: number;
  qos: number;
  sent: number;
  acked: number;
  delivered: number;
  latency: Record<string, HistogramSummary>;
}

export interface LedgerSummary {
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  deliveredRatio: number;
  byQos: Record<
    string,
    { expected: number; delivered: number; lost: number; duplicated: number; outOfOrder: number }
  >;
  /** What each QoS promises and whether the run kept it: QoS 0 at most once (loss reported, allowed), QoS 1 at
   *  least once (no loss; duplicates counted, allowed), QoS 2 exactly once (no loss, no duplicate). */
  guarantees?: LedgerGuarantee[];
  /** Worst pairs (bounded list). */
  pairs: Array<{
    publisher: string;
    subscriber: string;
    qos: number;
    expected: number;
    delivered: number;
    lost: number;
    duplicated: number;
    outOfOrder: number;
  }>;
  /** Optional (load helper): every pair's raw counts so shard results merge exactly; merge with
   *  mergeLedgerSummaries (src/metrics/ledger.ts). pairs: [publisher, stream, qos, delivered, duplicated,
   *  outOfOrder]; sent: [publisher, messages sent]; labels: groups [name, first global index], streams by index. */
  raw?: {
    sent: Array<[number, number]>;
    pairs: Array<[number, number, number, number, number, number]>;
    groups?: Array<[string, number]>;
    streams?: string[];
  };
}

export interface LedgerGuarantee {
  qos: number;
  promise: 'at most once' | 'at least once' | 'exactly once';
  held: boolean;
  expected: number;
  lost: number;
  duplicated: number;
}

export interface ThresholdResult {
  expression: string; // as written, e.g. "deliver.intended.p99 < 20ms"
  metric: string;
  actual: number | null;
  limit: number;
  unit: string;
  passed: boolean;
  /** Set by `crucible report` when merging shards, e.g. when a threshold could not be re-evaluated. */
  note?: string;
}

export interface GeneratorHealth {
  workers: number;
  cpuPercent: number; // average over the run, 100 = one core
  eventLoopLagMs: { p50: number; p99: number; max: number };
  sendLagMs: { p50: number; p99: number; max: number };
  saturated: boolean;
  warnings: string[];
}
