// Packet mutations: encode a packet with mqtt-packet, then corrupt the bytes in ways mqtt-packet
// refuses to generate (reserved flag bits, wrong lengths, truncation, bad UTF-8, duplicate or
// misplaced properties, QoS 3, ...). Used by `sendMutated` steps (docs/scenario-format.md).
//
// Application order: header and body ops in the order given (each re-scans the packet, so offsets
// are always current), then the frame is assembled (remaining length recomputed from the body
// unless remainingLength / overlongLength was given), then frame ops (patch, truncate) in order.
import type { Packet } from 'mqtt-packet';
import { encode, type ProtocolVersion } from './codec.ts';
import { PROPERTY_BY_FIELD, PROPERTY_BY_ID } from './constants.ts';
import { hexToBytes } from './raw.ts';
import { encodeVbi, vbiLength } from './vbi.ts';
import { findField, scanPacket, type WireLayout } from './wire.ts';

/** Names accepted by the string ops: any string field of the layout (see wire.ts), e.g. topic,
 *  clientId, willTopic, username, protocolName, filter, or a property such as contentType. */
export type StringField = string;

export type Mutation =
  /** Set the fixed header's low 4 bits (reserved flags; DUP/QoS/RETAIN for PUBLISH). */
  | { op: 'flags'; value: number }
  /** Set the packet type (upper 4 bits), e.g. 0 or 15 on a 3.1.1 connection. */
  | { op: 'type'; value: number }
  /** Write this value in the remaining-length field (minimal VBI); the body is unchanged. */
  | { op: 'remainingLength'; value: number }
  /** Encode the true remaining length with `bytes` bytes (2..5) using extra 0x80 continuation
   *  bytes: overlong VBI [MQTT-1.5.5-1]; 5 bytes is always malformed. */
  | { op: 'overlongLength'; bytes: number }
  /** Keep only the first `at` bytes of the final frame (the length field then lies). */
  | { op: 'truncate'; at: number }
  /** Drop the last `by` bytes of the body and recompute the remaining length (a consistent frame
   *  whose content ends early). */
  | { op: 'truncateBody'; by: number }
  /** Keep only the first `bytes` bytes of the body and recompute the remaining length (a consistent frame
   *  that ends inside the variable header when `bytes` is small). */
  | { op: 'keepBody'; bytes: number }
  /** Set the PUBLISH QoS bits (3 = both bits set [MQTT-3.3.1-4]); nothing else changes. */
  | { op: 'qos'; value: number }
  /** Append an invalid byte (0xFF) to the string field's content [MQTT-1.5.4-1]. */
  | { op: 'badUtf8'; field: StringField; index?: number }
  /** Append U+0000 (byte 0x00) to the string field's content [MQTT-1.5.4-2]. */
  | { op: 'nullChar'; field: StringField; index?: number }
  /** Append an encoded surrogate U+D800 (ED A0 80) to the string field's content. */
  | { op: 'surrogate'; field: StringField; index?: number }
  /** Copy the first property with this id right after itself (v5). section: 'will' = Will Properties. */
  | { op: 'duplicateProperty'; id: number; section?: 'will' }
  /** Append a property (possibly not allowed for this packet) to the property section (v5). value:
   *  number / boolean / string / {name, value} by the property's type; `hex` gives raw value bytes
   *  instead (needed for unknown ids). Acks in short form get a reason code 0 and a section. */
  | { op: 'addProperty'; id: number; value?: unknown; hex?: string; section?: 'will' }
  /** Append bytes to the body (remaining length includes them). */
  | { op: 'append'; hex: string }
  /** Overwrite bytes of the final frame at `offset` (extends the frame if needed). */
  | { op: 'patch'; offset: number; hex: string }
  /** CONNECT: set the Connect Flags byte (bit 0 is reserved [MQTT-3.1.2-3]). */
  | { op: 'connectFlags'; value: number }
  /** CONNECT: replace the protocol name (e.g. "MQTX"). */
  | { op: 'protocolName'; value: string }
  /** CONNECT: set the protocol level byte (e.g. 9). */
  | { op: 'protocolLevel'; value: number };

export class MutationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MutationError';
  }
}

interface State {
  header: number;
  body: Buffer;
  version: ProtocolVersion;
}

function frame(s: State): Buffer {
  return Buffer.concat([Buffer.from([s.header]), encodeVbi(s.body.length), s.body]);
}

