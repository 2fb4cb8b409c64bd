// PUBLISH fast paths. Decode: parses well-formed PUBLISH frames into exactly the object mqtt-packet's
// parser builds (same class, same fields, same order) and returns undefined for anything unusual
// (QoS 3, truncated fields, unknown / duplicated / non-PUBLISH properties, ...) so the caller falls
// back to mqtt-packet, which then produces its own object or error. Encode: PUBLISH without v5
// properties, byte-identical to mqtt-packet's generate. The golden vectors and the equivalence
// test (publish-fast.test.ts) keep both honest.

import { createRequire } from 'node:module';
import type { IPublishPacket, Packet } from 'mqtt-packet';
import { newPublishFields, PublishFault, readPublishFields } from './publish-fields.ts';
import { readVbi, type VbiRead, vbiLength } from './vbi.ts';

type PacketObject = Record<string, unknown>;
const PacketCtor = createRequire(import.meta.url)('mqtt-packet/packet.js') as new () => PacketObject;

// Last decoded topic: load traffic repeats topics, and comparing a few bytes is cheaper than decoding.
let cacheBytes = new Uint8Array(128);
let cacheLen = -1;
let cacheTopic = '';

function decodeTopic(raw: Buffer, start: number, len: number): string {
  if (len === cacheLen) {
    let k = 0;
    while (k < len && raw[start + k] === cacheBytes[k]) k++;
    if (k === len) return cacheTopic;
  }
  const s = raw.toString('utf8', start, start + len);
  if (len > cacheBytes.length) cacheBytes = new Uint8Array(len * 2);
  for (let k = 0; k < len; k++) cacheBytes[k] = raw[start + k]!;
  cacheLen = len;
  cacheTopic = s;
  return s;
}

/**
 * Parses PUBLISH properties raw[pos, end) the way mqtt-packet does for the ids a PUBLISH may carry.
 * Returns undefined when mqtt-packet must take over.
 */
function parseProps(raw: Buffer, pos: number, end: number): PacketObject | undefined {
  const props: PacketObject = {};
  while (pos < end) {
    const id = raw[pos++]!;
    switch (id) {
      case 0x01: // Payload Format Indicator (mqtt-packet: boolean)
        if (pos + 1 > end || props.payloadFormatIndicator !== undefined) return undefined;
        props.payloadFormatIndicator = raw[pos++] !== 0;
        break;
      case 0x02: // Message Expiry Interval
        if (pos + 4 > end || props.messageExpiryInterval !== undefined) return undefined;
        props.messageExpiryInterval = raw.readUInt32BE(pos);
        pos += 4;
        break;
      case 0x03: // Content Type
      case 0x08: {
        // Response Topic
        const name = id === 0x03 ? 'contentType' : 'responseTopic';
        if (pos + 2 > end || props[name] !== undefined) return undefined;
        const l = (raw[pos]! << 8) | raw[pos + 1]!;
        pos += 2;
        if (pos + l > end) return undefined;
        props[name] = raw.toString('utf8', pos, pos + l);
        pos += l;
        break;
      }
      case 0x09: {
        // Correlation Data
        if (pos + 2 > end || props.correlationData !== undefined) return undefined;
        const l = (raw[pos]! << 8) | raw[pos + 1]!;
        pos += 2;
        if (pos + l > end) return undefined;
        props.correlationData = raw.subarray(pos, pos + l);
        pos += l;
        break;
      }
      case 0x0b: {
        // Subscription Identifier (may repeat: scalar first, then an array, as mqtt-packet does)
        if (!readVbi(raw, pos, end, VBI)) return undefined;
        pos = VBI.end;
        const v = VBI.value;
        const cur = props.subscriptionIdentifier;
        if (cur === undefined) props.subscriptionIdentifier = v;
        else if (Array.isArray(cur)) cur.push(v);
        else return undefined; // mqtt-packet's truthiness quirks: let it decide
        break;
      }
      case 0x23: // Topic Alias
        if (pos + 2 > end || props.topicAlias !== undefined) return undefined;
        props.topicAlias = (raw[pos]! << 8) | raw[pos + 1]!;
        pos += 2;
        break;
      case 0x26: {
        // User Property
        if (pos + 2 > end) return undefined;
        const nl = (raw[pos]! << 8) | raw[pos + 1]!;
        pos += 2;
        if (pos + nl + 2 > end) return undefined;
        const name = raw.toString('utf8', pos, pos + nl);
        pos += nl;
        const vl = (raw[pos]! << 8) | raw[pos + 1]!;
        pos += 2;
        if (pos + vl > end) return undefined;
        const value = raw.toString('utf8', pos, pos + vl);
        pos += vl;
        let up = props.userProperties as Record<string, unknown> | undefined;
        if (up === undefined) {
          up = Object.create(null) as Record<string, unknown>;
          props.userProperties = up;
        }
        const prev = up[name];
        if (prev) {
          if (Array.isArray(prev)) prev.push(value);
          else up[name] = [prev, value];
        } else up[name] = value;
        break;
      }
      default:
        return undefined;
    }
  }
  return pos === end ? props : undefined;
}

