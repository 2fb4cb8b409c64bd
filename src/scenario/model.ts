// The validated scenario model: what src/scenario produces from YAML and src/engine consumes.
// The YAML format is documented in docs/scenario-format.md. Values may still contain `${var}`
// references (strings); the engine resolves them at run time with the case's variables.
import type { FaultSpec } from './faults.ts';

export type MqttVersion = '3.1' | '3.1.1' | '5.0';
export type Level = 'must' | 'should' | 'may';

/** Where a node came from, for error messages and reports. */
export interface SourceLoc {
  file: string;
  line: number;
  column: number;
}

/** A matcher as written in YAML (partial packet, predicates, oneOf, unordered, count). Interpreted by the engine. */
export type MatcherSpec = Record<string, unknown>;

/** A packet as written in YAML: mqtt-packet field names, possibly with `${var}` strings. */
export type PacketSpec = Record<string, unknown>;

/**
 * WebSocket framing of one send (ws clients only): `binary` (the default), `text` (a TEXT data frame,
 * forbidden by MQTT-6.0.0-1), `unmasked` (a binary frame without the client mask, forbidden by RFC 6455 5.1).
 */
export type WsFrame = 'binary' | 'text' | 'unmasked';

export type StepAction =
  | {
      kind: 'connect';
      packet: PacketSpec;
      connack: MatcherSpec | 'none' | undefined;
      transport?: 'tcp' | 'ws';
    }
  | { kind: 'open'; transport?: 'tcp' | 'ws' }
  | { kind: 'send'; packet: PacketSpec; frame?: WsFrame }
  | { kind: 'sendRaw'; hex: string; frame?: WsFrame }
  | { kind: 'sendMutated'; packet: PacketSpec; mutate: Array<Record<string, unknown>> }
  | {
      kind: 'expect';
      matcher: MatcherSpec;
      skip: string[];
      /** `within:` with a count: a counting window instead of a deadline (see docs, Counting windows). */
      withinMs?: number;
    }
  | {
      kind: 'expectAmong';
      /** Clients whose inboxes are read together during the window. */
      clients: string[];
      /** Matcher the counted packets must match (a plain matcher or { oneOf: [...] }). */
      match: MatcherSpec;
      /** A number or { $range: [min, max] } / { $gte } / { $lte } (may be a `${var}` string). */
      count: unknown;
      withinMs: number;
      skip: string[];
      capture: Record<string, string>;
    }
  | { kind: 'expectNothing'; forMs: number; except: string[] }
  | {
      kind: 'expectClose';
      /** With `keepAlive`, an upper bound (the window itself comes from the connection's keep alive). */
      withinMs: number;
      /** `within: keepAlive`: 1.5 times the keep alive in force plus TIMING_TOLERANCE_MS (MQTT-3.1.2-22/-24). */
      keepAlive?: boolean;
      disconnect: 'optional' | 'required' | 'forbidden';
      reasonCodes: number[] | undefined;
      allowPackets: boolean;
    }
  | { kind: 'disconnect'; packet: PacketSpec }
  | { kind: 'drop' }
  | { kind: 'wait'; ms: number }
  | { kind: 'subscribe'; packet: PacketSpec; suback: MatcherSpec | undefined }
  | { kind: 'unsubscribe'; packet: PacketSpec; unsuback: MatcherSpec | undefined }
  | { kind: 'publish'; packet: PacketSpec; ack: boolean }
  | { kind: 'parallel'; branches: Step[][] }
  | { kind: 'barrier'; name: string }
  | { kind: 'set'; vars: Record<string, unknown> }
  /** A network fault on the client's link (the client then goes through a fault proxy; see Faults). */
  | { kind: 'fault'; fault: FaultSpec; forMs?: number };

export interface Step {
  /** Client name; absent only for wait, parallel, barrier, set. */
  client: string | undefined;
  label: string | undefined;
  /** Per-step deadline in ms (the case default applies when absent). */
  timeoutMs: number | undefined;
  action: StepAction;
  loc: SourceLoc;
}

export interface ClientSpec {
  version: MqttVersion | undefined;
  clientId: string | undefined;
  transport: 'tcp' | 'ws' | undefined;
}

/** One concrete case: param loops already expanded, fragments already inlined. */
export interface CaseSpec {
  /** Stable id; for loop expansions includes the suffix, e.g. `publish.qos[qos=1]`. */
  id: string;
  /** The id as written, without loop suffix. */
  baseId: string;
  title: string;
  description: string | undefined;
  expectation: string | undefined;
  area: string;
  version: MqttVersion;
  level: Level;
  statements: string[];
  /** Capability or profile requirements, as written (values or predicates). */
  requires: Record<string, unknown>;
  /** The loop values of this expansion (also available as variables). */
  params: Record<string, unknown>;
  clients: Record<string, ClientSpec>;
  defaultTimeoutMs: number;
  steps: Step[];
  /** Steps that always run after `steps` (pass, fail or error), on fresh connections; absent = none. */
  cleanup?: Step[];
  loc: SourceLoc;
}

export interface ScenarioFile {
  kind: 'conversation';
  file: string;
  cases: CaseSpec[];
}

/** A problem found while loading or validating: every one is reported, never only the first. */
export interface Problem {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `cases[3].steps[2].expect.qos`. */
  field: string;
  message: string;
  hint?: string;
}
