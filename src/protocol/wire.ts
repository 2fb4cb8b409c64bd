// Wire layout scanner: walks the bytes of one MQTT packet independently of mqtt-packet and records
// where every field, string and property sits. Used by the strict checker (UTF-8, property and VBI
// rules need the raw bytes) and by mutate (to find the bytes to corrupt). Never throws: a broken
// structure ends the scan with `error` set and the fields found so far.

import { PROPERTY_BY_ID, type PropertyType } from './constants.ts';
import { vbiLength } from './vbi.ts';

export type FieldKind = 'string' | 'binary' | 'u8' | 'u16' | 'u32' | 'vbi' | 'bytes';

export interface WireField {
  /** e.g. protocolName, clientId, willTopic, username, password, topic, packetId, payload, filter,
   *  options, reasonCode, returnCode, ackFlags, connectFlags, protocolLevel, keepAlive, code, or the
   *  mqtt-packet property field name for values inside properties (userProperties.name / .value). */
  name: string;
  kind: FieldKind;
  /** Offset of the field (including a 2-byte length prefix for strings / binary data). */
  start: number;
  end: number;
  /** Offset of the content after the length prefix (strings / binary); = start otherwise. */
  valueStart: number;
  /** Section the field belongs to: 'properties', 'willProperties' or undefined. */
  section?: 'properties' | 'willProperties';
}

export interface WireProperty {
  id: number;
  /** Offset of the identifier byte; the entry runs to `end`. */
  start: number;
  end: number;
}

export interface WirePropertySection {
  name: 'properties' | 'willProperties';
  /** Offset of the Property Length VBI and of the first property. */
  lengthStart: number;
  start: number;
  /** End of the section as declared by its length. */
  end: number;
  entries: WireProperty[];
}

export interface WireVbi {
  /** 'remainingLength', 'properties', 'willProperties' or 'subscriptionIdentifier'. */
  name: string;
  start: number;
  bytes: number;
  value: number;
  /** True when the value could be written with fewer bytes [MQTT-1.5.5-1]. */
  overlong: boolean;
}

export interface WireLayout {
  type: number;
  flags: number;
  /** 1 + number of remaining-length bytes. */
  headerLength: number;
  remainingLength: number;
  fields: WireField[];
  sections: WirePropertySection[];
  vbis: WireVbi[];
  /** Set when the bytes do not follow the packet's structure; scanning stopped there. */
  error?: string;
}

class Stop extends Error {}

class Cursor {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    public end: number,
    readonly layout: WireLayout,
  ) {
    this.pos = start;
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      this.layout.error = `${what}: needs ${n} byte(s) at offset ${this.pos}, packet ends at ${this.end}`;
      throw new Stop();
    }
  }
  field(
    name: string,
    kind: FieldKind,
    start: number,
    valueStart: number,
    section?: WireField['section'],
  ): void {
    const f: WireField = { name, kind, start, end: this.pos, valueStart };
    if (section) f.section = section;
    this.layout.fields.push(f);
  }
  u8(name: string, section?: WireField['section']): number {
    this.need(1, name);
    const v = this.buf[this.pos]!;
    this.pos++;
    this.field(name, 'u8', this.pos - 1, this.pos - 1, section);
    return v;
  }
  u16(name: string, section?: WireField['section']): number {
    this.need(2, name);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    this.field(name, 'u16', this.pos - 2, this.pos - 2, section);
    return v;
  }
  u32(name: string, section?: WireField['section']): number {
    this.need(4, name);
    const b = this.buf;
    const p = this.pos;
    const v = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
    this.pos += 4;
    this.field(name, 'u32', p, p, section);
    return v;
  }
  lengthPrefixed(name: string, kind: 'string' | 'binary', section?: WireField['section']): void {
    const start = this.pos;
    this.need(2, name);
    const len = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    this.need(len, name);
    this.pos += len;
    this.field(name, kind, start, start + 2, section);
  }
  vbi(name: string): number {
    const start = this.pos;
    let value = 0;
    let mult = 1;
    for (let n = 0; n < 4; n++) {
      this.need(1, name);
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * mult;
      mult *= 128;
      if ((b & 0x80) === 0) {
        const bytes = this.pos - start;
        this.layout.vbis.push({ name, start, bytes, value, overlong: bytes > vbiLength(value) });
        return value;
      }
    }
    this.layout.error = `${name}: Variable Byte Integer longer than 4 bytes at offset ${start}`;
    throw new Stop();
  }
  properties(name: 'properties' | 'willProperties'): void {
    const lengthStart = this.pos;
    const len = this.vbi(name);
    const start = this.pos;
    this.need(len, name);
    const section: WirePropertySection = { name, lengthStart, start, end: start + len, entries: [] };
    this.layout.sections.push(section);
    const outerEnd = this.end;
    this.end = start + len;
    try {
      while (this.pos < this.end) {
        const pstart = this.pos;
        const id = this.buf[this.pos++]!;
        const def = PROPERTY_BY_ID[id];
        if (!def) {
          this.layout.error = `unknown property identifier 0x${id.toString(16).padStart(2, '0')} at offset ${pstart}`;
          throw new Stop();
        }
        this.value(def.field, def.type, name);
        section.entries.push({ id, start: pstart, end: this.pos });
      }
    } finally {
      this.end = outerEnd;
    }
  }
  value(field: string, type: PropertyType, section: 'properties' | 'willProperties'): void {
    switch (type) {
      case 'byte':
        this.u8(field, section);
        return;
      case 'int16':
        this.u16(field, section);
        return;
      case 'int32':
        this.u32(field, section);
        return;
      case 'varint': {
        const s = this.pos;
        this.vbi(field);
        this.field(field, 'vbi', s, s, section);
        return;
      }
      case 'string':
        this.lengthPrefixed(field, 'string', section);
        return;
      case 'binary':
        this.lengthPrefixed(field, 'binary', section);
        return;
      case 'pair':
        this.lengthPrefixed(`${field}.name`, 'string', section);
        this.lengthPrefixed(`${field}.value`, 'string', section);
        return;
    }
  }
  rest(name: string): void {
    const s = this.pos;
    this.pos = this.end;
    this.field(name, 'bytes', s, s);
  }
}

