// Hot-path wire helpers: a direct PUBLISH parser (avoids a generic parse per message) and
// acknowledgement encoders. Every other packet goes through src/protocol/codec.ts.
import { isUtf8 } from 'node:buffer';
import {
  newPublishFields,
  PublishFault,
  type PublishFields,
  readPublishFields,
} from '../../src/protocol/publish-fields.ts';

export interface InPublish {
  topic: string;
  /** the topic bytes, owned (not a view of the read buffer) */
  topicBuf: Buffer;
  /** previous topic of this connection (one-entry cache) */
  lastTopicBuf: Buffer | undefined;
  lastTopic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  dup: boolean;
  packetId: number;
  payload: Buffer;
  props: Buffer | undefined;
  topicAlias: number;
  expiry: number;
  responseTopic: string | undefined;
  /** malformed (0x81) or protocol error (0x82) description */
  error: string | undefined;
  errorCode: number;
  /** offsets of the frame being parsed (src/protocol's PUBLISH field reader) */
  fields: PublishFields;
}

export function newInPublish(): InPublish {
  return {
    topic: '',
    topicBuf: Buffer.alloc(0),
    lastTopicBuf: undefined,
    lastTopic: '',
    qos: 0,
    retain: false,
    dup: false,
    packetId: 0,
    payload: Buffer.alloc(0),
    props: undefined,
    topicAlias: 0,
    expiry: -1,
    responseTopic: undefined,
    error: undefined,
    errorCode: 0,
    fields: newPublishFields(),
  };
}

function fail(p: InPublish, code: number, msg: string): InPublish {
  p.error = msg;
  p.errorCode = code;
  return p;
}

const FAULT_REASON: readonly string[] = [
  '',
  'PUBLISH too short',
  'topic length beyond packet',
  'missing packet identifier',
  'bad property length',
];

/** Parses a complete PUBLISH frame; body starts at `start`. Result written into p (reused). */
export function parsePublish(frame: Buffer, start: number, v5: boolean, p: InPublish): InPublish {
  return parsePublishAt(frame, 0, start, frame.length, v5, p);
}

/** Parses the PUBLISH frame buf[first, end) whose body starts at `body`, in place (p is reused). */
export function parsePublishAt(
  frame: Buffer,
  first: number,
  body: number,
  end: number,
  v5: boolean,
  p: InPublish,
): InPublish {
  p.error = undefined;
  p.errorCode = 0;
  p.topicAlias = 0;
  p.expiry = -1;
  p.props = undefined;
  p.responseTopic = undefined;
  const f = p.fields;
  const fault = readPublishFields(frame, frame[first]!, body, end, v5, f);
  p.qos = f.qos as 0 | 1 | 2;
  p.retain = f.retain;
  p.dup = f.dup;
  p.packetId = 0;
  if (f.qos === 3) return fail(p, 0x81, 'PUBLISH with QoS 3'); // MQTT-3.3.1-4
  if (f.qos === 0 && f.dup) return fail(p, 0x81, 'QoS 0 PUBLISH with DUP set'); // MQTT-3.3.1-2
  if (fault === PublishFault.short || fault === PublishFault.topic)
    return fail(p, 0x81, FAULT_REASON[fault]!);
  if (!readTopic(frame, f.topicStart, f.topicLength, p)) return fail(p, 0x81, 'topic is not valid UTF-8'); // MQTT-1.5.4-1 / 3.3.2-1
  if (fault === PublishFault.packetId) return fail(p, 0x81, FAULT_REASON[fault]!);
  p.packetId = f.packetId;
  if (f.qos > 0 && f.packetId === 0) return fail(p, 0x81, 'packet identifier 0'); // MQTT-2.2.1-3
  if (fault !== PublishFault.none) return fail(p, 0x81, FAULT_REASON[fault]!);
  if (f.propsEnd > f.propsStart && !readProperties(frame, f.propsStart, f.propsEnd, p)) return p;
  p.payload = frame.subarray(f.payloadStart, end);
  return p;
}

/** The topic as a string and owned bytes; false when not UTF-8. */
function readTopic(frame: Buffer, off: number, tl: number, p: InPublish): boolean {
  const last = p.lastTopicBuf;
  if (last !== undefined && last.length === tl && sameBytes(last, frame, off)) {
    // same topic as this connection's previous PUBLISH: reuse the string and the owned bytes
    p.topicBuf = last;
    p.topic = p.lastTopic;
    return true;
  }
  const tb = frame.subarray(off, off + tl);
  if (!isUtf8(tb)) return false;
  p.topic = tb.toString('utf8');
  p.topicBuf = Buffer.from(tb);
  if (tl > 0) {
    p.lastTopicBuf = p.topicBuf;
    p.lastTopic = p.topic;
  }
  return true;
}

/** a equals b[off, off + a.length) (a byte loop: no view made per message) */
function sameBytes(a: Buffer, b: Buffer, off: number): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[off + k]) return false;
  return true;
}

