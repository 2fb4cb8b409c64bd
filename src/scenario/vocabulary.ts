// The words a scenario may use: packet types and their mqtt-packet field names, property names,
// matcher predicates, mutation ops, step actions.
import { PACKET_TYPES, type PacketName } from '../protocol/constants.ts';

/** Packet type names (mqtt-packet `cmd`), in packet-type order. */
export const PACKET_CMDS: readonly PacketName[] = PACKET_TYPES.slice(1) as PacketName[];

const COMMON = ['cmd', 'dup', 'qos', 'retain', 'length'];

/** mqtt-packet field names per packet type (besides the common fixed-header ones). */
const PACKET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  connect: [
    'protocolId',
    'protocolVersion',
    'clean',
    'clientId',
    'keepalive',
    'username',
    'password',
    'will',
    'properties',
    'bridgeMode',
  ],
  connack: ['returnCode', 'reasonCode', 'sessionPresent', 'properties'],
  publish: ['topic', 'payload', 'messageId', 'properties'],
  puback: ['messageId', 'reasonCode', 'properties'],
  pubrec: ['messageId', 'reasonCode', 'properties'],
  pubrel: ['messageId', 'reasonCode', 'properties'],
  pubcomp: ['messageId', 'reasonCode', 'properties'],
  subscribe: ['messageId', 'subscriptions', 'properties'],
  suback: ['messageId', 'granted', 'reasonCode', 'properties'],
  unsubscribe: ['messageId', 'unsubscriptions', 'properties'],
  unsuback: ['messageId', 'granted', 'reasonCode', 'properties'],
  pingreq: [],
  pingresp: [],
  disconnect: ['reasonCode', 'properties'],
  auth: ['reasonCode', 'properties'],
};

export function fieldsOf(cmd: string | undefined): string[] {
  if (cmd !== undefined && PACKET_FIELDS[cmd]) return [...COMMON, ...PACKET_FIELDS[cmd]!];
  return [...new Set([...COMMON, ...Object.values(PACKET_FIELDS).flat()])];
}

export const WILL_FIELDS = ['topic', 'payload', 'qos', 'retain', 'properties'];
export const SUBSCRIPTION_FIELDS = ['topic', 'qos', 'nl', 'rap', 'rh'];

/** MQTT 5 property names as mqtt-packet spells them. */
export const PROPERTY_NAMES = [
  'payloadFormatIndicator',
  'messageExpiryInterval',
  'contentType',
  'responseTopic',
  'correlationData',
  'subscriptionIdentifier',
  'sessionExpiryInterval',
  'assignedClientIdentifier',
  'serverKeepAlive',
  'authenticationMethod',
  'authenticationData',
  'requestProblemInformation',
  'willDelayInterval',
  'requestResponseInformation',
  'responseInformation',
  'serverReference',
  'reasonString',
  'receiveMaximum',
  'topicAliasMaximum',
  'topicAlias',
  'maximumQoS',
  'retainAvailable',
  'userProperties',
  'maximumPacketSize',
  'wildcardSubscriptionAvailable',
  'subscriptionIdentifiersAvailable',
  'sharedSubscriptionAvailable',
];

export const PREDICATES = [
  '$range',
  '$gte',
  '$gt',
  '$lte',
  '$lt',
  '$regex',
  '$present',
  '$absent',
  '$in',
  '$not',
  '$any',
  '$eq',
] as const;

/** Mutation ops (src/protocol/mutate.ts): required and optional argument keys. */
export const MUTATION_OPS: Readonly<
  Record<string, { required: readonly string[]; optional: readonly string[] }>
> = {
  flags: { required: ['value'], optional: [] },
  type: { required: ['value'], optional: [] },
  remainingLength: { required: ['value'], optional: [] },
  overlongLength: { required: ['bytes'], optional: [] },
  truncate: { required: ['at'], optional: [] },
  truncateBody: { required: ['by'], optional: [] },
  keepBody: { required: ['bytes'], optional: [] },
  qos: { required: ['value'], optional: [] },
  badUtf8: { required: ['field'], optional: ['index'] },
  nullChar: { required: ['field'], optional: ['index'] },
  surrogate: { required: ['field'], optional: ['index'] },
  duplicateProperty: { required: ['id'], optional: ['section'] },
  addProperty: { required: ['id'], optional: ['value', 'hex', 'section'] },
  append: { required: ['hex'], optional: [] },
  patch: { required: ['offset', 'hex'], optional: [] },
  connectFlags: { required: ['value'], optional: [] },
  protocolName: { required: ['value'], optional: [] },
  protocolLevel: { required: ['value'], optional: [] },
};

export const STEP_ACTIONS = [
  'connect',
  'open',
  'send',
  'sendRaw',
  'sendMutated',
  'expect',
  'expectNothing',
  'expectClose',
  'expectAmong',
  'disconnect',
  'drop',
  'wait',
  'subscribe',
  'unsubscribe',
  'publish',
  'parallel',
  'barrier',
  'use',
  'set',
  'fault',
] as const;

/** Actions that need no `client`. */
export const CLIENTLESS_ACTIONS: ReadonlySet<string> = new Set([
  'wait',
  'parallel',
  'use',
  'barrier',
  'set',
  'expectAmong',
]);

export const STEP_COMMON_KEYS = ['client', 'label', 'timeout'];

/** Variables every case has (besides params, captures and set vars). */
export const BUILTIN_VARS = ['t', 'cid'];
/** Variable namespaces: `${profile.x}`, `${cap.x}`, `${client.NAME}`. */
export const VAR_NAMESPACES = ['profile', 'cap', 'client'];

export const CASE_KEYS = [
  'id',
  'title',
  'description',
  'expectation',
  'statements',
  'level',
  'version',
  'area',
  'timeout',
  'requires',
  'params',
  'exclude',
  'let',
  'clients',
  'steps',
  'cleanup',
];

export const FILE_KEYS = ['kind', 'area', 'version', 'level', 'timeout', 'fragments', 'tables', 'cases'];

export const VERSIONS = ['3.1', '3.1.1', '5.0'] as const;
export const LEVELS = ['must', 'should', 'may'] as const;