const fields = newPublishFields();

/**
 * raw = one complete PUBLISH frame, hdr = length of its fixed header (1 + remaining-length bytes).
 * Returns the packet, or undefined to let mqtt-packet parse the frame.
 */
export function parsePublishFast(raw: Buffer, hdr: number, version: number): Packet | undefined {
  const f = fields;
  const fault = readPublishFields(raw, raw[0]!, hdr, raw.length, version === 5, f);
  if (f.qos === 3 || fault !== PublishFault.none) return undefined; // mqtt-packet reports it [MQTT-3.3.1-4]
  const topic = decodeTopic(raw, f.topicStart, f.topicLength);
  let props: PacketObject | undefined;
  if (f.propsEnd > f.propsStart) {
    props = parseProps(raw, f.propsStart, f.propsEnd);
    if (props === undefined) return undefined;
  }
  const p = new PacketCtor();
  p.cmd = 'publish';
  p.retain = f.retain;
  p.qos = f.qos;
  p.dup = f.dup;
  p.length = raw.length - hdr;
  p.topic = topic;
  p.payload = raw.subarray(f.payloadStart, raw.length);
  if (f.qos > 0) p.messageId = f.packetId;
  if (props !== undefined) p.properties = props;
  return p as unknown as Packet;
}

const EMPTY = Buffer.alloc(0);
const VBI: VbiRead = { value: 0, end: 0 };

/** `{}` encodes exactly like absent properties in mqtt-packet (property length 0). */
function isEmptyObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || (v as { length?: unknown }).length != null)
    return false;
  for (const _ in v) return false;
  return true;
}

/**
 * Encodes a PUBLISH without properties exactly as mqtt-packet would. Returns undefined when the
 * packet is not of the simple kind (v5 properties, unusual field types) so mqtt-packet handles it
 * (and throws its own errors).
 */
export function encodePublishFast(packet: Packet, version: number): Buffer | undefined {
  const pk = packet as IPublishPacket;
  const topic = pk.topic as unknown;
  if (typeof topic !== 'string') return undefined;
  const qos = (pk.qos as unknown) || 0;
  if (qos !== 0 && qos !== 1 && qos !== 2) return undefined;
  if (version === 5 && pk.properties !== undefined && !isEmptyObject(pk.properties)) return undefined;
  const payload = (pk.payload as unknown) || EMPTY;
  const isBuf = Buffer.isBuffer(payload);
  if (!isBuf && typeof payload !== 'string') return undefined;
  const id = pk.messageId;
  if (qos > 0 && !(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffff))
    return undefined;
  const tl = Buffer.byteLength(topic);
  if (tl > 0xffff) return undefined;
  const pl = isBuf ? (payload as Buffer).length : Buffer.byteLength(payload as string);
  const rl = 2 + tl + (qos > 0 ? 2 : 0) + (version === 5 ? 1 : 0) + pl;
  if (rl > 268_435_455) return undefined;
  const buf = Buffer.allocUnsafe(1 + vbiLength(rl) + rl);
  buf[0] = 0x30 | (pk.dup ? 8 : 0) | (qos << 1) | (pk.retain ? 1 : 0);
  let pos = 1;
  let n = rl;
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) d |= 0x80;
    buf[pos++] = d;
  } while (n > 0);
  buf[pos++] = tl >> 8;
  buf[pos++] = tl & 0xff;
  pos += buf.write(topic, pos, tl === topic.length ? 'latin1' : 'utf8');
  if (qos > 0) {
    buf[pos++] = (id as number) >> 8;
    buf[pos++] = (id as number) & 0xff;
  }
  if (version === 5) buf[pos++] = 0;
  if (isBuf) (payload as Buffer).copy(buf, pos);
  else buf.write(payload as string, pos, 'utf8');
  return buf;
}

