// Constant tables of MQTT 3.1 / 3.1.1 / 5.0: packet types, fixed-header flags, properties and
// reason codes per packet. Kept consistent with shared/spec/*.tsv by constants.test.ts.

export const PACKET_TYPES = [
  'reserved',
  'connect',
  'connack',
  'publish',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'suback',
  'unsubscribe',
  'unsuback',
  'pingreq',
  'pingresp',
  'disconnect',
  'auth',
] as const;

export type PacketName = Exclude<(typeof PACKET_TYPES)[number], 'reserved'>;

/** Packet type number (upper nibble of the first byte) by mqtt-packet `cmd` name. */
export const PACKET_TYPE: Readonly<Record<PacketName, number>> = {
  connect: 1,
  connack: 2,
  publish: 3,
  puback: 4,
  pubrec: 5,
  pubrel: 6,
  pubcomp: 7,
  subscribe: 8,
  suback: 9,
  unsubscribe: 10,
  unsuback: 11,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
  auth: 15,
};

export function packetName(type: number): PacketName | undefined {
  const n = PACKET_TYPES[type];
  return n === undefined || n === 'reserved' ? undefined : n;
}

/**
 * Required low nibble of the fixed header (Table 2.2 of 3.1.1, Table 2-3 of 5.0) [MQTT-2.2.2-1]
 * (3.1.1) / [MQTT-2.1.3-1] (5.0). PUBLISH has DUP/QoS/RETAIN instead (undefined here).
 */
export const REQUIRED_FLAGS: Readonly<Record<PacketName, number | undefined>> = {
  connect: 0,
  connack: 0,
  publish: undefined,
  puback: 0,
  pubrec: 0,
  pubrel: 2,
  pubcomp: 0,
  subscribe: 2,
  suback: 0,
  unsubscribe: 2,
  unsuback: 0,
  pingreq: 0,
  pingresp: 0,
  disconnect: 0,
  auth: 0,
};

/** Who may send each packet type. AUTH exists only in 5.0. */
export const PACKET_DIRECTION: Readonly<Record<PacketName, 'client' | 'server' | 'both'>> = {
  connect: 'client',
  connack: 'server',
  publish: 'both',
  puback: 'both',
  pubrec: 'both',
  pubrel: 'both',
  pubcomp: 'both',
  subscribe: 'client',
  suback: 'server',
  unsubscribe: 'client',
  unsuback: 'server',
  pingreq: 'client',
  pingresp: 'server',
  disconnect: 'both', // 3.1.1: client only; 5.0: both
  auth: 'both',
};

// ---------------------------------------------------------------------------------------------
// Properties (5.0 section 2.2.2.2, Table 2-4)

export type PropertyType = 'byte' | 'int16' | 'int32' | 'varint' | 'string' | 'binary' | 'pair';

/** Where a property may appear: a packet name or 'will' (Will Properties inside CONNECT). */
export type PropertyPlace = PacketName | 'will';

export interface PropertyDef {
  id: number;
  /** Name as printed in the spec. */
  name: string;
  /** Field name in mqtt-packet's `properties` object. */
  field: string;
  type: PropertyType;
  packets: readonly PropertyPlace[];
  /** Places where the property may appear more than once (User Property everywhere it is allowed;
   *  Subscription Identifier in server-to-client PUBLISH). Elsewhere: at most once. */
  repeatable: readonly PropertyPlace[];
}

const P = (
  id: number,
  name: string,
  field: string,
  type: PropertyType,
  packets: PropertyPlace[],
  repeatable: PropertyPlace[] = [],
): PropertyDef => ({ id, name, field, type, packets, repeatable });

/** Every packet that carries properties (all but PINGREQ and PINGRESP), and the will, in packet type order. */
const USER_PROPERTY_PLACES: PropertyPlace[] = PACKET_TYPES.flatMap((t): PropertyPlace[] =>
  t === 'reserved' || t === 'pingreq' || t === 'pingresp' ? [] : t === 'publish' ? ['publish', 'will'] : [t],
);

