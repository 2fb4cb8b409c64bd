// Property rules of the strict checker (5.0 section 2.2.2.2 and the per-property rules): allowed
// places, multiplicity, value ranges and the context rules that depend on the client's CONNECT.
import type { PacketName, PropertyPlace } from './constants.ts';
import { PROPERTY_BY_ID } from './constants.ts';
import type { WireLayout } from './wire.ts';

export interface Finding {
  /** Normative statement id, e.g. MQTT-3.3.1-4. */
  statement: string;
  message: string;
  severity: 'must' | 'should';
  /** Spec section when the rule itself is untagged and `statement` is the nearest tagged one. */
  section?: string;
  /** Byte offset in the raw packet, when the finding is about specific bytes. */
  offset?: number;
}

const PROPERTIES_SECTION = 'MQTT-2.2.2-1';

export interface CheckerState {
  v5: boolean;
  server: boolean;
  name: PacketName;
  raw: Buffer;
  layout: WireLayout;
  out: Finding[];
  c: {
    requestResponseInformation?: boolean;
    requestProblemInformation?: boolean;
    topicAliasMaximum?: number;
    maximumPacketSize?: number;
    authenticationMethod?: string | null;
  };
}

export function add(x: CheckerState, f: Finding): void {
  x.out.push(f);
}

const BOOLEAN_BYTES = new Set([0x01, 0x17, 0x19, 0x25, 0x28, 0x29, 0x2a]);

export function checkProperties(x: CheckerState): void {
  for (const sec of x.layout.sections) {
    const place: PropertyPlace = sec.name === 'willProperties' ? 'will' : x.name;
    const counts = new Map<number, number>();
    for (const e of sec.entries) {
      const def = PROPERTY_BY_ID[e.id];
      if (!def) continue;
      const where = place === 'will' ? 'Will Properties' : x.name.toUpperCase();
      const n = (counts.get(e.id) ?? 0) + 1;
      counts.set(e.id, n);
      if (!def.packets.includes(place)) {
        add(x, {
          statement: PROPERTIES_SECTION,
          section: '2.2.2.2',
          message: `${def.name} (0x${e.id.toString(16).padStart(2, '0')}) is not allowed in ${where}`,
          severity: 'must',
          offset: e.start,
        });
        continue;
      }
      const repeatable =
        def.repeatable.includes(place) && !(e.id === 0x0b && (place !== 'publish' || !x.server));
      if (n === 2 && !repeatable) {
        add(x, {
          statement: PROPERTIES_SECTION,
          section: '2.2.2.2',
          message: `${def.name} appears more than once in ${where}`,
          severity: 'must',
          offset: e.start,
        });
      }
      checkPropertyValue(x, e.id, e.start + 1, place);
    }
  }
}

function checkPropertyValue(x: CheckerState, id: number, at: number, place: PropertyPlace): void {
  const raw = x.raw;
  const def = PROPERTY_BY_ID[id]!;
  const bad = (message: string, statement = PROPERTIES_SECTION, section = '2.2.2.2') =>
    add(x, { statement, section, message, severity: 'must', offset: at - 1 });
  if (BOOLEAN_BYTES.has(id) && raw[at]! > 1) bad(`${def.name} is ${raw[at]}, must be 0 or 1`);
  if (id === 0x24 && raw[at]! > 1)
    bad(`Maximum QoS is ${raw[at]}, only 0 or 1 may be sent`, PROPERTIES_SECTION, '3.2.2.3.4');
  if ((id === 0x21 || id === 0x23) && raw.readUInt16BE(at) === 0) {
    if (id === 0x23)
      add(x, { statement: 'MQTT-3.3.2-8', message: 'Topic Alias 0', severity: 'must', offset: at - 1 });
    else bad('Receive Maximum 0');
  }
  if (id === 0x27 && raw.readUInt32BE(at) === 0) bad('Maximum Packet Size 0');
  if (id === 0x0b) {
    if (place === 'publish' && !x.server) {
      add(x, {
        statement: 'MQTT-3.3.4-6',
        message: 'client PUBLISH carries a Subscription Identifier',
        severity: 'must',
        offset: at - 1,
      });
    }
    if (raw[at] === 0) bad('Subscription Identifier 0');
  }
  if (x.server) {
    if (id === 0x11 && place === 'disconnect') {
      add(x, {
        statement: 'MQTT-3.14.2-2',
        message: 'server DISCONNECT carries Session Expiry Interval',
        severity: 'must',
        offset: at - 1,
      });
    }
    if (id === 0x1a && place === 'connack' && x.c.requestResponseInformation !== true) {
      add(x, {
        statement: 'MQTT-3.1.2-28',
        message: 'Response Information sent although the client did not request it',
        severity: 'must',
        offset: at - 1,
      });
    }
    if (
      (id === 0x1f || id === 0x26) &&
      x.c.requestProblemInformation === false &&
      place !== 'publish' &&
      place !== 'connack' &&
      place !== 'disconnect'
    ) {
      add(x, {
        statement: 'MQTT-3.1.2-29',
        message: `${def.name} in ${place.toUpperCase()} although Request Problem Information is 0`,
        severity: 'must',
        offset: at - 1,
      });
    }
    if (id === 0x23 && place === 'publish') {
      const alias = raw.readUInt16BE(at);
      const max = x.c.topicAliasMaximum;
      if (max !== undefined && alias > 0) {
        if (max === 0) {
          add(x, {
            statement: 'MQTT-3.1.2-27',
            message: `Topic Alias ${alias} sent although the client allows none`,
            severity: 'must',
            offset: at - 1,
          });
        } else if (alias > max) {
          add(x, {
            statement: 'MQTT-3.3.2-11',
            message: `Topic Alias ${alias} above the client's Topic Alias Maximum ${max}`,
            severity: 'must',
            offset: at - 1,
          });
        }
      }
    }
    if (id === 0x15 && (place === 'connack' || place === 'auth') && x.c.authenticationMethod === null) {
      add(x, {
        statement: 'MQTT-4.12.0-6',
        message: `Authentication Method in ${place.toUpperCase()} although CONNECT had none`,
        severity: 'must',
        offset: at - 1,
      });
    }
  }
  if (id === 0x08) {
    const len = raw.readUInt16BE(at);
    const s = raw.toString('utf8', at + 2, at + 2 + len);
    if (/[+#]/.test(s)) {
      add(x, {
        statement: 'MQTT-3.3.2-14',
        message: `Response Topic '${s}' contains a wildcard`,
        severity: 'must',
      });
    }
  }
}
