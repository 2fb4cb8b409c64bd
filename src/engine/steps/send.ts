// send, sendRaw, sendMutated, and the publish / subscribe / unsubscribe shorthands.
import { Decoder, type Packet, type ProtocolVersion } from '../../protocol/codec.ts';
import { type Mutation, mutate } from '../../protocol/mutate.ts';
import { hexToBytes } from '../../protocol/raw.ts';
import type { Step, StepAction } from '../../scenario/model.ts';
import type { ScenarioClient } from '../client.ts';
import { withCredentials } from '../credentials.ts';
import { fillDefaults } from '../packet-defaults.ts';
import { type CaseEnv, isRecord, StepError } from './common.ts';
import { encodeFor, writeOrFail } from './connection.ts';
import { expectAck } from './expect.ts';

function build(env: CaseEnv, client: ScenarioClient, spec: Record<string, unknown>, cmd?: string): Packet {
  const resolved = env.resolve(spec);
  if (!cmd && resolved.cmd === undefined) throw new StepError('packet has no cmd');
  return fillDefaults(resolved, cmd, {
    version: client.version,
    clientId: client.clientId,
    allocMessageId: () => client.allocMessageId(),
  });
}

/** Decoded form of bytes we write by hand, for the transcript: one whole valid packet, else undefined. */
function decodeOwn(bytes: Buffer, version: ProtocolVersion): Packet | undefined {
  let got: Packet | undefined;
  let count = 0;
  const d = new Decoder(version, {
    packet: (p) => {
      got = p;
      count++;
    },
    error: () => {
      count = -1;
    },
  });
  try {
    d.push(bytes);
  } catch {
    return undefined;
  }
  return count === 1 && bytes.length > 0 ? got : undefined;
}

export function doSend(env: CaseEnv, step: Step, a: StepAction & { kind: 'send' }): void {
  const client = env.client(step.client);
  const packet = build(env, client, a.packet);
  writeOrFail(env, client, encodeFor(client, packet), packet, undefined, a.frame);
}

export function doSendRaw(env: CaseEnv, step: Step, a: StepAction & { kind: 'sendRaw' }): void {
  const client = env.client(step.client);
  let bytes: Buffer;
  try {
    bytes = hexToBytes(env.resolve(a.hex));
  } catch (e) {
    throw new StepError(`sendRaw: ${e instanceof Error ? e.message : String(e)}`);
  }
  const creds = env.ctx.connectDefaults;
  if (typeof creds?.username === 'string') {
    const pw = creds.password as string | Buffer | undefined;
    const injected = withCredentials(bytes, creds.username, pw);
    if (injected) {
      env.transcript.event(client.name, "raw CONNECT: the profile's user name and password added");
      bytes = injected;
    }
  }
  const decoded = decodeOwn(bytes, client.version);
  writeOrFail(env, client, bytes, decoded, decoded ? 'raw' : 'raw (not one valid packet)', a.frame);
}

