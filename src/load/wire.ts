// Packets of the lean clients. Rare packets (CONNECT, SUBSCRIBE) go through src/protocol's encoder;
// PUBLISH is a pre-encoded template patched per message; the small acks are four bytes built here;
// inbound frames are read by a minimal parser (correctness checked against src/protocol in wire.test.ts).
import type { Packet } from 'mqtt-packet';
import { encode, type ProtocolVersion } from '../protocol/codec.ts';
import { PublishFault, type PublishFields, readPublishFields } from '../protocol/publish-fields.ts';
import { readVbi, type VbiRead } from '../protocol/vbi.ts';
import { HEADER_SIZE, payloadTemplate } from './payload.ts';

const VBI: VbiRead = { value: 0, end: 0 };

export const T = {
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBACK: 9,
  PINGRESP: 13,
  DISCONNECT: 14,
} as const;

export interface PublishTemplate {
  /** The whole encoded PUBLISH (packet id 0 when QoS 0). */
  bytes: Buffer;
  /** Offset of the packet identifier (QoS > 0), else -1. */
  packetIdOffset: number;
  /** Offset of the measurement header (start of the payload). */
  payloadOffset: number;
}

export function publishTemplate(
  topic: string,
  qos: 0 | 1 | 2,
  retain: boolean,
  payloadSize: number,
  publisher: number,
  version: ProtocolVersion,
  template?: Buffer,
): PublishTemplate {
  const payload = payloadTemplate(payloadSize, publisher, template);
  const packet = {
    cmd: 'publish',
    topic,
    qos,
    retain,
    dup: false,
    payload,
    ...(qos > 0 ? { messageId: 1 } : {}),
    ...(version === 5 ? { properties: {} } : {}),
  } as Packet;
  const bytes = encode(packet, version);
  const payloadOffset = bytes.length - payload.length;
  // Fixed header, then topic (2-byte length + bytes), then the packet id for QoS > 0 (MQTT-2.3.1-1).
  let rl = 1;
  while ((bytes[rl] as number) & 0x80) rl++;
  const packetIdOffset = qos > 0 ? rl + 1 + 2 + Buffer.byteLength(topic) : -1;
  if (qos > 0 && bytes.readUInt16BE(packetIdOffset) !== 1)
    throw new Error('publish template: packet id not where expected');
  if (bytes.readUInt16BE(payloadOffset) !== payload.readUInt16BE(0))
    throw new Error('publish template: payload not where expected');
  return { bytes, packetIdOffset, payloadOffset };
}

export function connectPacket(opts: {
  clientId: string;
  version: ProtocolVersion;
  clean: boolean;
  keepAlive: number;
  sessionExpiry: number;
}): Buffer {
  const p: Record<string, unknown> = {
    cmd: 'connect',
    protocolId: opts.version === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: opts.version,
    clientId: opts.clientId,
    clean: opts.clean,
    keepalive: opts.keepAlive,
  };
  if (opts.version === 5 && opts.sessionExpiry > 0)
    p.properties = { sessionExpiryInterval: opts.sessionExpiry };
  return encode(p as unknown as Packet, opts.version);
}

export function subscribePacket(
  messageId: number,
  subs: Array<{ filter: string; qos: number }>,
  version: ProtocolVersion,
): Buffer {
  const p = {
    cmd: 'subscribe',
    messageId,
    subscriptions: subs.map((s) => ({ topic: s.filter, qos: s.qos })),
  };
  return encode(p as unknown as Packet, version);
}

/** PUBACK / PUBREC / PUBREL / PUBCOMP with success (MQTT 5 allows omitting reason code 0: MQTT-3.4.2-1 area). */
export function ackPacket(type: number, packetId: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b[0] = (type << 4) | (type === T.PUBREL ? 0x02 : 0); // PUBREL fixed header flags 0010 (MQTT-3.6.1-1)
  b[1] = 2;
  b.writeUInt16BE(packetId, 2);
  return b;
}

export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

/** Fields of an inbound PUBLISH, filled in place (no allocation per message): src/protocol's own. */
export type InboundPublish = PublishFields;

/** Reads a PUBLISH whose body spans buf[body, end) (src/protocol's field reader). Returns false when malformed. */
export function readPublish(
  buf: Buffer,
  flags: number,
  body: number,
  end: number,
  v5: boolean,
  out: InboundPublish,
): boolean {
  return readPublishFields(buf, flags, body, end, v5, out) === PublishFault.none;
}

/** The first refusal (a return / reason code >= 0x80) in a SUBACK, else -1. */
export function subackRefusal(buf: Buffer, body: number, end: number, v5: boolean): number {
  let p = body + 2;
  if (v5) {
    if (!readVbi(buf, p, end, VBI)) return -1;
    p = VBI.end + VBI.value;
  }
  for (; p < end; p++) if ((buf[p] as number) >= 0x80) return buf[p] as number;
  return -1;
}

/** MQTT 5 CONNACK: Receive Maximum property (0x21) if present, else 65535 (MQTT-3.2.2-17 default). */
export function connackReceiveMaximum(buf: Buffer, body: number, end: number): number {
  if (!readVbi(buf, body + 2, end, VBI)) return 65535;
  let p = VBI.end;
  const stop = Math.min(end, p + VBI.value);
  while (p < stop) {
    const id = buf[p++] as number;
    if (id === 0x21) return buf.readUInt16BE(p);
    // Skip other properties by type (MQTT 5 section 2.2.2.2).
    if ([0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2a].includes(id)) p += 1;
    else if ([0x13, 0x21, 0x22].includes(id)) p += 2;
    else if ([0x02, 0x11, 0x27].includes(id)) p += 4;
    else if (id === 0x0b) {
      while (p < stop && (buf[p++] as number) & 0x80);
    } else if (id === 0x26) {
      p += 2 + buf.readUInt16BE(p);
      p += 2 + buf.readUInt16BE(p);
    } else p += 2 + buf.readUInt16BE(p);
  }
  return 65535;
}

export { HEADER_SIZE };
