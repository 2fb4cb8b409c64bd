// Strict checker of what a peer sends (by default: what a broker sends to a client). Works on the
// raw bytes (via the wire scanner) so it sees what mqtt-packet smooths over: reserved bits, UTF-8,
// duplicated or misplaced properties, overlong Variable Byte Integers, reason codes. Each finding
// cites a statement id that exists in shared/spec (constants.test.ts checks every id in this folder).
import type { Packet } from 'mqtt-packet';
import { add, type CheckerState as Ctx, checkProperties, type Finding } from './checker-properties.ts';
import type { ProtocolVersion } from './codec.ts';
import {
  CONNACK_RETURN_CODES_V4,
  PACKET_TYPES,
  type PacketName,
  REASON_CODE_STATEMENT_V5,
  REASON_CODES_BY_PACKET,
  REQUIRED_FLAGS,
  type ReasonPacket,
  SUBACK_RETURN_CODES_V4,
} from './constants.ts';
import { checkUtf8, describeUtf8Issue } from './utf8.ts';
import { readVbi, type VbiRead } from './vbi.ts';
import { findField, scanPacket } from './wire.ts';

export type { Finding } from './checker-properties.ts';

export interface CheckContext {
  version: ProtocolVersion;
  /** Who sent the packet. Default 'server' (a broker's packet checked by the harness). */
  role?: 'server' | 'client';
  /** Values the client sent in its CONNECT (5.0), enabling context rules when known. */
  connect?: {
    requestResponseInformation?: boolean;
    requestProblemInformation?: boolean;
    topicAliasMaximum?: number;
    maximumPacketSize?: number;
    /** Authentication Method of the CONNECT; null = CONNECT had none. */
    authenticationMethod?: string | null;
  };
  /** Payloads the peer checked here was sent by the harness, by topic: a QoS 0 PUBLISH whose bytes only make
   *  one of them when a Packet Identifier is read first carries one (MQTT-2.3.1-5 / MQTT-2.2.1-2). */
  sentPayloads?: ReadonlyMap<string, readonly Buffer[]>;
  /** A CONNACK refusing this connection arrived before this packet (MQTT-3.2.2-5 / MQTT-3.2.2-7). */
  afterRefusal?: boolean;
}

function u8(x: Ctx, field: string, index = 0): number | undefined {
  const f = findField(x.layout, field, index);
  return f ? x.raw[f.start] : undefined;
}

function u16(x: Ctx, field: string): number | undefined {
  const f = findField(x.layout, field);
  return f ? x.raw.readUInt16BE(f.start) : undefined;
}

function str(x: Ctx, field: string): string | undefined {
  const f = findField(x.layout, field);
  return f ? x.raw.toString('utf8', f.valueStart, f.end) : undefined;
}

/**
 * Checks one packet. `raw` is the complete frame; `packet` (mqtt-packet's decoding) is optional:
 * every rule is judged from the bytes.
 */
export function checkInbound(_packet: Packet | undefined, raw: Buffer, ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const type = (raw[0] ?? 0) >> 4;
  const name = PACKET_TYPES[type];
  if (name === undefined || name === 'reserved' || raw.length < 2) return out;
  const layout = scanPacket(raw, ctx.version);
  const x: Ctx = {
    v5: ctx.version === 5,
    server: (ctx.role ?? 'server') === 'server',
    name,
    raw,
    layout,
    out,
    c: ctx.connect ?? {},
  };
  if (ctx.afterRefusal && x.server) {
    add(x, {
      statement: x.v5 ? 'MQTT-3.2.2-7' : 'MQTT-3.2.2-5',
      message: `${name.toUpperCase()} after a CONNACK that refused the connection (the server must close it)`,
      severity: 'must',
    });
  }
  checkFixedHeader(x);
  if (layout.error) {
    add(x, {
      statement: x.v5 ? 'MQTT-4.13.1-1' : 'MQTT-4.8.0-1',
      section: '2 MQTT Control Packet format',
      message: `malformed ${name.toUpperCase()}: ${layout.error}`,
      severity: 'must',
    });
  }
  checkVbis(x);
  checkStrings(x);
  if (x.v5) checkProperties(x);
  checkPacketIds(x);
  checkReasonCodes(x);
  if (name === 'publish') {
    checkPublish(x);
    if (ctx.sentPayloads) checkQos0PacketId(x, ctx.sentPayloads);
  }
  if (x.c.maximumPacketSize !== undefined && x.server && raw.length > x.c.maximumPacketSize) {
    add(x, {
      statement: 'MQTT-3.1.2-24',
      message: `packet of ${raw.length} bytes exceeds the client's Maximum Packet Size ${x.c.maximumPacketSize}`,
      severity: 'must',
    });
  }
  return out;
}

