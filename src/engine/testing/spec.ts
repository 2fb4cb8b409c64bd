// Test helper: builds CaseSpec values directly (no YAML), for engine tests.
import type { CaseSpec, ClientSpec, MqttVersion, Step, StepAction } from '../../scenario/model.ts';

let line = 0;

export function step(client: string | undefined, action: StepAction, extra: Partial<Step> = {}): Step {
  line++;
  return {
    client,
    label: undefined,
    timeoutMs: undefined,
    action,
    loc: { file: 'test.yaml', line, column: 1 },
    ...extra,
  };
}

export function caseOf(
  steps: Step[],
  o: {
    id?: string;
    version?: MqttVersion;
    clients?: Record<string, Partial<ClientSpec>>;
    timeoutMs?: number;
  } = {},
): CaseSpec {
  const clients: Record<string, ClientSpec> = {};
  for (const [n, c] of Object.entries(o.clients ?? {}))
    clients[n] = { version: c.version, clientId: c.clientId, transport: c.transport };
  const id = o.id ?? 'engine.test';
  return {
    id,
    baseId: id,
    title: id,
    description: undefined,
    expectation: undefined,
    area: 'test',
    version: o.version ?? '3.1.1',
    level: 'must',
    statements: [],
    requires: {},
    params: {},
    clients,
    defaultTimeoutMs: o.timeoutMs ?? 2000,
    steps,
    loc: { file: 'test.yaml', line: 1, column: 1 },
  };
}

/** Shorthands for actions. */
export const A = {
  connect: (
    packet: Record<string, unknown> = {},
    connack?: Record<string, unknown> | 'none',
  ): StepAction => ({
    kind: 'connect',
    packet,
    connack,
  }),
  send: (packet: Record<string, unknown>): StepAction => ({ kind: 'send', packet }),
  sendRaw: (hex: string): StepAction => ({ kind: 'sendRaw', hex }),
  expect: (matcher: Record<string, unknown>, skip: string[] = []): StepAction => ({
    kind: 'expect',
    matcher,
    skip,
  }),
  nothing: (forMs: number, except: string[] = []): StepAction => ({ kind: 'expectNothing', forMs, except }),
  close: (
    withinMs: number,
    disconnect: 'optional' | 'required' | 'forbidden' = 'optional',
    reasonCodes?: number[],
  ): StepAction => ({ kind: 'expectClose', withinMs, disconnect, reasonCodes, allowPackets: false }),
  subscribe: (packet: Record<string, unknown>, suback?: Record<string, unknown>): StepAction => ({
    kind: 'subscribe',
    packet,
    suback,
  }),
  publish: (packet: Record<string, unknown>, ack = true): StepAction => ({ kind: 'publish', packet, ack }),
  disconnect: (packet: Record<string, unknown> = {}): StepAction => ({ kind: 'disconnect', packet }),
  drop: (): StepAction => ({ kind: 'drop' }),
  wait: (ms: number): StepAction => ({ kind: 'wait', ms }),
  parallel: (...branches: Step[][]): StepAction => ({ kind: 'parallel', branches }),
  barrier: (name: string): StepAction => ({ kind: 'barrier', name }),
};