function layoutOf(s: State): WireLayout {
  return scanPacket(frame(s), s.version);
}

/** Replace body bytes [start, end) (offsets relative to the frame of `s`) with `bytes`. */
function splice(s: State, layoutHeader: number, start: number, end: number, bytes: Buffer): void {
  const a = start - layoutHeader;
  const b = end - layoutHeader;
  s.body = Buffer.concat([s.body.subarray(0, a), bytes, s.body.subarray(b)]);
}

function appendToString(s: State, field: string, index: number, extra: number[]): void {
  const l = layoutOf(s);
  const f = findField(l, field, index) ?? findField(l, `${field}.name`, index);
  if (f?.kind !== 'string') {
    const names = [...new Set(l.fields.filter((x) => x.kind === 'string').map((x) => x.name))];
    throw new MutationError(
      `no string field '${field}' in this packet (string fields: ${names.join(', ') || 'none'})`,
    );
  }
  const content = frame(s).subarray(f.valueStart, f.end);
  const len = content.length + extra.length;
  const bytes = Buffer.concat([Buffer.from([len >> 8, len & 0xff]), content, Buffer.from(extra)]);
  splice(s, l.headerLength, f.start, f.end, bytes);
}

function propertySection(l: WireLayout, which: 'will' | undefined) {
  const name = which === 'will' ? 'willProperties' : 'properties';
  return l.sections.find((x) => x.name === name);
}

function rewriteSectionLength(s: State, l: WireLayout, sectionName: string, newLength: number): void {
  const v = l.vbis.find((x) => x.name === sectionName);
  if (!v) throw new MutationError(`no ${sectionName} length found`);
  splice(s, l.headerLength, v.start, v.start + v.bytes, encodeVbi(newLength));
}

function encodePropertyValue(id: number, value: unknown): Buffer {
  const def = PROPERTY_BY_ID[id];
  if (!def) throw new MutationError(`property 0x${id.toString(16)} is unknown: give its value bytes as hex`);
  const str = (x: unknown) => {
    const b = Buffer.from(String(x), 'utf8');
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const num = Number(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  switch (def.type) {
    case 'byte':
      return Buffer.from([num & 0xff]);
    case 'int16':
      return Buffer.from([(num >> 8) & 0xff, num & 0xff]);
    case 'int32': {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(num >>> 0);
      return b;
    }
    case 'varint':
      return encodeVbi(num);
    case 'string':
      return str(value);
    case 'binary': {
      const b = Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
      return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
    }
    case 'pair': {
      const p = (value ?? {}) as { name?: unknown; value?: unknown };
      return Buffer.concat([str(p.name ?? 'k'), str(p.value ?? 'v')]);
    }
  }
}

/** v5 acks / DISCONNECT / AUTH in short form: add reason code 0 and an empty property section. */
function ensureSection(s: State, which: 'will' | undefined): void {
  const l = layoutOf(s);
  if (propertySection(l, which)) return;
  if (s.version !== 5) throw new MutationError('properties exist only in MQTT 5.0 packets');
  const type = s.header >> 4;
  if (which !== 'will' && type >= 4 && type <= 7 && s.body.length >= 2) {
    s.body = Buffer.concat([s.body.subarray(0, 2), Buffer.from([s.body[2] ?? 0, 0])]);
  } else if (which !== 'will' && (type === 14 || type === 15)) {
    s.body = Buffer.from([s.body[0] ?? 0, 0]);
  } else {
    throw new MutationError(`packet has no ${which === 'will' ? 'Will Properties' : 'property'} section`);
  }
}

function applyBodyOp(s: State, m: Mutation): void {
  switch (m.op) {
    case 'flags':
      s.header = (s.header & 0xf0) | (m.value & 0x0f);
      return;
    case 'type':
      s.header = ((m.value & 0x0f) << 4) | (s.header & 0x0f);
      return;
    case 'qos':
      s.header = (s.header & ~0x06) | ((m.value & 3) << 1);
      return;
    case 'truncateBody':
      s.body = s.body.subarray(0, Math.max(0, s.body.length - m.by));
      return;
    case 'keepBody':
      s.body = s.body.subarray(0, Math.max(0, m.bytes));
      return;
    case 'badUtf8':
      appendToString(s, m.field, m.index ?? 0, [0xff]);
      return;
    case 'nullChar':
      appendToString(s, m.field, m.index ?? 0, [0x00]);
      return;
    case 'surrogate':
      appendToString(s, m.field, m.index ?? 0, [0xed, 0xa0, 0x80]);
      return;
    case 'append':
      s.body = Buffer.concat([s.body, hexToBytes(m.hex)]);
      return;
    case 'duplicateProperty': {
      const l = layoutOf(s);
      const sec = propertySection(l, m.section);
      const entry = sec?.entries.find((e) => e.id === m.id);
      if (!sec || !entry) throw new MutationError(`property 0x${m.id.toString(16)} not present to duplicate`);
      const copy = Buffer.from(frame(s).subarray(entry.start, entry.end));
      splice(s, l.headerLength, entry.end, entry.end, copy);
      const l2 = layoutOf(s);
      rewriteSectionLength(s, l2, sec.name, sec.end - sec.start + copy.length);
      return;
    }
    case 'addProperty': {
      ensureSection(s, m.section);
      const l = layoutOf(s);
      const sec = propertySection(l, m.section);
      if (!sec) throw new MutationError('no property section');
      const value = m.hex !== undefined ? hexToBytes(m.hex) : encodePropertyValue(m.id, m.value);
      const entry = Buffer.concat([Buffer.from([m.id & 0xff]), value]);
      splice(s, l.headerLength, sec.end, sec.end, entry);
      rewriteSectionLength(s, l, sec.name, sec.end - sec.start + entry.length);
      return;
    }
    case 'connectFlags':
    case 'protocolLevel': {
      const l = layoutOf(s);
      const f = findField(l, m.op);
      if (!f) throw new MutationError(`${m.op} exists only in CONNECT`);
      splice(s, l.headerLength, f.start, f.end, Buffer.from([m.value & 0xff]));
      return;
    }
    case 'protocolName': {
      const l = layoutOf(s);
      const f = findField(l, 'protocolName');
      if (!f) throw new MutationError('protocolName exists only in CONNECT');
      const b = Buffer.from(m.value, 'utf8');
      splice(
        s,
        l.headerLength,
        f.start,
        f.end,
        Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]),
      );
      return;
    }
    default:
      return;
  }
}