export function doSendMutated(env: CaseEnv, step: Step, a: StepAction & { kind: 'sendMutated' }): void {
  const client = env.client(step.client);
  // a mutated CONNECT carries the profile's credentials too, unless it names its own (as connect: does) or
  // sets the flags byte itself (connectFlags: the payload must be what those flags say)
  const own =
    'username' in a.packet ||
    'password' in a.packet ||
    a.mutate.some((m) => (m as { op?: unknown }).op === 'connectFlags');
  const spec = a.packet.cmd === 'connect' && !own ? { ...env.ctx.connectDefaults, ...a.packet } : a.packet;
  const packet = build(env, client, spec);
  const mutations = env.resolve(a.mutate);
  let bytes: Buffer;
  try {
    bytes = mutate(packet, client.version, mutations as unknown as Mutation[]);
  } catch (e) {
    throw new StepError(`sendMutated: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (packet.cmd === 'connect') {
    // a known protocol level on the wire: the broker answers in that version, decode it so;
    // an unknown level or name: the broker cannot know the format, do not judge its reply
    for (const m of mutations) {
      if (m.op === 'protocolLevel' && (m.value === 3 || m.value === 4 || m.value === 5))
        client.setVersion(m.value);
      else if (m.op === 'protocolLevel' || m.op === 'protocolName') client.foreignProtocol = true;
    }
  }
  const ops = mutations.map((m) => String(m.op)).join(', ');
  const decoded = decodeOwn(bytes, client.version);
  writeOrFail(
    env,
    client,
    bytes,
    decoded ?? packet,
    decoded ? `mutated: ${ops}` : `mutated: ${ops} (decoded form: the packet before mutation)`,
  );
}

export async function doPublish(
  env: CaseEnv,
  step: Step,
  a: StepAction & { kind: 'publish' },
): Promise<void> {
  const client = env.client(step.client);
  const timeoutMs = env.deadlineMs(step);
  const packet = build(env, client, a.packet, 'publish') as Packet & { qos?: number; messageId?: number };
  writeOrFail(env, client, encodeFor(client, packet), packet);
  if (!a.ack) return;
  const id = packet.messageId;
  if (packet.qos === 1) await expectAck(env, client, 'puback', id, {}, timeoutMs);
  if (packet.qos === 2) {
    await expectAck(env, client, 'pubrec', id, {}, timeoutMs);
    const rel = fillDefaults({ cmd: 'pubrel', messageId: id }, 'pubrel', {
      version: client.version,
      clientId: client.clientId,
      allocMessageId: () => client.allocMessageId(),
    });
    writeOrFail(env, client, encodeFor(client, rel), rel);
    await expectAck(env, client, 'pubcomp', id, {}, timeoutMs);
  }
}

export async function doSubscribe(
  env: CaseEnv,
  step: Step,
  a: StepAction & { kind: 'subscribe' },
): Promise<void> {
  const client = env.client(step.client);
  const packet = build(env, client, a.packet, 'subscribe') as Packet & {
    messageId: number;
    subscriptions: Array<{ qos?: number }>;
  };
  writeOrFail(env, client, encodeFor(client, packet), packet);
  const requested = packet.subscriptions.map((s) => s.qos ?? 0);
  // Unless the case pins the SUBACK, any granted QoS at or below the request passes: a server may grant a
  // lower maximum QoS (MQTT-3.2.2-10, MQTT-3.8.4-7 in 5.0; 3.8.4 in 3.1.1); a failure code does not.
  const matcher = a.suback ? env.resolve(a.suback) : { granted: requested.map((q) => ({ $lte: q })) };
  const suback = await expectAck(
    env,
    client,
    'suback',
    packet.messageId,
    isRecord(matcher) ? matcher : {},
    env.deadlineMs(step),
  );
  if (a.suback || !suback) return;
  const granted = (suback as { granted?: unknown[] }).granted ?? [];
  requested.forEach((q, i) => {
    const g = granted[i];
    if (typeof g !== 'number' || g >= q) return;
    const topic = (packet.subscriptions[i] as { topic?: string }).topic;
    const note = `${client.name}: granted QoS ${g} for ${topic} (requested ${q}): a lower grant is allowed`;
    env.transcript.event(client.name, note);
    env.state.variations = [...(env.state.variations ?? []), note];
  });
}

export async function doUnsubscribe(
  env: CaseEnv,
  step: Step,
  a: StepAction & { kind: 'unsubscribe' },
): Promise<void> {
  const client = env.client(step.client);
  const packet = build(env, client, a.packet, 'unsubscribe') as Packet & { messageId: number };
  writeOrFail(env, client, encodeFor(client, packet), packet);
  const matcher = a.unsuback ? env.resolve(a.unsuback) : {};
  await expectAck(
    env,
    client,
    'unsuback',
    packet.messageId,
    isRecord(matcher) ? matcher : {},
    env.deadlineMs(step),
  );
}
