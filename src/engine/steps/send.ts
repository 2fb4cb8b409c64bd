// send, sendRaw, sendMutated, and the publish / subscribe / unsubscribe shorthands.
import { Decoder, type Packet, type ProtocolVersion } from '../../protocol/codec.ts';
import { type Mutation, mutate } from '../../protocol/mutate.ts';
import { hexToBytes } from '../../protocol/raw.ts';
import type { Step, StepAction } from '../../scenario/model.ts';
import type { ScenarioClient } from '../client.ts';
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
  const decoded = decodeOwn(bytes, client.version);
  writeOrFail(env, client, bytes, decoded, decoded ? 'raw' : 'raw (not one valid packet)', a.frame);
}

export function doSendMutated(env: CaseEnv, step: Step, a: StepAction & { kind: 'sendMutated' }): void {
  const client = env.client(step.client);
  const packet = build(env, client, a.packet);
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
  const matcher = a.suback ? env.resolve(a.suback) : { granted: packet.subscriptions.map((s) => s.qos ?? 0) };
  await expectAck(
    env,
    client,
    'suback',
    packet.messageId,
    isRecord(matcher) ? matcher : {},
    env.deadlineMs(step),
  );
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