/**
 * Encodes `packet` for `version` and applies the mutations. Throws MutationError when a mutation
 * does not fit the packet (e.g. a string field it does not have), and mqtt-packet's error when the
 * packet itself cannot be encoded.
 */
export function mutate(packet: Packet, version: ProtocolVersion, mutations: readonly Mutation[]): Buffer {
  return mutateBytes(encode(packet, version), version, mutations);
}

/** Same as mutate() on an already encoded frame. */
export function mutateBytes(
  frameBytes: Buffer,
  version: ProtocolVersion,
  mutations: readonly Mutation[],
): Buffer {
  const hl = scanPacket(frameBytes, version).headerLength || 2;
  const s: State = { header: frameBytes[0] ?? 0, body: Buffer.from(frameBytes.subarray(hl)), version };
  let lengthField: Buffer | undefined;
  for (const m of mutations) {
    if (m.op === 'remainingLength') lengthField = encodeVbi(m.value);
    else if (m.op === 'overlongLength') {
      if (m.bytes < 1 || m.bytes > 5) throw new MutationError('overlongLength: bytes must be 1..5');
      lengthField = undefined;
    } else if (m.op !== 'patch' && m.op !== 'truncate') applyBodyOp(s, m);
  }
  for (const m of mutations) {
    if (m.op === 'overlongLength')
      lengthField = encodeVbi(s.body.length, Math.max(m.bytes, vbiLength(s.body.length)));
    if (m.op === 'remainingLength') lengthField = encodeVbi(m.value);
  }
  let out = Buffer.concat([Buffer.from([s.header]), lengthField ?? encodeVbi(s.body.length), s.body]);
  for (const m of mutations) {
    if (m.op === 'patch') {
      const bytes = hexToBytes(m.hex);
      if (m.offset + bytes.length > out.length) {
        out = Buffer.concat([out, Buffer.alloc(m.offset + bytes.length - out.length)]);
      }
      bytes.copy(out, m.offset);
    } else if (m.op === 'truncate') {
      out = out.subarray(0, Math.max(0, m.at));
    }
  }
  return out;
}

/** Property id for a mqtt-packet field name (convenience for scenario authors). */
export function propertyId(field: string): number | undefined {
  return PROPERTY_BY_FIELD.get(field)?.id;
}
