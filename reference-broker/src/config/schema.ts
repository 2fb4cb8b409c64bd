// Broker configuration: the shape, the defaults and the description of every key (used both for
// validation and for the CLI flags). Defaults and special values follow source-checklist section B
// (Artemis acceptor knobs): -1 usually means "not announced", 0 is refused where the spec forbids it.

export type ListenerKind = 'tcp' | 'tls' | 'ws' | 'wss';

export interface ListenerConfig {
  kind: ListenerKind;
  host: string;
  port: number;
  /** ws/wss only: the HTTP path that upgrades to MQTT (default /mqtt). */
  path?: string;
  /** tls/wss only: PEM file paths. */
  cert?: string;
  key?: string;
}

export type AclAction = 'publish' | 'subscribe' | 'both';

export interface AclRule {
  /** user name, or '*' for everyone (anonymous included). */
  user: string;
  allow?: AclAction;
  deny?: AclAction;
  /** topic pattern; may contain + and #, and %u (user name) / %c (client id). */
  topic: string;
}

export type SyncPolicy = 'normal' | 'full';
export const SYNC_POLICIES: SyncPolicy[] = ['normal', 'full'];

/** Sessions, their messages and retained messages kept in a store that survives restarts. */
export interface PersistenceConfig {
  /** the SQLite database file (created if missing); `<path>-wal` is its write-ahead log */
  path: string;
  /** normal: nothing acknowledged is lost when the broker is killed; full: nor at a power loss (fsync per commit) */
  sync: SyncPolicy;
}

export interface BrokerConfig {
  listeners: ListenerConfig[];
  /** true: a second connection with the same client id takes over; false: the new one is refused. */
  allowLinkStealing: boolean;
  /** 1..65535; -1 = not announced (behaves as 65535). 0 is not allowed. */
  receiveMaximum: number;
  /** 0..65535; 0 = client->broker aliases off; -1 = not announced (same as 0). */
  topicAliasMaximum: number;
  /** 1..268435455; -1 = not announced and no limit enforced. 0 is not allowed. */
  maximumPacketSize: number;
  /** seconds; 0 = keep alive off whatever the client asks; -1 = always accept the client's value. */
  serverKeepAlive: number;
  /** seconds a session without its own (v5) interval lives after disconnect; -1 = never expires. */
  defaultSessionExpiryInterval: number;
  /** cap on a session's expiry (seconds; 3.x persistent sessions and 5.0 alike); -1 = no cap.
   * Default 7 days: sessions of clients that never return do not stay forever. */
  maximumSessionExpiryInterval: number;
  /** cap on Message Expiry Interval (seconds); -1 = no cap. */
  maximumMessageExpiryInterval: number;
  /** how often expired sessions are removed (ms). */
  sessionScanIntervalMs: number;
  /** true: close the connection on an unauthorized PUBLISH; false: positive ack, message dropped (3.x). */
  closeOnPublishAuthorizationFailure: boolean;
  /** close a socket that sends no CONNECT within this many ms (A1.4). */
  connectTimeoutMs: number;
  maximumQoS: 0 | 1 | 2;
  retainAvailable: boolean;
  wildcardSubscriptionAvailable: boolean;
  sharedSubscriptionAvailable: boolean;
  subscriptionIdentifiersAvailable: boolean;
  /** send reason strings (only ever when the client did not set Request Problem Information 0). */
  reasonStrings: boolean;
  /** -1 = unlimited. */
  maxConnections: number;
  /** most unacknowledged QoS 1/2 deliveries per client (further capped by the client's Receive Maximum). */
  maxInflightMessages: number;
  /** most messages queued per session (offline or over the inflight window); further ones are dropped. */
  maxQueuedMessages: number;
  /** most levels in a topic name or filter; -1 = unlimited. */
  maxTopicLevels: number;
  /** bytes buffered towards a client before QoS 0 deliveries to it are dropped (slow consumer). */
  maxWriteBufferBytes: number;
  /** bytes held for a client that does not read (acks, pings, deliveries) before it is disconnected. */
  maxOutputBufferBytes: number;
  /** largest packet read before CONNECT is accepted (CONNECT, AUTH): what an unauthenticated socket may hold. */
  maxConnectPacketSize: number;
  /** total bytes (payload + topic) queued per session; further deliveries are dropped and counted. */
  maxQueuedBytes: number;
  /** subscriptions one session may hold; more are refused in SUBACK (0x97 / 0x80). -1 = unlimited. */
  maxSubscriptionsPerClient: number;
  /** retained messages stored; a retained PUBLISH on a new topic beyond it is not stored. -1 = unlimited. */
  maxRetainedMessages: number;
  /** bytes (payload + topic) of all retained messages; beyond it a retained PUBLISH is not stored. -1 = unlimited. */
  maxRetainedBytes: number;
  /** users file ("name:password" or "name:$pbkdf2-sha256$iterations$salt$hash" per line); unset = anyone. */
  usersFile?: string;
  /** allow clients without a user name when a users file is configured. */
  allowAnonymous: boolean;
  /** ordered ACL rules; the first rule matching (user, action, topic) decides; none matching = allowed. */
  acl: AclRule[];
  /** enhanced authentication methods offered; [] = any Authentication Method gets CONNACK 0x8C. */
  authMethods: Array<'SCRAM-SHA-256'>;
  /** server redirection: every CONNECT is answered with this Server Reference (v5) and reason code. */
  serverReference?: string;
  /** 156 (0x9C use another server) or 157 (0x9D server moved). */
  serverReferenceCode: 156 | 157;
  /** seconds between $SYS updates; 0 = no $SYS tree. */
  sysIntervalSeconds: number;
  /** print every packet in and out. */
  trace: boolean;
  /** test-only fault switches (see faults.ts). */
  faults: string[];
  /** unset = memory only (nothing survives a restart) */
  persistence?: PersistenceConfig;
}

