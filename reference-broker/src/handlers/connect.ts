// CONNECT: protocol checks, client identifier rules, authentication, redirection, link stealing,
// session creation or resumption, and the CONNACK with its MQTT 5 properties.
import type { IConnectPacket, Packet } from 'mqtt-packet';
import { encode } from '../../../src/protocol/codec.ts';
import { checkPassword } from '../auth/users.ts';
import type { Connection } from '../connection.ts';
import { encodePropObject } from '../message.ts';
import { NEVER_EXPIRES, Session } from '../session.ts';
import { topicNameProblem } from '../topics.ts';
import { startEnhancedAuth } from './auth.ts';

type ConnackProps = Record<string, unknown>;

/** Refuses a CONNECT: CONNACK with the code (3.x return code or 5.0 reason code), then close. */
export function refuse(
  conn: Connection,
  v3Code: number,
  v5Code: number,
  reason: string,
  props: ConnackProps = {},
): void {
  conn.broker.log(`refusing ${conn.clientId || conn.transport.remote}: ${reason}`);
  if (conn.v5) {
    if (conn.broker.config.reasonStrings && conn.requestProblemInfo) props.reasonString = reason;
    const connack = {
      cmd: 'connack',
      reasonCode: v5Code,
      sessionPresent: false,
      properties: props,
    } as Packet;
    let buf = encode(connack, 5);
    if (conn.clientMaxPacket > 0 && buf.length > conn.clientMaxPacket) {
      // MQTT-3.2.2-19 / -20: Reason String and User Properties left out when they would not fit
      delete props.reasonString;
      delete props.userProperties;
      buf = encode(connack, 5);
    }
    conn.write(buf); // MQTT-3.2.2-6
  } else conn.send({ cmd: 'connack', returnCode: v3Code, sessionPresent: false } as Packet);
  if (conn.broker.faults['packet-after-refusal']) conn.write(Buffer.from([0xd0, 0x00]));
  conn.will = undefined;
  conn.end(); // MQTT-3.2.2-7 / MQTT-3.1.4-6: nothing more is processed
}

const VALID_31_ID = /^[0-9a-zA-Z]{1,23}$/;