const FLAG_STATEMENT: Partial<Record<PacketName, { v4?: string; v5?: string }>> = {
  pubrel: { v4: 'MQTT-3.6.1-1', v5: 'MQTT-3.6.1-1' },
  subscribe: { v4: 'MQTT-3.8.1-1', v5: 'MQTT-3.8.1-1' },
  unsubscribe: { v4: 'MQTT-3.10.1-1', v5: 'MQTT-3.10.1-1' },
  disconnect: { v4: 'MQTT-3.14.1-1', v5: 'MQTT-3.14.1-1' },
  auth: { v5: 'MQTT-3.15.1-1' },
};

function checkFixedHeader(x: Ctx): void {
  const flags = x.raw[0]! & 0x0f;
  const required = REQUIRED_FLAGS[x.name];
  if (required !== undefined && flags !== required) {
    const specific = FLAG_STATEMENT[x.name]?.[x.v5 ? 'v5' : 'v4'];
    add(x, {
      statement: specific ?? (x.v5 ? 'MQTT-2.1.3-1' : 'MQTT-2.2.2-1'),
      message: `${x.name.toUpperCase()} fixed-header flags are 0x${flags.toString(16)}, must be 0x${required.toString(16)}`,
      severity: 'must',
      offset: 0,
    });
  }
  if (x.name === 'publish') {
    const qos = (flags >> 1) & 3;
    if (qos === 3) {
      add(x, {
        statement: 'MQTT-3.3.1-4',
        message: 'PUBLISH with both QoS bits set',
        severity: 'must',
        offset: 0,
      });
    }
    if (qos === 0 && flags & 8) {
      add(x, {
        statement: 'MQTT-3.3.1-2',
        message: 'QoS 0 PUBLISH with DUP set',
        severity: 'must',
        offset: 0,
      });
    }
  }
}

function checkVbis(x: Ctx): void {
  if (!x.v5) return; // 3.1.1 has no tagged statement on minimal encodings
  for (const v of x.layout.vbis) {
    if (v.overlong) {
      add(x, {
        statement: 'MQTT-1.5.5-1',
        message: `${v.name} ${v.value} encoded in ${v.bytes} bytes (not the minimum)`,
        severity: 'must',
        offset: v.start,
      });
    }
  }
}

function utf8Statement(x: Ctx, field: string, kind: string): string {
  if (field === 'topic') return kind === 'null' ? 'MQTT-4.7.3-2' : 'MQTT-3.3.2-1';
  if (field === 'filter') return kind === 'null' ? 'MQTT-4.7.3-2' : 'MQTT-3.8.3-1';
  if (field === 'contentType' && x.v5) return 'MQTT-3.3.2-19';
  if (field === 'responseTopic' && x.v5) return 'MQTT-3.3.2-13';
  if (field.startsWith('userProperties.') && x.v5 && kind !== 'null') return 'MQTT-1.5.7-1';
  if (x.v5) return kind === 'null' ? 'MQTT-1.5.4-2' : 'MQTT-1.5.4-1';
  return kind === 'null' ? 'MQTT-1.5.3-2' : 'MQTT-1.5.3-1';
}

function checkStrings(x: Ctx): void {
  for (const f of x.layout.fields) {
    if (f.kind !== 'string') continue;
    for (const issue of checkUtf8(x.raw, f.valueStart, f.end)) {
      add(x, {
        statement: utf8Statement(x, f.name, issue.kind),
        message: `${f.name}: ${describeUtf8Issue({ ...issue, offset: issue.offset - f.valueStart })}`,
        severity: issue.severity,
        offset: issue.offset,
        ...(issue.severity === 'should' ? { section: x.v5 ? '1.5.4' : '1.5.3' } : {}),
      });
    }
  }
}

function checkPacketIds(x: Ctx): void {
  const id = u16(x, 'packetId');
  if (id !== 0) return;
  let statement: string;
  switch (x.name) {
    case 'publish':
      statement = x.v5 ? (x.server ? 'MQTT-2.2.1-4' : 'MQTT-2.2.1-3') : 'MQTT-2.3.1-1';
      break;
    case 'subscribe':
    case 'unsubscribe':
      statement = x.v5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1';
      break;
    case 'suback':
    case 'unsuback':
      statement = x.v5 ? 'MQTT-2.2.1-6' : 'MQTT-2.3.1-7';
      break;
    default:
      statement = x.v5 ? 'MQTT-2.2.1-5' : 'MQTT-2.3.1-6';
  }
  add(x, { statement, message: `${x.name.toUpperCase()} with Packet Identifier 0`, severity: 'must' });
}

function checkReasonCode(x: Ctx, packet: ReasonPacket, code: number, offset: number): void {
  const def = REASON_CODES_BY_PACKET.get(packet)?.get(code);
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  if (!def) {
    add(x, {
      statement: REASON_CODE_STATEMENT_V5[packet],
      message: `reason code ${hex} is not defined for ${packet.toUpperCase()}`,
      severity: 'must',
      offset,
    });
  } else if (def.sentBy === 'client' && x.server) {
    add(x, {
      statement: REASON_CODE_STATEMENT_V5[packet],
      message: `reason code ${hex} (${def.name}) may only be sent by a client`,
      severity: 'must',
      offset,
    });
  }
}