/** Reads the length-prefixed UTF-8 string at off (within pend); its end, or -1 (-2 = not UTF-8). */
function utf8At(frame: Buffer, off: number, pend: number): number {
  if (off + 2 > pend) return -1;
  const l = frame.readUInt16BE(off);
  if (off + 2 + l > pend) return -1;
  return isUtf8(frame.subarray(off + 2, off + 2 + l)) ? off + 2 + l : -2;
}

/** Bits of the properties that may appear once (MQTT-2.2.2-2 (5.0)). */
const ONCE_BIT: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 4, 8: 8, 9: 16, 35: 32 };

/**
 * Checks the v5 properties of a client PUBLISH frame[off, pend): expiry, response topic and topic alias
 * into p; the rest is kept for forwarding without the expiry and the alias. false = p.error is set.
 */
function readProperties(frame: Buffer, off: number, pend: number, p: InPublish): boolean {
  let seen = 0;
  let keepFrom = off;
  let parts: Buffer[] | undefined;
  while (off < pend) {
    const id = frame[off]!;
    const idOff = off;
    off++;
    switch (id) {
      case 0x01: // Payload Format Indicator
        if (off + 1 > pend || frame[off]! > 1) return failed(p, 0x81, 'bad payload format indicator');
        off += 1;
        break;
      case 0x02: // Message Expiry Interval
        if (off + 4 > pend) return failed(p, 0x81, 'bad message expiry');
        p.expiry = frame.readUInt32BE(off);
        off += 4;
        break;
      case 0x03: // Content Type
      case 0x08: {
        // Response Topic
        const next = utf8At(frame, off, pend);
        if (next === -1) return failed(p, 0x81, 'bad string property');
        if (next === -2) return failed(p, 0x81, 'property is not valid UTF-8');
        if (id === 0x08) p.responseTopic = frame.toString('utf8', off + 2, next);
        off = next;
        break;
      }
      case 0x09: {
        if (off + 2 > pend) return failed(p, 0x81, 'bad correlation data');
        const l = frame.readUInt16BE(off);
        if (off + 2 + l > pend) return failed(p, 0x81, 'bad correlation data');
        off += 2 + l;
        break;
      }
      case 0x0b: // Subscription Identifier from a client: MQTT-3.3.4-6
        return failed(p, 0x82, 'PUBLISH from a client must not carry a Subscription Identifier');
      case 0x23:
        if (off + 2 > pend) return failed(p, 0x81, 'bad topic alias');
        p.topicAlias = frame.readUInt16BE(off);
        if (p.topicAlias === 0) return failed(p, 0x94, 'topic alias 0'); // MQTT-3.3.2-8
        off += 2;
        break;
      case 0x26: {
        for (let k = 0; k < 2; k++) {
          const next = utf8At(frame, off, pend);
          if (next === -1) return failed(p, 0x81, 'bad user property');
          if (next === -2) return failed(p, 0x81, 'user property is not UTF-8');
          off = next;
        }
        break;
      }
      default:
        return failed(p, 0x81, `property 0x${id.toString(16)} not allowed in PUBLISH`);
    }
    const bit = ONCE_BIT[id] ?? 0;
    if (bit !== 0) {
      if (seen & bit) return failed(p, 0x82, `duplicate property 0x${id.toString(16)}`); // MQTT-2.2.2-2 (5.0)
      seen |= bit;
    }
    if (id === 0x02 || id === 0x23) {
      // stripped: re-forwarded by the broker itself (remaining expiry) or per connection (alias)
      parts ??= [];
      if (idOff > keepFrom) parts.push(frame.subarray(keepFrom, idOff));
      keepFrom = off;
    }
  }
  if (parts) {
    if (pend > keepFrom) parts.push(frame.subarray(keepFrom, pend));
    p.props = parts.length > 0 ? Buffer.concat(parts) : undefined;
  } else p.props = Buffer.from(frame.subarray(keepFrom, pend));
  if (p.props && p.props.length === 0) p.props = undefined;
  return true;
}

function failed(p: InPublish, code: number, msg: string): false {
  fail(p, code, msg);
  return false;
}

/** PUBACK / PUBREC / PUBREL / PUBCOMP. 3.x: 4 bytes; 5.0: reason code only when not 0 (3.4.2.1). */
export function encodeAck(type: 4 | 5 | 6 | 7, packetId: number, v5: boolean, reasonCode: number): Buffer {
  const withRc = v5 && reasonCode !== 0;
  const b = Buffer.allocUnsafe(withRc ? 5 : 4);
  b[0] = (type << 4) | (type === 6 ? 2 : 0);
  b[1] = withRc ? 3 : 2;
  b[2] = packetId >> 8;
  b[3] = packetId & 0xff;
  if (withRc) b[4] = reasonCode;
  return b;
}

export const PINGRESP = Buffer.from([0xd0, 0x00]);
