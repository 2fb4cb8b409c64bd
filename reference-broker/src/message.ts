// Application messages inside the broker and their PUBLISH encoding. A message keeps its MQTT 5
// properties as the exact bytes received (minus Topic Alias, Message Expiry and Subscription
// Identifier), so Payload Format Indicator, Content Type, Response Topic, Correlation Data and User
// Properties are forwarded unaltered and in order (MQTT-3.3.2-4, -15, -16, -17, -18, -19).
import type { Session } from './session.ts';

export interface Message {
  topic: string;
  topicBuf: Buffer;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** encoded v5 properties to forward (without length prefix), or undefined. */
  props: Buffer | undefined;
  /** absolute expiry time in ms, 0 = never. */
  expiresAt: number;
  /** Message Expiry Interval as received (seconds), -1 = none. */
  expiryInterval: number;
  /** publishing session (No Local), undefined for wills/$SYS/retained from elsewhere. */
  origin: Session | undefined;
}

export function vbiSize(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

export function writeVbi(buf: Buffer, off: number, n: number): number {
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    buf[off++] = b;
  } while (n > 0);
  return off;
}

/** Size of the PUBLISH that encodePublish would produce. */
export function publishSize(
  v5: boolean,
  msg: Message,
  qos: number,
  extra: Buffer | undefined,
  expiry: number,
  aliasOnly: boolean,
): number {
  let vh = 2 + (aliasOnly ? 0 : msg.topicBuf.length) + (qos > 0 ? 2 : 0);
  if (v5) {
    const pl = (msg.props ? msg.props.length : 0) + (expiry >= 0 ? 5 : 0) + (extra ? extra.length : 0);
    vh += vbiSize(pl) + pl;
  }
  const rem = vh + msg.payload.length;
  return 1 + vbiSize(rem) + rem;
}

/**
 * Encodes a PUBLISH. extra = additional encoded properties (Subscription Identifiers, Topic Alias);
 * expiry = remaining Message Expiry Interval to send, -1 for none; aliasOnly = empty topic name.
 */
export function encodePublish(
  v5: boolean,
  msg: Message,
  qos: number,
  retain: boolean,
  dup: boolean,
  packetId: number,
  extra: Buffer | undefined,
  expiry: number,
  aliasOnly: boolean,
): Buffer {
  const topicLen = aliasOnly ? 0 : msg.topicBuf.length;
  let vh = 2 + topicLen + (qos > 0 ? 2 : 0);
  let pl = 0;
  if (v5) {
    pl = (msg.props ? msg.props.length : 0) + (expiry >= 0 ? 5 : 0) + (extra ? extra.length : 0);
    vh += vbiSize(pl) + pl;
  }
  const rem = vh + msg.payload.length;
  const buf = Buffer.allocUnsafe(1 + vbiSize(rem) + rem);
  buf[0] = 0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0);
  let off = writeVbi(buf, 1, rem);
  buf[off++] = topicLen >> 8;
  buf[off++] = topicLen & 0xff;
  if (topicLen > 0) off += msg.topicBuf.copy(buf, off);
  if (qos > 0) {
    buf[off++] = packetId >> 8;
    buf[off++] = packetId & 0xff;
  }
  if (v5) {
    off = writeVbi(buf, off, pl);
    if (expiry >= 0) {
      buf[off++] = 0x02;
      buf.writeUInt32BE(expiry, off);
      off += 4;
    }
    if (msg.props) off += msg.props.copy(buf, off);
    if (extra) off += extra.copy(buf, off);
  }
  msg.payload.copy(buf, off);
  return buf;
}

/** Offset of the packet identifier inside an encoded QoS>0 PUBLISH. */
export function packetIdOffset(buf: Buffer): number {
  let i = 1;
  while (buf[i]! & 0x80) i++;
  i++;
  return i + 2 + buf.readUInt16BE(i);
}

/** Copy of an encoded PUBLISH with another packet id (and DUP flag if asked). */
export function withPacketId(buf: Buffer, packetId: number, dup: boolean): Buffer {
  const out = Buffer.allocUnsafe(buf.length);
  buf.copy(out, 0);
  return setPacketId(out, packetId, dup);
}

/** Writes the packet id (and DUP flag if asked) into an encoded PUBLISH that nobody else holds. */
export function setPacketId(buf: Buffer, packetId: number, dup: boolean): Buffer {
  const o = packetIdOffset(buf);
  buf[o] = packetId >> 8;
  buf[o + 1] = packetId & 0xff;
  if (dup) buf[0]! |= 0x08;
  return buf;
}

/** Encoded Subscription Identifier properties (0x0B, VBI each) plus optional Topic Alias (0x23). */
export function extraProps(subIds: number[] | undefined, alias: number): Buffer | undefined {
  let n = alias > 0 ? 3 : 0;
  if (subIds) for (const id of subIds) n += 1 + vbiSize(id);
  if (n === 0) return undefined;
  const b = Buffer.allocUnsafe(n);
  let off = 0;
  if (subIds)
    for (const id of subIds) {
      b[off++] = 0x0b;
      off = writeVbi(b, off, id);
    }
  if (alias > 0) {
    b[off++] = 0x23;
    b.writeUInt16BE(alias, off);
  }
  return b;
}

interface PropObject {
  payloadFormatIndicator?: boolean | number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  userProperties?: Record<string, string | string[]>;
}

/** Encodes will / internal properties given as an mqtt-packet style object. */
export function encodePropObject(p: PropObject | undefined): Buffer | undefined {
  if (!p) return undefined;
  const parts: Buffer[] = [];
  const str = (id: number, s: string) => {
    const b = Buffer.from(s, 'utf8');
    const h = Buffer.from([id, b.length >> 8, b.length & 0xff]);
    parts.push(h, b);
  };
  if (p.payloadFormatIndicator !== undefined)
    parts.push(Buffer.from([0x01, p.payloadFormatIndicator ? 1 : 0]));
  if (p.contentType !== undefined) str(0x03, p.contentType);
  if (p.responseTopic !== undefined) str(0x08, p.responseTopic);
  if (p.correlationData !== undefined) {
    const d = p.correlationData;
    parts.push(Buffer.from([0x09, d.length >> 8, d.length & 0xff]), d);
  }
  if (p.userProperties) {
    for (const [k, v] of Object.entries(p.userProperties)) {
      for (const val of Array.isArray(v) ? v : [v]) {
        const kb = Buffer.from(k, 'utf8');
        const vb = Buffer.from(String(val), 'utf8');
        parts.push(Buffer.from([0x26, kb.length >> 8, kb.length & 0xff]), kb);
        parts.push(Buffer.from([vb.length >> 8, vb.length & 0xff]), vb);
      }
    }
  }
  return parts.length > 0 ? Buffer.concat(parts) : undefined;
}

export function makeMessage(
  topic: string,
  payload: Buffer,
  qos: 0 | 1 | 2,
  retain: boolean,
  props: Buffer | undefined,
  expiryInterval: number,
  origin: Session | undefined,
): Message {
  return {
    topic,
    topicBuf: Buffer.from(topic, 'utf8'),
    payload,
    qos,
    retain,
    props,
    expiresAt: expiryInterval >= 0 ? Date.now() + expiryInterval * 1000 : 0,
    expiryInterval,
    origin,
  };
}