export function handleConnect(conn: Connection, p: IConnectPacket) {
  const b = conn.broker;
  const cfg = b.config;
  if (conn.state !== 'new') {
    if (b.faults['second-connect-accepted']) return;
    return conn.protocolError(0x82, 'second CONNECT'); // MQTT-3.1.0-2
  }
  const v5 = conn.v5;
  if (v5 && b.faults['mqtt311-only']) {
    conn.write(Buffer.from([0x20, 0x02, 0x00, 0x01])); // variation: the 3.1.1 answer to an unknown level
    return conn.end();
  }
  const props = (p.properties ?? {}) as Record<string, unknown>;
  conn.requestProblemInfo = props.requestProblemInformation !== false;
  const f = b.faults;
  if (typeof props.maximumPacketSize === 'number') conn.clientMaxPacket = props.maximumPacketSize;
  for (const [k, v] of Object.entries(props)) {
    if (k !== 'userProperties' && Array.isArray(v))
      return conn.protocolError(0x82, `duplicate property ${k}`);
  }
  if (props.receiveMaximum === 0) return conn.protocolError(0x82, 'Receive Maximum 0'); // 3.1.2.11.3
  if (props.maximumPacketSize === 0) return conn.protocolError(0x82, 'Maximum Packet Size 0'); // 3.1.2.11.4
  if (!v5 && p.password !== undefined && p.username === undefined) {
    return conn.protocolError(0x82, 'password without user name'); // MQTT-3.1.2-22 (3.1.1)
  }
  // Will checks (MQTT-3.1.2-9, -12, MQTT-3.2.2-12/-13)
  if (p.will) {
    const problem = topicNameProblem(p.will.topic, cfg.maxTopicLevels);
    if (problem) {
      if (v5) return refuse(conn, 2, 0x90, `will topic: ${problem}`);
      return conn.protocolError(0x82, `will topic: ${problem}`);
    }
    if ((p.will.qos ?? 0) > cfg.maximumQoS && !f['will-qos-above-maximum-accepted'])
      return refuse(conn, 3, 0x9b, 'will QoS not supported');
    if (p.will.retain && !cfg.retainAvailable) return refuse(conn, 3, 0x9a, 'retain not supported');
  }
  // Server redirection (5.0 4.11): every client is sent elsewhere
  if (cfg.serverReference !== undefined) {
    if (v5)
      return refuse(conn, 3, cfg.serverReferenceCode, 'use another server', {
        serverReference: cfg.serverReference,
      });
    return refuse(conn, 3, 3, 'server moved');
  }
  if (cfg.maxConnections > 0 && b.connected >= cfg.maxConnections) {
    return refuse(conn, 3, 0x97, `connection limit of ${cfg.maxConnections} reached`); // 0x97 Quota exceeded
  }
  // Client identifier rules
  let clientId = p.clientId;
  let assigned: string | undefined;
  if (
    conn.version === 3 &&
    !VALID_31_ID.test(clientId) &&
    !(f['mqtt31-long-client-id-accepted'] && clientId.length > 23)
  ) {
    return refuse(conn, 2, 0x85, 'MQTT 3.1 client identifier must be 1-23 letters or digits');
  }
  if (clientId === '') {
    if (conn.version === 4 && !p.clean && !f['empty-client-id-persistent-accepted']) {
      return refuse(conn, 2, 0x85, 'empty client identifier needs clean session'); // MQTT-3.1.3-8 (3.1.1)
    }
    clientId = b.newClientId(); // MQTT-3.1.3-6 / 3.1.3-7; 5.0 MQTT-3.2.2-16
    if (v5 && !f['no-assigned-client-id']) assigned = clientId;
  }
  conn.clientId = clientId;
  // Enhanced authentication (MQTT 5, 4.12)
  const method = props.authenticationMethod;
  if (v5 && typeof method === 'string') {
    if (!cfg.authMethods.includes(method as 'SCRAM-SHA-256')) {
      return refuse(conn, 4, 0x8c, `authentication method ${method} not supported`); // A29.5
    }
    return startEnhancedAuth(conn, p, method, props.authenticationData as Buffer | undefined, assigned);
  }
  if (!v5 && props.authenticationMethod !== undefined) return conn.protocolError(0x82, 'unexpected property');
  // Simple authentication
  if (b.users) {
    if (p.username === undefined) {
      if (!cfg.allowAnonymous) return refuse(conn, 5, 0x87, 'not authorized');
    } else {
      const u = b.users.get(p.username);
      if (!u || (!checkPassword(u, p.password) && !f['bad-password-accepted']))
        return refuse(conn, 4, 0x86, 'bad user name or password');
    }
  }
  accept(conn, p, p.username, assigned, undefined);
}

/**
 * Who may use the session and the will: false when the CONNECT was refused (CONNACK 5 / 0x87).
 * A client id belongs to the user who created its session: with authentication on, another user
 * neither takes the connection over, nor resumes the session, nor discards it (docs/security.md).
 * The will goes through the publish ACL when it is accepted (3.1.1 5.4.2; 5.0 CONNACK 0x87).
 */
function authorizeSession(
  conn: Connection,
  p: IConnectPacket,
  user: string | undefined,
  existing: Session | undefined,
): boolean {
  const b = conn.broker;
  const authOn = b.users !== undefined || b.config.authMethods.length > 0;
  if (existing && authOn && existing.user !== user) {
    refuse(conn, 5, 0x87, 'client identifier belongs to another user');
    return false;
  }
  if (p.will && !b.acl.empty && !b.acl.allowed(user, conn.clientId, 'publish', p.will.topic)) {
    refuse(conn, 5, 0x87, 'not authorized to publish the will');
    return false;
  }
  return true;
}

