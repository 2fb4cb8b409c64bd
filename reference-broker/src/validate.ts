// Strict checks on the raw bytes of packets other than PUBLISH (wire.ts checks PUBLISH itself).
// mqtt-packet decodes leniently: it replaces ill-formed UTF-8, keeps U+0000, ignores bytes after
// the last field a CONNECT's flags announce, and accepts properties placed in the wrong packet.
// These rules run on the frame before the packet's handler sees the decoded packet.
import { PACKET_TYPES, PROPERTY_BY_ID, type PropertyPlace } from '../../src/protocol/constants.ts';
import { checkUtf8 } from '../../src/protocol/utf8.ts';
import { findField, scanPacket } from '../../src/protocol/wire.ts';

export interface Violation {
  /** 5.0 reason code: 0x81 Malformed Packet or 0x82 Protocol Error (3.x: the connection just closes) */
  code: number;
  reason: string;
}

const NAMES = PACKET_TYPES;

const malformed = (reason: string): Violation => ({ code: 0x81, reason });

/** Does this frame need the strict scan? Plain acknowledgements and PINGREQ (the hot path) do not. */
export function needsValidation(raw: Buffer, v5: boolean): boolean {
  const type = raw[0]! >> 4;
  // 5.0: acks with properties, and acks too short for a Packet Identifier (MQTT-4.13.1-1)
  if (type >= 4 && type <= 7) return v5 ? raw.length > 5 || raw.length < 4 : raw.length !== 4;
  if (type === 12) return raw.length !== 2;
  return true;
}

/** Checks one complete frame from a client; undefined when it is well-formed. */
export function validateFrame(raw: Buffer, version: number): Violation | undefined {
  const type = raw[0]! >> 4;
  const name = NAMES[type] ?? 'reserved';
  const v5 = version === 5;
  const layout = scanPacket(raw, version);
  // MQTT-3.1.2-18/-20 (3.1.1), MQTT-3.1.2-16/-18 (5.0): a User Name or Password whose flag is 0 is
  // left over after the last announced field; any structural error is a Malformed Packet
  // (MQTT-3.1.4-1, MQTT-4.8.0-1 (3.1.1), MQTT-4.13.1-1 (5.0))
  if (layout.error) return malformed(`malformed ${name.toUpperCase()}: ${layout.error}`);
  for (const f of layout.fields) {
    if (f.kind !== 'string') continue;
    // MQTT-1.5.3-1/-2 (3.1.1), MQTT-1.5.4-1/-2 (5.0): ill-formed UTF-8, surrogates or U+0000 =>
    // Malformed Packet; for Client Identifier, Will Topic, User Name and Topic Filters too
    // (MQTT-3.1.3-4, -10/-11, -11/-12, MQTT-3.8.3-1, MQTT-3.10.3-1, MQTT-4.7.3-2)
    const issues = checkUtf8(raw, f.valueStart, f.end);
    const last = issues[issues.length - 1];
    if (last?.severity === 'must') return malformed(`${f.name} is not valid MQTT UTF-8 (${last.kind})`);
  }
  if (type === 1) {
    const flags = raw[findField(layout, 'connectFlags')!.start]!;
    if (flags & 0x01) return malformed('reserved CONNECT flag set'); // MQTT-3.1.2-3
    const will = (flags & 0x04) !== 0;
    const willQos = (flags >> 3) & 3;
    if (willQos === 3) return malformed('Will QoS 3'); // MQTT-3.1.2-14 (3.1.1) / MQTT-3.1.2-12 (5.0)
    // MQTT-3.1.2-11/-13/-15 (3.1.1), MQTT-3.1.2-11/-13 (5.0)
    if (!will && (willQos !== 0 || flags & 0x20))
      return malformed('Will QoS or Will Retain without Will Flag');
  }
  if (type === 8 || type === 10) {
    const id = findField(layout, 'packetId');
    // MQTT-2.3.1-1 (3.1.1) / MQTT-2.2.1-3 (5.0): non-zero Packet Identifier
    if (id && raw.readUInt16BE(id.start) === 0)
      return malformed(`${name.toUpperCase()} with Packet Identifier 0`);
  }
  if (type === 8) {
    for (const f of layout.fields) {
      if (f.name !== 'options') continue;
      const o = raw[f.start]!;
      // MQTT-3.8.3-4 (3.1.1): reserved bits and QoS 3; MQTT-3.8.3-5 (5.0): bits 6-7
      if ((o & 3) === 3) return malformed('requested QoS 3');
      if (o & (v5 ? 0xc0 : 0xfc)) return malformed('reserved subscription option bits set');
      if (v5 && ((o >> 4) & 3) === 3) return { code: 0x82, reason: 'Retain Handling 3' }; // 3.8.3.1
    }
  }
  if (v5) {
    for (const sec of layout.sections) {
      const place: PropertyPlace = sec.name === 'willProperties' ? 'will' : (name as PropertyPlace);
      let seen = 0n;
      for (const e of sec.entries) {
        const def = PROPERTY_BY_ID[e.id]!;
        // 5.0 2.2.2.2: an identifier not valid for the packet type is a Malformed Packet
        if (!def.packets.includes(place))
          return malformed(
            `${def.name} is not allowed in ${place === 'will' ? 'Will Properties' : name.toUpperCase()}`,
          );
        const bit = 1n << BigInt(e.id);
        // 5.0 2.2.2.2 / per property: more than once (other than User Property) is a Protocol Error
        if (seen & bit && !def.repeatable.includes(place))
          return { code: 0x82, reason: `${def.name} appears more than once` };
        seen |= bit;
      }
    }
  }
  return undefined;
}