function checkReasonCodes(x: Ctx): void {
  const l = x.layout;
  if (x.name === 'connack') {
    const flags = u8(x, 'ackFlags');
    const code = u8(x, x.v5 ? 'reasonCode' : 'returnCode');
    if (flags !== undefined && x.v5 && flags & 0xfe) {
      add(x, {
        statement: 'MQTT-3.2.2-1',
        message: `CONNACK flags 0x${flags.toString(16)}`,
        severity: 'must',
      });
    }
    if (code !== undefined && code !== 0 && flags !== undefined && flags & 1) {
      add(x, {
        statement: x.v5 ? 'MQTT-3.2.2-6' : 'MQTT-3.2.2-4',
        message: `Session Present 1 with non-zero ${x.v5 ? 'reason' : 'return'} code 0x${code.toString(16)}`,
        severity: 'must',
      });
    }
    if (code !== undefined && !x.v5 && !CONNACK_RETURN_CODES_V4.has(code)) {
      add(x, {
        statement: 'MQTT-3.2.2-6',
        section: '3.2.2.3',
        message: `CONNACK return code ${code} is reserved (no listed code fits: close without CONNACK)`,
        severity: 'must',
      });
    }
  }
  if (x.name === 'suback' && !x.v5) {
    for (const f of l.fields) {
      if (f.name === 'code' && !SUBACK_RETURN_CODES_V4.has(x.raw[f.start]!)) {
        add(x, {
          statement: 'MQTT-3.9.3-2',
          message: `SUBACK return code 0x${x.raw[f.start]!.toString(16)} is reserved`,
          severity: 'must',
          offset: f.start,
        });
      }
    }
  }
  if (
    (x.name === 'suback' || x.name === 'unsuback') &&
    !findField(l, 'code') &&
    (x.v5 || x.name === 'suback')
  ) {
    add(x, {
      statement: x.name === 'suback' ? (x.v5 ? 'MQTT-3.8.4-6' : 'MQTT-3.8.4-5') : 'MQTT-3.11.3-2',
      message: `${x.name.toUpperCase()} without any ${x.v5 ? 'reason' : 'return'} code`,
      severity: 'must',
    });
  }
  if (!x.v5) return;
  for (const f of l.fields) {
    if (f.name === 'reasonCode' || f.name === 'code') {
      checkReasonCode(x, x.name as ReasonPacket, x.raw[f.start]!, f.start);
    }
  }
}

function checkPublish(x: Ctx): void {
  const topic = str(x, 'topic');
  if (topic === undefined) return;
  if (/[+#]/.test(topic)) {
    add(x, {
      statement: 'MQTT-3.3.2-2',
      message: `Topic Name '${topic}' contains a wildcard`,
      severity: 'must',
    });
  }
  if (topic.length === 0) {
    const hasAlias = x.layout.sections.some((s) => s.entries.some((e) => e.id === 0x23));
    if (!x.v5 || !hasAlias) {
      add(x, { statement: 'MQTT-4.7.3-1', message: 'empty Topic Name', severity: 'must' });
    }
  }
}

/** Payload of a PUBLISH read from `at` (5.0: a Property Length first); undefined when the bytes do not fit. */
function payloadFrom(x: Ctx, at: number): Buffer | undefined {
  let off = at;
  if (x.v5) {
    const vbi: VbiRead = { value: 0, end: 0 };
    if (!readVbi(x.raw, off, x.raw.length, vbi)) return undefined;
    off = vbi.end + vbi.value;
  }
  return off <= x.raw.length ? x.raw.subarray(off) : undefined;
}

/**
 * A QoS 0 PUBLISH has no Packet Identifier (MQTT-2.3.1-5, MQTT-2.2.1-2), so nothing in its own bytes tells
 * two stray bytes from payload. What the harness sent does: when the payload as written matches nothing sent
 * to that topic, but reading a Packet Identifier first yields a payload that was, the broker put one there.
 */
function checkQos0PacketId(x: Ctx, sent: ReadonlyMap<string, readonly Buffer[]>): void {
  if (((x.raw[0]! >> 1) & 3) !== 0) return;
  const topic = findField(x.layout, 'topic');
  if (!topic) return;
  const payloads = sent.get(x.raw.toString('utf8', topic.valueStart, topic.end));
  if (!payloads || payloads.length === 0) return;
  const has = (b: Buffer | undefined): boolean => b !== undefined && payloads.some((p) => p.equals(b));
  if (has(payloadFrom(x, topic.end))) return;
  if (topic.end + 2 > x.raw.length || !has(payloadFrom(x, topic.end + 2))) return;
  add(x, {
    statement: x.v5 ? 'MQTT-2.2.1-2' : 'MQTT-2.3.1-5',
    message: `QoS 0 PUBLISH carries a Packet Identifier (${x.raw.readUInt16BE(topic.end)}) before its properties/payload`,
    severity: 'must',
    offset: topic.end,
  });
}