/** Without authentication a session may be resumed under another user name: re-derive its ACL checks. */
function changeSessionUser(conn: Connection, s: Session, user: string | undefined): void {
  const acl = conn.broker.acl;
  s.user = user;
  for (const sub of s.subs.values()) {
    sub.aclCheck = !acl.empty && acl.needsDeliveryCheck(user, sub.topicFilter);
    sub.aclCache = undefined;
  }
}

/** Completes a CONNECT (after optional enhanced authentication). */
export function accept(
  conn: Connection,
  p: IConnectPacket,
  user: string | undefined,
  assigned: string | undefined,
  authProps: ConnackProps | undefined,
) {
  const b = conn.broker;
  const cfg = b.config;
  const f = b.faults;
  const v5 = conn.v5;
  const props = (p.properties ?? {}) as Record<string, unknown>;
  const clientId = conn.clientId;
  conn.username = user;
  let existing = b.sessions.get(clientId);
  if (
    existing &&
    existing.conn === undefined &&
    existing.expiresAt !== 0 &&
    existing.expiresAt <= Date.now()
  ) {
    // MQTT-3.1.2-23 / MQTT-4.1.0-2: expired, its timer not run yet
    b.dropSession(existing);
    existing = undefined;
  }
  if (!authorizeSession(conn, p, user, existing)) return;
  // Link stealing (MQTT-3.1.4-3 (5.0) / MQTT-3.1.4-2 (3.1.1))
  const old = existing?.conn;
  if (old && old !== conn && (old.state === 'connected' || old.state === 'auth')) {
    if (!cfg.allowLinkStealing) return refuse(conn, 2, 0x80, 'client identifier in use'); // A14.2
    if (f['no-link-stealing']) {
      existing!.conn = undefined;
    } else {
      b.log(`taking over ${clientId}`);
      old.closeWithError(0x8e, 'session taken over');
      existing = b.sessions.get(clientId);
    }
  }
  const clean = p.clean !== false;
  let present = false;
  let s: Session;
  if (existing && clean && !f['clean-start-ignored']) {
    b.dropSession(existing); // MQTT-3.1.2-4: Clean Start discards any existing session
    existing = undefined;
  }
  if (existing) {
    s = existing;
    present = true; // MQTT-3.2.2-3
    b.cancelWill(s);
    b.cancelExpiry(s); // resumed: its expiry timer starts again when it goes offline
    s.version = conn.version;
    if (s.user !== user) changeSessionUser(conn, s, user);
  } else {
    s = new Session(clientId, conn.version, user);
    b.sessions.set(clientId, s);
  }
  // Session expiry: 3.x clean = 0; 3.x persistent = defaultSessionExpiryInterval (-1 never);
  // 5.0 = the client's Session Expiry Interval (absent = 0), capped by maximumSessionExpiryInterval
  let expiry: number;
  if (v5)
    expiry =
      typeof props.sessionExpiryInterval === 'number' && !f['session-expiry-ignored']
        ? props.sessionExpiryInterval
        : 0;
  else if (clean) expiry = 0;
  else expiry = cfg.defaultSessionExpiryInterval === -1 ? NEVER_EXPIRES : cfg.defaultSessionExpiryInterval;
  let grantedExpiry: number | undefined;
  if (cfg.maximumSessionExpiryInterval >= 0 && expiry > cfg.maximumSessionExpiryInterval) {
    expiry = cfg.maximumSessionExpiryInterval;
    grantedExpiry = expiry;
  }
  s.expiryInterval = expiry;
  s.expiresAt = 0;
  s.conn = conn;
  conn.session = s;
  conn.state = 'connected';
  conn.accepted(); // the connect timeout ran until here, through any AUTH exchange (A1.4)
  conn.connectPacket = p;
  b.connected++;
  // Will
  if (p.will) {
    const wp = (p.will.properties ?? {}) as Record<string, unknown>;
    let mei = typeof wp.messageExpiryInterval === 'number' ? wp.messageExpiryInterval : -1;
    if (cfg.maximumMessageExpiryInterval > 0 && (mei < 0 || mei > cfg.maximumMessageExpiryInterval)) {
      mei = cfg.maximumMessageExpiryInterval;
    }
    const rest = { ...wp };
    delete rest.willDelayInterval;
    delete rest.messageExpiryInterval;
    conn.will = {
      topic: p.will.topic,
      payload: Buffer.isBuffer(p.will.payload)
        ? Buffer.from(p.will.payload)
        : Buffer.from(String(p.will.payload)),
      qos: (p.will.qos ?? 0) as 0 | 1 | 2,
      retain: p.will.retain === true && !f['will-retain-ignored'],
      props: v5 && !f['will-properties-dropped'] ? encodePropObject(rest) : undefined,
      expiryInterval: mei,
      delay: typeof wp.willDelayInterval === 'number' && !f['will-delay-ignored'] ? wp.willDelayInterval : 0,
    };
  }
  // Flow control and limits announced by the client
  const rm = typeof props.receiveMaximum === 'number' ? props.receiveMaximum : 65535;
  conn.sendQuota = f['ignore-receive-maximum']
    ? cfg.maxInflightMessages
    : Math.min(rm, cfg.maxInflightMessages);
  conn.clientMaxPacket = typeof props.maximumPacketSize === 'number' ? props.maximumPacketSize : 0;
  conn.clientAliasMax = typeof props.topicAliasMaximum === 'number' ? props.topicAliasMaximum : 0;
  // Keep alive (Artemis serverKeepAlive semantics, source-checklist B1)
  const clientKa = p.keepalive ?? 0;
  let ka = clientKa;
  let announceKa: number | undefined;
  if (cfg.serverKeepAlive === 0) {
    ka = 0;
    if (v5) announceKa = 0;
  } else if (cfg.serverKeepAlive > 0 && v5 && (clientKa === 0 || cfg.serverKeepAlive < clientKa)) {
    ka = cfg.serverKeepAlive;
    announceKa = ka; // MQTT-3.2.2-21
  }
  conn.setKeepAlive(ka);
  b.store.sessionSaved(s, conn.will, 0); // CONNACK is held until the session is stored
  const sessionPresent = f['wrong-session-present'] ? !present : present;
  if (v5) {
    const cp: ConnackProps = { ...authProps };
    if (cfg.receiveMaximum !== -1) cp.receiveMaximum = cfg.receiveMaximum;
    if (cfg.topicAliasMaximum !== -1) cp.topicAliasMaximum = cfg.topicAliasMaximum;
    if (cfg.maximumPacketSize !== -1) cp.maximumPacketSize = cfg.maximumPacketSize;
    if (cfg.maximumQoS < 2) cp.maximumQoS = cfg.maximumQoS; // MQTT-3.2.2-9
    if (!cfg.retainAvailable) cp.retainAvailable = false;
    if (!cfg.wildcardSubscriptionAvailable) cp.wildcardSubscriptionAvailable = false;
    if (!cfg.subscriptionIdentifiersAvailable) cp.subscriptionIdentifiersAvailable = false;
    if (!cfg.sharedSubscriptionAvailable) cp.sharedSubscriptionAvailable = false;
    if (announceKa !== undefined) cp.serverKeepAlive = announceKa;
    if (assigned !== undefined) cp.assignedClientIdentifier = assigned;
    if (grantedExpiry !== undefined) cp.sessionExpiryInterval = grantedExpiry;
    // MQTT-3.1.2-28: Response Information only when requested
    if (props.requestResponseInformation === true || f['unrequested-response-information'])
      cp.responseInformation = `response/${clientId}`;
    conn.send({ cmd: 'connack', reasonCode: 0, sessionPresent, properties: cp } as Packet);
  } else if (conn.version === 3) {
    conn.send({ cmd: 'connack', returnCode: 0, sessionPresent: false } as Packet); // 3.1 has no session present
  } else conn.send({ cmd: 'connack', returnCode: 0, sessionPresent } as Packet);
  if (present) b.router.resume(s);
}