/** Scans one complete frame (fixed header included). `version` selects 3.1.x or 5.0 layouts;
 *  a CONNECT uses the protocol level found in its own variable header. */
export function scanPacket(raw: Uint8Array, version: number): WireLayout {
  const layout: WireLayout = {
    type: (raw[0] ?? 0) >> 4,
    flags: (raw[0] ?? 0) & 0x0f,
    headerLength: 0,
    remainingLength: 0,
    fields: [],
    sections: [],
    vbis: [],
  };
  const c = new Cursor(raw, 0, raw.length, layout);
  try {
    c.need(1, 'fixed header');
    c.pos = 1;
    layout.remainingLength = c.vbi('remainingLength');
    layout.headerLength = c.pos;
    if (c.pos + layout.remainingLength !== raw.length) {
      layout.error = `remaining length ${layout.remainingLength} but ${raw.length - c.pos} byte(s) follow the fixed header`;
      if (c.pos + layout.remainingLength < raw.length) c.end = c.pos + layout.remainingLength;
    }
    scanBody(c, layout, version);
    if (c.pos < c.end && !layout.error) {
      layout.error = `${c.end - c.pos} unexpected byte(s) at offset ${c.pos}`;
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return layout;
}

function scanBody(c: Cursor, layout: WireLayout, version: number): void {
  const v5 = version === 5;
  const rl = c.end - c.pos;
  switch (layout.type) {
    case 1: {
      c.lengthPrefixed('protocolName', 'string');
      const level = c.u8('protocolLevel');
      const flags = c.u8('connectFlags');
      c.u16('keepAlive');
      const cv5 = level === 5 || (level !== 3 && level !== 4 && v5);
      if (cv5) c.properties('properties');
      c.lengthPrefixed('clientId', 'string');
      if (flags & 0x04) {
        if (cv5) c.properties('willProperties');
        c.lengthPrefixed('willTopic', 'string');
        c.lengthPrefixed('willPayload', 'binary');
      }
      if (flags & 0x80) c.lengthPrefixed('username', 'string');
      if (flags & 0x40) c.lengthPrefixed('password', 'binary');
      return;
    }
    case 2:
      c.u8('ackFlags');
      c.u8(v5 ? 'reasonCode' : 'returnCode');
      if (v5 && c.pos < c.end) c.properties('properties');
      return;
    case 3: {
      c.lengthPrefixed('topic', 'string');
      if ((layout.flags >> 1) & 3) c.u16('packetId');
      if (v5) c.properties('properties');
      c.rest('payload');
      return;
    }
    case 4:
    case 5:
    case 6:
    case 7:
      c.u16('packetId');
      if (v5 && rl > 2) c.u8('reasonCode');
      if (v5 && rl > 3) c.properties('properties');
      return;
    case 8:
    case 10: {
      c.u16('packetId');
      if (v5) c.properties('properties');
      while (c.pos < c.end) {
        c.lengthPrefixed('filter', 'string');
        if (layout.type === 8) c.u8('options');
      }
      return;
    }
    case 9:
    case 11:
      c.u16('packetId');
      if (layout.type === 11 && !v5) return; // 3.1.1 UNSUBACK: packet id only
      if (v5) c.properties('properties');
      while (c.pos < c.end) c.u8('code');
      return;
    case 14:
    case 15:
      if (v5 && rl > 0) c.u8('reasonCode');
      if (v5 && rl > 1) c.properties('properties');
      return;
    default:
      return;
  }
}

/** The n-th field with that name (0-based), or undefined. */
export function findField(layout: WireLayout, name: string, index = 0): WireField | undefined {
  let n = 0;
  for (const f of layout.fields) {
    if (f.name === name) {
      if (n === index) return f;
      n++;
    }
  }
  return undefined;
}