export const PROPERTIES: readonly PropertyDef[] = [
  P(0x01, 'Payload Format Indicator', 'payloadFormatIndicator', 'byte', ['publish', 'will']),
  P(0x02, 'Message Expiry Interval', 'messageExpiryInterval', 'int32', ['publish', 'will']),
  P(0x03, 'Content Type', 'contentType', 'string', ['publish', 'will']),
  P(0x08, 'Response Topic', 'responseTopic', 'string', ['publish', 'will']),
  P(0x09, 'Correlation Data', 'correlationData', 'binary', ['publish', 'will']),
  P(
    0x0b,
    'Subscription Identifier',
    'subscriptionIdentifier',
    'varint',
    ['publish', 'subscribe'],
    ['publish'],
  ),
  P(0x11, 'Session Expiry Interval', 'sessionExpiryInterval', 'int32', ['connect', 'connack', 'disconnect']),
  P(0x12, 'Assigned Client Identifier', 'assignedClientIdentifier', 'string', ['connack']),
  P(0x13, 'Server Keep Alive', 'serverKeepAlive', 'int16', ['connack']),
  P(0x15, 'Authentication Method', 'authenticationMethod', 'string', ['connect', 'connack', 'auth']),
  P(0x16, 'Authentication Data', 'authenticationData', 'binary', ['connect', 'connack', 'auth']),
  P(0x17, 'Request Problem Information', 'requestProblemInformation', 'byte', ['connect']),
  P(0x18, 'Will Delay Interval', 'willDelayInterval', 'int32', ['will']),
  P(0x19, 'Request Response Information', 'requestResponseInformation', 'byte', ['connect']),
  P(0x1a, 'Response Information', 'responseInformation', 'string', ['connack']),
  P(0x1c, 'Server Reference', 'serverReference', 'string', ['connack', 'disconnect']),
  P(0x1f, 'Reason String', 'reasonString', 'string', [
    'connack',
    'puback',
    'pubrec',
    'pubrel',
    'pubcomp',
    'suback',
    'unsuback',
    'disconnect',
    'auth',
  ]),
  P(0x21, 'Receive Maximum', 'receiveMaximum', 'int16', ['connect', 'connack']),
  P(0x22, 'Topic Alias Maximum', 'topicAliasMaximum', 'int16', ['connect', 'connack']),
  P(0x23, 'Topic Alias', 'topicAlias', 'int16', ['publish']),
  P(0x24, 'Maximum QoS', 'maximumQoS', 'byte', ['connack']),
  P(0x25, 'Retain Available', 'retainAvailable', 'byte', ['connack']),
  P(0x26, 'User Property', 'userProperties', 'pair', USER_PROPERTY_PLACES, USER_PROPERTY_PLACES),
  P(0x27, 'Maximum Packet Size', 'maximumPacketSize', 'int32', ['connect', 'connack']),
  P(0x28, 'Wildcard Subscription Available', 'wildcardSubscriptionAvailable', 'byte', ['connack']),
  P(0x29, 'Subscription Identifier Available', 'subscriptionIdentifiersAvailable', 'byte', ['connack']),
  P(0x2a, 'Shared Subscription Available', 'sharedSubscriptionAvailable', 'byte', ['connack']),
];

/** Property definitions indexed by identifier (sparse; undefined = not a property id). */
export const PROPERTY_BY_ID: readonly (PropertyDef | undefined)[] = (() => {
  const a: (PropertyDef | undefined)[] = new Array(256).fill(undefined);
  for (const p of PROPERTIES) a[p.id] = p;
  return a;
})();

export const PROPERTY_BY_FIELD: ReadonlyMap<string, PropertyDef> = new Map(
  PROPERTIES.map((p) => [p.field, p]),
);

