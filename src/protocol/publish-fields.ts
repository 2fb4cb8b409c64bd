// The one PUBLISH field reader: reads the fixed-header flags, Topic Name, Packet Identifier, property
// section and payload bounds of a whole PUBLISH frame into a caller-owned object (no allocation per
// message). It checks structure only (every length within the frame); the meaning of the fields
// (QoS 3, DUP on QoS 0, packet identifier 0, UTF-8, which properties) is judged by each caller.
// Used by the reference broker, the load client's inbound reader and the decoder's fast path.
import { readVbi, type VbiRead } from './vbi.ts';

const VBI: VbiRead = { value: 0, end: 0 };

/** Result of readPublishFields: 0 = well formed, else the first structural fault. */
export const PublishFault = {
  none: 0,
  /** fewer than 2 bytes for the Topic Name length */
  short: 1,
  /** Topic Name runs past the end of the packet */
  topic: 2,
  /** QoS > 0 without room for the Packet Identifier (MQTT-2.3.1-1) */
  packetId: 3,
  /** v5 Property Length not a valid Variable Byte Integer, or beyond the packet */
  properties: 4,
} as const;
export type PublishFault = (typeof PublishFault)[keyof typeof PublishFault];

/** Offsets are absolute positions in the buffer that was read. */
export interface PublishFields {
  /** bits 2-1 of the first byte; 3 is reported as read (the caller decides: MQTT-3.3.1-4) */
  qos: number;
  retain: boolean;
  dup: boolean;
  topicStart: number;
  topicLength: number;
  /** 0 for QoS 0 (a QoS 3 frame is read as having one) */
  packetId: number;
  /** v5 property section [propsStart, propsEnd); both equal the payload start for 3.x */
  propsStart: number;
  propsEnd: number;
  payloadStart: number;
}

export function newPublishFields(): PublishFields {
  return {
    qos: 0,
    retain: false,
    dup: false,
    topicStart: 0,
    topicLength: 0,
    packetId: 0,
    propsStart: 0,
    propsEnd: 0,
    payloadStart: 0,
  };
}

/**
 * Reads the PUBLISH whose fixed header's first byte is `header` (only its flag bits are read), whose
 * variable header starts at buf[body] and which ends at `end`. Fields are filled in order up to the
 * first fault (the flags always).
 */
export function readPublishFields(
  buf: Buffer,
  header: number,
  body: number,
  end: number,
  v5: boolean,
  out: PublishFields,
): PublishFault {
  const qos = (header >> 1) & 3;
  out.qos = qos;
  out.retain = (header & 1) !== 0;
  out.dup = (header & 8) !== 0;
  out.packetId = 0;
  if (body + 2 > end) return PublishFault.short;
  const tl = (buf[body]! << 8) | buf[body + 1]!;
  out.topicStart = body + 2;
  out.topicLength = tl;
  let pos = body + 2 + tl;
  if (pos > end) return PublishFault.topic;
  if (qos > 0) {
    if (pos + 2 > end) return PublishFault.packetId;
    out.packetId = (buf[pos]! << 8) | buf[pos + 1]!;
    pos += 2;
  }
  out.propsStart = pos;
  if (v5) {
    pos = propertySection(buf, pos, end, out);
    if (pos < 0) return PublishFault.properties;
  }
  out.propsEnd = pos;
  out.payloadStart = pos;
  return PublishFault.none;
}

/**
 * The v5 Property Length at buf[pos]: a Variable Byte Integer of at most 4 bytes (MQTT-1.5.5-1).
 * Sets out.propsStart past it and returns the end of the properties, or -1 when they do not fit.
 */
function propertySection(buf: Buffer, pos: number, end: number, out: PublishFields): number {
  if (!readVbi(buf, pos, end, VBI) || VBI.end + VBI.value > end) return -1;
  out.propsStart = VBI.end;
  return VBI.end + VBI.value;
}
