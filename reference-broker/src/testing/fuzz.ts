// Fuzz material: a seeded PRNG, random valid packets (random topics, flags, properties) and
// mutations (bit flips, truncation, bad lengths, random bytes, duplicated properties).
import { encode, type Packet, type ProtocolVersion } from '../../../src/protocol/codec.ts';
import { Prng as Rng } from '../../../src/protocol/testing/prng.ts';

/** The seeded PRNG of the protocol tests (one implementation; the same sequence for the same seed). */
export { Rng };

const LEVELS = ['a', 'b', 'fuzz', '+', '#', '', '$SYS', 'x y', 'é', '$share', 'g'];

function topic(r: Rng, wild: boolean): string {
  const n = 1 + r.int(4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const l = r.int(8000) === 0 ? '\u0000' : r.pick(LEVELS);
    parts.push(!wild && (l === '+' || l === '#') ? 'w' : l);
  }
  return `fz/${parts.join('/')}`;
}

function props(r: Rng, kind: 'publish' | 'connect' | 'subscribe'): Record<string, unknown> | undefined {
  if (r.int(3) === 0) return undefined;
  const p: Record<string, unknown> = {};
  if (kind === 'publish') {
    if (r.int(2)) p.messageExpiryInterval = r.int(5);
    if (r.int(20) === 0) p.topicAlias = 1 + r.int(8);
    if (r.int(3) === 0) p.contentType = 'text/plain';
    if (r.int(3) === 0) p.userProperties = { k: 'v', [r.pick(['a', 'b'])]: ['1', '2'] };
    if (r.int(4) === 0) p.responseTopic = topic(r, false);
    if (r.int(4) === 0) p.correlationData = r.bytes(r.int(8));
  } else if (kind === 'connect') {
    if (r.int(2)) p.sessionExpiryInterval = r.pick([0, 1, 10, 0xffffffff]);
    if (r.int(2)) p.receiveMaximum = 1 + r.int(5);
    if (r.int(2)) p.topicAliasMaximum = r.int(4);
    if (r.int(3) === 0) p.maximumPacketSize = 20 + r.int(200);
    if (r.int(4) === 0) p.requestProblemInformation = false;
  } else if (r.int(2)) p.subscriptionIdentifier = 1 + r.int(100);
  return p;
}

/** A random, mostly well-formed packet for version v (client to server types). */
export function randomPacket(r: Rng, v: ProtocolVersion, clientIds: readonly string[]): Packet {
  const v5 = v === 5;
  // connection-ending packets are rare so that most of a stream gets processed
  const k = r.int(4000);
  const kind =
    k < 2 ? 0 : k < 4 ? 9 : k < 6 ? 8 : k < 2406 ? 1 : k < 2886 ? 4 : k < 3200 ? 5 : k < 3600 ? 6 : 7;
  switch (kind) {
    case 0:
      return {
        cmd: 'connect',
        protocolId: v === 3 ? 'MQIsdp' : 'MQTT',
        protocolVersion: v,
        clientId: r.pick(clientIds),
        clean: r.int(2) === 0,
        keepalive: r.pick([0, 1, 60]),
        will:
          r.int(3) === 0
            ? {
                topic: topic(r, false),
                payload: r.bytes(r.int(10)),
                qos: r.int(3) as 0,
                retain: r.int(2) === 0,
              }
            : undefined,
        properties: v5 ? props(r, 'connect') : undefined,
      } as Packet;
    case 1: {
      const qos = r.int(3) as 0 | 1 | 2;
      return {
        cmd: 'publish',
        topic: topic(r, r.int(5000) === 0),
        qos,
        retain: r.int(4) === 0,
        dup: qos > 0 && r.int(4) === 0,
        messageId: qos > 0 ? 1 + r.int(20) : undefined,
        payload: r.bytes(r.int(r.int(20) === 0 ? 3000 : 40)),
        properties: v5 ? props(r, 'publish') : undefined,
      } as Packet;
    }
    case 4:
      return {
        cmd: 'subscribe',
        messageId: 1 + r.int(100),
        subscriptions: Array.from({ length: 1 + r.int(3) }, () => {
          const shared = r.int(5) === 0;
          return {
            topic: shared ? `$share/g/${topic(r, true)}` : topic(r, true),
            qos: r.int(3) as 0,
            ...(v5
              ? { nl: (!shared || r.int(50) === 0) && r.int(4) === 0, rap: r.int(2) === 0, rh: r.int(3) }
              : {}),
          };
        }),
        properties: v5 ? props(r, 'subscribe') : undefined,
      } as Packet;
    case 5:
      return { cmd: 'unsubscribe', messageId: 1 + r.int(100), unsubscriptions: [topic(r, true)] } as Packet;
    case 6:
      return {
        cmd: r.pick(['puback', 'pubrec', 'pubrel', 'pubcomp'] as const),
        messageId: 1 + r.int(20),
      } as Packet;
    case 7:
      return { cmd: 'pingreq' } as Packet;
    case 8:
      return v5
        ? ({
            cmd: 'auth',
            reasonCode: r.pick([0, 0x18, 0x19]),
            properties: { authenticationMethod: 'SCRAM-SHA-256' },
          } as Packet)
        : ({ cmd: 'pingreq' } as Packet);
    default:
      return { cmd: 'disconnect', reasonCode: v5 ? r.pick([0, 4]) : undefined } as Packet;
  }
}

/** Encodes p, falling back to a ping when mqtt-packet refuses the random combination. */
export function encodeOrPing(p: Packet, v: ProtocolVersion): Buffer {
  try {
    return encode(p, v);
  } catch {
    return Buffer.from([0xc0, 0x00]);
  }
}

/** Mutates an encoded packet in one of several ways. */
export function mutate(r: Rng, b: Buffer): Buffer {
  const m = Buffer.from(b);
  switch (r.int(7)) {
    case 0: {
      const i = r.int(m.length);
      m[i]! ^= 1 << r.int(8);
      return m;
    }
    case 1:
      return m.subarray(0, Math.max(1, r.int(m.length)));
    case 2:
      if (m.length > 1) m[1] = r.int(256);
      return m;
    case 3:
      m[0] = (m[0]! & 0xf0) | r.int(16); // reserved flag bits
      return m;
    case 4:
      return r.bytes(1 + r.int(64));
    case 5:
      return Buffer.concat([m, r.bytes(r.int(8))]);
    default: {
      // remaining length claims more than is sent (the packet never completes)
      const out = Buffer.from(m);
      if (out.length > 1) out[1] = 0x7f;
      return out;
    }
  }
}
