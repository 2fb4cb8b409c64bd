// Hot-path wire helpers: a direct PUBLISH parser (avoids a generic parse per message) and
// acknowledgement encoders. Every other packet goes through src/protocol/codec.ts.
import { isUtf8 } from 'node:buffer';

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
  };
}

function fail(p: InPublish, code: number, msg: string): InPublish {
  p.error = msg;
  p.errorCode = code;
  return p;
}

function readVbi(b: Buffer, off: number, end: number): [number, number] {
  let v = 0;
  let mult = 1;
  for (let n = 0; n < 4; n++) {
    if (off >= end) return [-1, off];
    const x = b[off++]!;
    v += (x & 0x7f) * mult;
    mult *= 128;
    if ((x & 0x80) === 0) return [v, off];
  }
  return [-1, off];
}

/** Parses a complete PUBLISH frame; body starts at `start`. Result written into p (reused). */
export function parsePublish(frame: Buffer, start: number, v5: boolean, p: InPublish): InPublish {
  const h = frame[0]!;
  p.error = undefined;
  p.errorCode = 0;
  p.qos = ((h >> 1) & 3) as 0 | 1 | 2;
  p.retain = (h & 1) === 1;
  p.dup = (h & 8) === 8;
  p.topicAlias = 0;
  p.expiry = -1;
  p.props = undefined;
  p.responseTopic = undefined;
  p.packetId = 0;
  if ((h & 6) === 6) return fail(p, 0x81, 'PUBLISH with QoS 3'); // MQTT-3.3.1-4
  if (p.qos === 0 && p.dup) return fail(p, 0x81, 'QoS 0 PUBLISH with DUP set'); // MQTT-3.3.1-2
  const end = frame.length;
  let off = start;
  if (off + 2 > end) return fail(p, 0x81, 'PUBLISH too short');
  const tl = frame.readUInt16BE(off);
  off += 2;
  if (off + tl > end) return fail(p, 0x81, 'topic length beyond packet');
  const tb = frame.subarray(off, off + tl);
  const last = p.lastTopicBuf;
  if (last !== undefined && last.length === tl && tb.equals(last)) {
    // same topic as this connection's previous PUBLISH: reuse the string and the owned bytes
    p.topicBuf = last;
    p.topic = p.lastTopic;
  } else {
    if (!isUtf8(tb)) return fail(p, 0x81, 'topic is not valid UTF-8'); // MQTT-1.5.4-1 / 3.3.2-1
    p.topic = tb.toString('utf8');
    p.topicBuf = Buffer.from(tb);
    if (tl > 0) {
      p.lastTopicBuf = p.topicBuf;
      p.lastTopic = p.topic;
    }
  }
  off += tl;
  if (p.qos > 0) {
    if (off + 2 > end) return fail(p, 0x81, 'missing packet identifier');
    p.packetId = frame.readUInt16BE(off);
    off += 2;
    if (p.packetId === 0) return fail(p, 0x81, 'packet identifier 0'); // MQTT-2.2.1-3
  }
  if (v5) {
    const [pl, o2] = readVbi(frame, off, end);
    if (pl < 0 || o2 + pl > end) return fail(p, 0x81, 'bad property length');
    off = o2;
    const pend = off + pl;
    if (pl > 0) {
      let seen = 0;
      let keepFrom = off;
      let parts: Buffer[] | undefined;
      while (off < pend) {
        const id = frame[off]!;
        const idOff = off;
        off++;
        let bit = 0;
        switch (id) {
          case 0x01: // Payload Format Indicator
            bit = 1;
            if (off + 1 > pend || frame[off]! > 1) return fail(p, 0x81, 'bad payload format indicator');
            off += 1;
            break;
          case 0x02: // Message Expiry Interval
            bit = 2;
            if (off + 4 > pend) return fail(p, 0x81, 'bad message expiry');
            p.expiry = frame.readUInt32BE(off);
            off += 4;
            break;
          case 0x03: // Content Type
          case 0x08: {
            // Response Topic
            bit = id === 0x03 ? 4 : 8;
            if (off + 2 > pend) return fail(p, 0x81, 'bad string property');
            const l = frame.readUInt16BE(off);
            if (off + 2 + l > pend) return fail(p, 0x81, 'bad string property');
            const sb = frame.subarray(off + 2, off + 2 + l);
            if (!isUtf8(sb)) return fail(p, 0x81, 'property is not valid UTF-8');
            if (id === 0x08) p.responseTopic = sb.toString('utf8');
            off += 2 + l;
            break;
          }
          case 0x09: {
            bit = 16;
            if (off + 2 > pend) return fail(p, 0x81, 'bad correlation data');
            const l = frame.readUInt16BE(off);
            if (off + 2 + l > pend) return fail(p, 0x81, 'bad correlation data');
            off += 2 + l;
            break;
          }
          case 0x0b: // Subscription Identifier from a client: MQTT-3.3.4-6
            return fail(p, 0x82, 'PUBLISH from a client must not carry a Subscription Identifier');
          case 0x23:
            bit = 32;
            if (off + 2 > pend) return fail(p, 0x81, 'bad topic alias');
            p.topicAlias = frame.readUInt16BE(off);
            if (p.topicAlias === 0) return fail(p, 0x94, 'topic alias 0'); // MQTT-3.3.2-8
            off += 2;
            break;
          case 0x26: {
            for (let k = 0; k < 2; k++) {
              if (off + 2 > pend) return fail(p, 0x81, 'bad user property');
              const l = frame.readUInt16BE(off);
              if (off + 2 + l > pend) return fail(p, 0x81, 'bad user property');
              if (!isUtf8(frame.subarray(off + 2, off + 2 + l)))
                return fail(p, 0x81, 'user property is not UTF-8');
              off += 2 + l;
            }
            break;
          }
          default:
            return fail(p, 0x81, `property 0x${id.toString(16)} not allowed in PUBLISH`);
        }
        if (bit !== 0) {
          if (seen & bit) return fail(p, 0x82, `duplicate property 0x${id.toString(16)}`); // MQTT-2.2.2-2 (5.0)
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
    }
    off = pend;
  }
  p.payload = frame.subarray(off, end);
  return p;
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