export const DEFAULT_CONFIG: BrokerConfig = {
  listeners: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }],
  allowLinkStealing: true,
  receiveMaximum: 65535,
  topicAliasMaximum: 65535,
  maximumPacketSize: 268435455,
  serverKeepAlive: 60,
  defaultSessionExpiryInterval: -1,
  maximumSessionExpiryInterval: 7 * 86400,
  maximumMessageExpiryInterval: -1,
  sessionScanIntervalMs: 5000,
  closeOnPublishAuthorizationFailure: true,
  connectTimeoutMs: 10000,
  maximumQoS: 2,
  retainAvailable: true,
  wildcardSubscriptionAvailable: true,
  sharedSubscriptionAvailable: true,
  subscriptionIdentifiersAvailable: true,
  reasonStrings: true,
  maxConnections: -1,
  maxInflightMessages: 1000,
  maxQueuedMessages: 1000,
  maxTopicLevels: -1,
  maxWriteBufferBytes: 4 * 1024 * 1024,
  maxOutputBufferBytes: 16 * 1024 * 1024,
  maxConnectPacketSize: 256 * 1024,
  maxQueuedBytes: 64 * 1024 * 1024,
  maxSubscriptionsPerClient: 1000,
  maxRetainedMessages: 100_000,
  maxRetainedBytes: 256 * 1024 * 1024,
  allowAnonymous: true,
  acl: [],
  authMethods: [],
  serverReferenceCode: 156,
  sysIntervalSeconds: 10,
  trace: false,
  faults: [],
};

export type ScalarKind =
  | { type: 'boolean' }
  | { type: 'int'; min: number; max: number; special?: number[]; forbidden?: number[]; help: string }
  | { type: 'enum'; values: Array<string | number> }
  | { type: 'string' };

