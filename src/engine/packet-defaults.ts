// Defaults for packets written in scenarios: a step gives only the fields it cares about; everything
// else is filled for the client's protocol version. Any field given overrides the default. Payloads and
// binary properties become Buffers; numeric strings in numeric fields become numbers.
import type { Packet, ProtocolVersion } from '../protocol/codec.ts';
import type { MqttVersion } from '../scenario/model.ts';

export function protocolLevel(v: MqttVersion): ProtocolVersion {
  return v === '3.1' ? 3 : v === '5.0' ? 5 : 4;
}

export interface DefaultsContext {
  version: ProtocolVersion;
  clientId: string;
  allocMessageId(): number;
}

const NUMERIC = new Set([
  'qos',
  'messageId',
  'keepalive',
  'protocolVersion',
  'reasonCode',
  'returnCode',
  'rh',
  'sessionExpiryInterval',
  'receiveMaximum',
  'maximumPacketSize',
  'topicAliasMaximum',
  'topicAlias',
  'messageExpiryInterval',
  'willDelayInterval',
  'payloadFormatIndicator',
  'requestResponseInformation',
  'requestProblemInformation',
  'maximumQoS',
  'serverKeepAlive',
]);
const BOOLEAN = new Set(['retain', 'dup', 'clean', 'nl', 'rap', 'sessionPresent']);
const BINARY = new Set(['correlationData', 'authenticationData', 'password']);

/** Payload forms: text, `{ hex: "00ff" }`, `{ size: 1000 }` (filled with 'x'), a number (as text). */
export function toPayload(v: unknown): Buffer {
  if (v === undefined || v === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.hex !== undefined) return Buffer.from(String(o.hex).replace(/[\s:]/g, ''), 'hex');
    if (o.size !== undefined) return Buffer.alloc(Number(o.size), 0x78);
    if (o.text !== undefined) return Buffer.from(String(o.text), 'utf8');
    return Buffer.from(JSON.stringify(v), 'utf8');
  }
  return Buffer.from(String(v), 'utf8');
}

/** Coerces typed fields recursively (numbers, booleans, binary values). */
function normalize(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v, key === 'subscriptions' ? '' : key));
  if (
    value !== null &&
    typeof value === 'object' &&
    !Buffer.isBuffer(value) &&
    !(value instanceof Uint8Array)
  ) {
    if (key === 'payload' || BINARY.has(key)) return toPayload(value);
    if (key === 'userProperties') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = Array.isArray(v) ? v.map(String) : String(v);
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = normalize(v, k);
    return out;
  }
  if (key === 'payload' || BINARY.has(key)) return toPayload(value);
  if (NUMERIC.has(key) && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  if (BOOLEAN.has(key) && typeof value === 'string') return value === 'true';
  return value;
}

function subscription(s: Record<string, unknown>, version: ProtocolVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { qos: 0, ...s };
  if (version === 5) {
    out.nl ??= false;
    out.rap ??= false;
    out.rh ??= 0;
  }
  return out;
}

/** The full mqtt-packet object for `spec` (its `cmd`, or `cmd` given by the step). */
export function fillDefaults(
  spec: Record<string, unknown>,
  cmdDefault: string | undefined,
  ctx: DefaultsContext,
): Packet {
  const p = normalize(spec) as Record<string, unknown>;
  const cmd = String(p.cmd ?? cmdDefault ?? '').toLowerCase();
  p.cmd = cmd;
  const v = ctx.version;
  switch (cmd) {
    case 'connect': {
      const out: Record<string, unknown> = {
        protocolId: v === 3 ? 'MQIsdp' : 'MQTT',
        protocolVersion: v,
        clean: true,
        clientId: ctx.clientId,
        keepalive: 0,
        ...p,
      };
      if (p.will && typeof p.will === 'object') {
        out.will = { qos: 0, retain: false, payload: Buffer.alloc(0), ...(p.will as object) };
      }
      return out as unknown as Packet;
    }
    case 'publish': {
      const out: Record<string, unknown> = {
        qos: 0,
        retain: false,
        dup: false,
        payload: Buffer.alloc(0),
        ...p,
      };
      if (Number(out.qos) > 0 && out.messageId === undefined) out.messageId = ctx.allocMessageId();
      return out as unknown as Packet;
    }
    case 'subscribe': {
      const { topic, qos, nl, rap, rh, subscriptions, ...rest } = p;
      const subs = Array.isArray(subscriptions)
        ? subscriptions.map((s) => subscription(s as Record<string, unknown>, v))
        : [subscription(clean({ topic, qos, nl, rap, rh }), v)];
      const out: Record<string, unknown> = { ...rest, subscriptions: subs };
      out.messageId ??= ctx.allocMessageId();
      return out as unknown as Packet;
    }
    case 'unsubscribe': {
      const { topic, unsubscriptions, ...rest } = p;
      const list = Array.isArray(unsubscriptions) ? unsubscriptions.map(String) : [String(topic)];
      const out: Record<string, unknown> = { ...rest, unsubscriptions: list };
      out.messageId ??= ctx.allocMessageId();
      return out as unknown as Packet;
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp': {
      const out: Record<string, unknown> = { ...p };
      if (cmd === 'pubrel') out.qos ??= 1;
      return out as unknown as Packet;
    }
    case 'disconnect':
    case 'auth': {
      const out: Record<string, unknown> = { ...p };
      if (v === 5) out.reasonCode ??= 0;
      return out as unknown as Packet;
    }
    default:
      return p as unknown as Packet;
  }
}

function clean(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) if (val !== undefined) out[k] = val;
  return out;
}