/** Packets whose 5.0 variable header carries a property section. */
export const PACKETS_WITH_PROPERTIES: readonly PacketName[] = (PACKET_TYPES.slice(1) as PacketName[]).filter(
  (n) => n !== 'pingreq' && n !== 'pingresp',
);

// ---------------------------------------------------------------------------------------------
// Reason codes (5.0 section 2.4, Table 2-6) and 3.1.1 return codes

export type ReasonPacket =
  | 'connack'
  | 'puback'
  | 'pubrec'
  | 'pubrel'
  | 'pubcomp'
  | 'suback'
  | 'unsuback'
  | 'disconnect'
  | 'auth';

export interface ReasonCodeDef {
  code: number;
  name: string;
  packets: readonly ReasonPacket[];
  /** Who may send it: 'client' = client only (a server sending it is a violation). */
  sentBy: 'client' | 'server' | 'either';
}

const R = (code: number, name: string, packets: ReasonPacket[], sentBy: ReasonCodeDef['sentBy']) => ({
  code,
  name,
  packets,
  sentBy,
});

export const REASON_CODES: readonly ReasonCodeDef[] = [
  R(0x00, 'Success', ['connack', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'unsuback', 'auth'], 'either'),
  R(0x00, 'Normal disconnection', ['disconnect'], 'either'),
  R(0x00, 'Granted QoS 0', ['suback'], 'server'),
  R(0x01, 'Granted QoS 1', ['suback'], 'server'),
  R(0x02, 'Granted QoS 2', ['suback'], 'server'),
  R(0x04, 'Disconnect with Will Message', ['disconnect'], 'client'),
  R(0x10, 'No matching subscribers', ['puback', 'pubrec'], 'server'),
  R(0x11, 'No subscription existed', ['unsuback'], 'server'),
  R(0x18, 'Continue authentication', ['auth'], 'either'),
  R(0x19, 'Re-authenticate', ['auth'], 'client'),
  R(0x80, 'Unspecified error', ['connack', 'puback', 'pubrec', 'suback', 'unsuback', 'disconnect'], 'either'),
  R(0x81, 'Malformed Packet', ['connack', 'disconnect'], 'either'),
  R(0x82, 'Protocol Error', ['connack', 'disconnect'], 'either'),
  R(
    0x83,
    'Implementation specific error',
    ['connack', 'puback', 'pubrec', 'suback', 'unsuback', 'disconnect'],
    'either',
  ),
  R(0x84, 'Unsupported Protocol Version', ['connack'], 'server'),
  R(0x85, 'Client Identifier not valid', ['connack'], 'server'),
  R(0x86, 'Bad User Name or Password', ['connack'], 'server'),
  R(0x87, 'Not authorized', ['connack', 'puback', 'pubrec', 'suback', 'unsuback', 'disconnect'], 'either'),
  R(0x88, 'Server unavailable', ['connack'], 'server'),
  R(0x89, 'Server busy', ['connack', 'disconnect'], 'server'),
  R(0x8a, 'Banned', ['connack'], 'server'),
  R(0x8b, 'Server shutting down', ['disconnect'], 'server'),
  R(0x8c, 'Bad authentication method', ['connack', 'disconnect'], 'server'),
  R(0x8d, 'Keep Alive timeout', ['disconnect'], 'server'),
  R(0x8e, 'Session taken over', ['disconnect'], 'server'),
  R(0x8f, 'Topic Filter invalid', ['suback', 'unsuback', 'disconnect'], 'server'),
  R(0x90, 'Topic Name invalid', ['connack', 'puback', 'pubrec', 'disconnect'], 'either'),
  R(0x91, 'Packet Identifier in use', ['puback', 'pubrec', 'suback', 'unsuback'], 'either'),
  R(0x92, 'Packet Identifier not found', ['pubrel', 'pubcomp'], 'either'),
  R(0x93, 'Receive Maximum exceeded', ['disconnect'], 'either'),
  R(0x94, 'Topic Alias invalid', ['disconnect'], 'either'),
  R(0x95, 'Packet too large', ['connack', 'disconnect'], 'either'),
  R(0x96, 'Message rate too high', ['disconnect'], 'either'),
  R(0x97, 'Quota exceeded', ['connack', 'puback', 'pubrec', 'suback', 'disconnect'], 'either'),
  R(0x98, 'Administrative action', ['disconnect'], 'either'),
  R(0x99, 'Payload format invalid', ['connack', 'puback', 'pubrec', 'disconnect'], 'either'),
  R(0x9a, 'Retain not supported', ['connack', 'disconnect'], 'server'),
  R(0x9b, 'QoS not supported', ['connack', 'disconnect'], 'server'),
  R(0x9c, 'Use another server', ['connack', 'disconnect'], 'server'),
  R(0x9d, 'Server moved', ['connack', 'disconnect'], 'server'),
  R(0x9e, 'Shared Subscriptions not supported', ['suback', 'disconnect'], 'server'),
  R(0x9f, 'Connection rate exceeded', ['connack', 'disconnect'], 'server'),
  R(0xa0, 'Maximum connect time', ['disconnect'], 'server'),
  R(0xa1, 'Subscription Identifiers not supported', ['suback', 'disconnect'], 'server'),
  R(0xa2, 'Wildcard Subscriptions not supported', ['suback', 'disconnect'], 'server'),
];