const ACK_TYPE: Readonly<Record<string, number>> = { puback: 4, pubrec: 5, pubrel: 6, pubcomp: 7 };

/**
 * PUBACK / PUBREC / PUBREL / PUBCOMP without properties, byte-identical to mqtt-packet (v5: short
 * form for reason code 0, else reason code + property length 0). undefined = let mqtt-packet encode.
 */
export function encodeAckFast(packet: Packet, version: number): Buffer | undefined {
  const pk = packet as unknown as {
    cmd: string;
    messageId?: unknown;
    reasonCode?: unknown;
    dup?: unknown;
    properties?: unknown;
  };
  const type = ACK_TYPE[pk.cmd];
  if (type === undefined || pk.properties !== undefined || (type === 6 && pk.dup)) return undefined;
  const id = pk.messageId;
  if (!(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffff)) return undefined;
  const first = (type << 4) | (type === 6 ? 2 : 0);
  if (version !== 5) return Buffer.from([first, 2, id >> 8, id & 0xff]);
  const rc = pk.reasonCode;
  if (!(typeof rc === 'number' && Number.isInteger(rc) && rc >= 0 && rc <= 0xff)) return undefined;
  if (rc === 0) return Buffer.from([first, 2, id >> 8, id & 0xff]);
  return Buffer.from([first, 4, id >> 8, id & 0xff, rc, 0]);
}

export interface PublishTemplateInput {
  topic: string;
  qos?: 0 | 1 | 2;
  retain?: boolean;
  dup?: boolean;
  /** Payload bytes; or give payloadSize for a zero-filled payload to patch in place. */
  payload?: Buffer;
  payloadSize?: number;
  messageId?: number;
  properties?: IPublishPacket['properties'];
}

/** A pre-encoded PUBLISH whose payload bytes and packet id can be patched in place. */
export interface PublishTemplate {
  buffer: Buffer;
  /** Offset of the first payload byte (the payload runs to the end of the buffer). */
  payloadOffset: number;
  payloadLength: number;
  /** Offset of the two-byte Packet Identifier, -1 for QoS 0. */
  packetIdOffset: number;
  /** Writes the Packet Identifier (QoS > 0 only). */
  setPacketId(id: number): void;
  /** Sets or clears the DUP flag of the fixed header. */
  setDup(dup: boolean): void;
}

export function makePublishTemplate(
  input: PublishTemplateInput,
  version: number,
  encodeFn: (p: Packet, v: 3 | 4 | 5) => Buffer,
): PublishTemplate {
  const payload = input.payload ?? Buffer.alloc(input.payloadSize ?? 0);
  const qos = input.qos ?? 0;
  const pk: PacketObject = {
    cmd: 'publish',
    topic: input.topic,
    qos,
    retain: input.retain ?? false,
    dup: input.dup ?? false,
    payload,
  };
  if (qos > 0) pk.messageId = input.messageId ?? 1;
  if (input.properties !== undefined) pk.properties = input.properties;
  const buffer = encodeFn(pk as unknown as Packet, version as 3 | 4 | 5);
  const payloadOffset = buffer.length - payload.length;
  let packetIdOffset = -1;
  if (qos > 0) {
    let h = 1;
    while (buffer[h]! & 0x80) h++;
    packetIdOffset = h + 1 + 2 + Buffer.byteLength(input.topic);
  }
  return {
    buffer,
    payloadOffset,
    payloadLength: payload.length,
    packetIdOffset,
    setPacketId(id: number) {
      if (packetIdOffset < 0) throw new Error('QoS 0 PUBLISH has no packet identifier');
      buffer[packetIdOffset] = id >> 8;
      buffer[packetIdOffset + 1] = id & 0xff;
    },
    setDup(dup: boolean) {
      buffer[0] = dup ? buffer[0]! | 8 : buffer[0]! & ~8;
    },
  };
}