/** Scalar settings: each is a YAML key and a CLI flag (--kebab-case). */
export const SCALAR_KEYS: Record<string, ScalarKind> = {
  allowLinkStealing: { type: 'boolean' },
  receiveMaximum: {
    type: 'int',
    min: -1,
    max: 65535,
    forbidden: [0],
    help: '1..65535, or -1 (not announced)',
  },
  topicAliasMaximum: { type: 'int', min: -1, max: 65535, help: '0..65535 (0 = off), or -1 (not announced)' },
  maximumPacketSize: {
    type: 'int',
    min: -1,
    max: 268435455,
    forbidden: [0],
    help: '1..268435455, or -1 (not announced, no limit)',
  },
  serverKeepAlive: {
    type: 'int',
    min: -1,
    max: 65535,
    help: '0..65535 seconds (0 = keep alive off), or -1 (accept the client value)',
  },
  defaultSessionExpiryInterval: {
    type: 'int',
    min: -1,
    max: 4294967295,
    help: '0..4294967295 seconds, or -1 (never expires)',
  },
  maximumSessionExpiryInterval: {
    type: 'int',
    min: -1,
    max: 4294967295,
    help: '0..4294967295 seconds, or -1 (no cap)',
  },
  maximumMessageExpiryInterval: {
    type: 'int',
    min: -1,
    max: 4294967295,
    help: '1..4294967295 seconds, or -1 (no cap)',
    forbidden: [0],
  },
  sessionScanIntervalMs: { type: 'int', min: 10, max: 86_400_000, help: '10..86400000 milliseconds' },
  closeOnPublishAuthorizationFailure: { type: 'boolean' },
  connectTimeoutMs: { type: 'int', min: 1, max: 3_600_000, help: '1..3600000 milliseconds' },
  maximumQoS: { type: 'enum', values: [0, 1, 2] },
  retainAvailable: { type: 'boolean' },
  wildcardSubscriptionAvailable: { type: 'boolean' },
  sharedSubscriptionAvailable: { type: 'boolean' },
  subscriptionIdentifiersAvailable: { type: 'boolean' },
  reasonStrings: { type: 'boolean' },
  maxConnections: {
    type: 'int',
    min: -1,
    max: 10_000_000,
    forbidden: [0],
    help: '1..10000000, or -1 (unlimited)',
  },
  maxInflightMessages: { type: 'int', min: 1, max: 65535, help: '1..65535' },
  maxQueuedMessages: { type: 'int', min: 0, max: 10_000_000, help: '0..10000000' },
  maxTopicLevels: { type: 'int', min: -1, max: 65535, forbidden: [0], help: '1..65535, or -1 (unlimited)' },
  maxWriteBufferBytes: { type: 'int', min: 1024, max: 1 << 30, help: '1024..1073741824 bytes' },
  maxOutputBufferBytes: {
    type: 'int',
    min: 1024,
    max: 2 ** 31,
    help: '1024..2147483648 bytes, at least maxWriteBufferBytes',
  },
  maxConnectPacketSize: { type: 'int', min: 128, max: 268435455, help: '128..268435455 bytes' },
  maxQueuedBytes: { type: 'int', min: 1024, max: 2 ** 40, help: '1024..1099511627776 bytes' },
  maxSubscriptionsPerClient: {
    type: 'int',
    min: -1,
    max: 10_000_000,
    forbidden: [0],
    help: '1..10000000, or -1 (unlimited)',
  },
  maxRetainedMessages: {
    type: 'int',
    min: -1,
    max: 100_000_000,
    help: '0..100000000 (0 = nothing stored), or -1 (unlimited)',
  },
  maxRetainedBytes: {
    type: 'int',
    min: -1,
    max: 2 ** 40,
    help: '0..1099511627776 bytes (0 = nothing stored), or -1 (unlimited)',
  },
  usersFile: { type: 'string' },
  allowAnonymous: { type: 'boolean' },
  serverReference: { type: 'string' },
  serverReferenceCode: { type: 'enum', values: [156, 157] },
  sysIntervalSeconds: { type: 'int', min: 0, max: 86400, help: '0 (off)..86400 seconds' },
  trace: { type: 'boolean' },
};

export function kebab(key: string): string {
  return key.replace('QoS', 'Qos').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