/** 5.0 reason codes allowed per packet: packet -> code -> definition. */
export const REASON_CODES_BY_PACKET: ReadonlyMap<ReasonPacket, ReadonlyMap<number, ReasonCodeDef>> = (() => {
  const m = new Map<ReasonPacket, Map<number, ReasonCodeDef>>();
  for (const r of REASON_CODES) {
    for (const p of r.packets) {
      let inner = m.get(p);
      if (!inner) {
        inner = new Map();
        m.set(p, inner);
      }
      inner.set(r.code, r);
    }
  }
  return m;
})();

export function reasonCodeName(packet: ReasonPacket, code: number): string | undefined {
  return REASON_CODES_BY_PACKET.get(packet)?.get(code)?.name;
}

/** Statement requiring a 5.0 reason code to be one defined for the packet. */
export const REASON_CODE_STATEMENT_V5: Readonly<Record<ReasonPacket, string>> = {
  connack: 'MQTT-3.2.2-8',
  puback: 'MQTT-3.4.2-1',
  pubrec: 'MQTT-3.5.2-1',
  pubrel: 'MQTT-3.6.2-1',
  pubcomp: 'MQTT-3.7.2-1',
  suback: 'MQTT-3.9.3-2',
  unsuback: 'MQTT-3.11.3-2',
  disconnect: 'MQTT-3.14.2-1',
  auth: 'MQTT-3.15.2-1',
};

/** 3.1.1 CONNACK return codes (0x06..0xFF reserved). */
export const CONNACK_RETURN_CODES_V4: ReadonlyMap<number, string> = new Map([
  [0x00, 'Connection accepted'],
  [0x01, 'Refused: unacceptable protocol level'],
  [0x02, 'Refused: identifier rejected'],
  [0x03, 'Refused: server unavailable'],
  [0x04, 'Refused: bad user name or password'],
  [0x05, 'Refused: not authorized'],
]);

/** 3.1.1 SUBACK return codes; anything else is reserved [MQTT-3.9.3-2]. */
export const SUBACK_RETURN_CODES_V4: ReadonlyMap<number, string> = new Map([
  [0x00, 'Success, maximum QoS 0'],
  [0x01, 'Success, maximum QoS 1'],
  [0x02, 'Success, maximum QoS 2'],
  [0x80, 'Failure'],
]);

/** Protocol names and levels of CONNECT. */
export const PROTOCOL_NAME: Readonly<Record<3 | 4 | 5, string>> = { 3: 'MQIsdp', 4: 'MQTT', 5: 'MQTT' };
