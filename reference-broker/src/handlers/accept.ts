// The CONNACK side of a CONNECT, shared by plain and enhanced authentication (handlers/connect.ts,
// handlers/auth.ts, which no longer import each other for it): refusing with a code, or accepting in
// named phases (session, expiry, will, client limits and keep alive, CONNACK).
import type { IConnectPacket, Packet } from 'mqtt-packet';
import { encode } from '../../../src/protocol/codec.ts';
import type { Connection } from '../connection.ts';
import { encodePropObject } from '../message.ts';
import { NEVER_EXPIRES, Session } from '../session.ts';

export type ConnackProps = Record<string, unknown>;

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

/** Completes a CONNECT (after optional enhanced authentication): session, will, limits, CONNACK. */
export function accept(
  conn: Connection,
  p: IConnectPacket,
  user: string | undefined,
  assigned: string | undefined,
  authProps: ConnackProps | undefined,
) {
  const b = conn.broker;
  conn.username = user;
  const resolved = resolveSession(conn, p, user);
  if (!resolved) return;
  const { s, present } = resolved;
  const grantedExpiry = applySessionExpiry(conn, p, s);
  s.conn = conn;
  conn.session = s;
  conn.state = 'connected';
  conn.accepted(); // the connect timeout ran until here, through any AUTH exchange (A1.4)
  conn.connectPacket = p;
  b.connected++;
  if (p.will) conn.will = willOf(conn, p.will);
  const announceKa = applyClientLimits(conn, p);
  b.store.sessionSaved(s, conn.will, 0); // CONNACK is held until the session is stored
  sendConnack(conn, p, present, { authProps, assigned, grantedExpiry, announceKa });
  if (present) b.router.resume(s);
}

/**
 * The session for this CONNECT: an expired one is dropped, ownership and the will ACL are checked, link
 * stealing takes over (or refuses), Clean Start discards. Undefined when the CONNECT was refused.
 */
function resolveSession(
  conn: Connection,
  p: IConnectPacket,
  user: string | undefined,
): { s: Session; present: boolean } | undefined {
  const b = conn.broker;
  const f = b.faults;
  const clientId = conn.clientId;
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
  if (!authorizeSession(conn, p, user, existing)) return undefined;
  // Link stealing (MQTT-3.1.4-3 (5.0) / MQTT-3.1.4-2 (3.1.1))
  const old = existing?.conn;
  if (existing && old && old !== conn && (old.state === 'connected' || old.state === 'auth')) {
    if (!b.config.allowLinkStealing) {
      refuse(conn, 2, 0x80, 'client identifier in use'); // A14.2
      return undefined;
    }
    if (f['no-link-stealing']) {
      existing.conn = undefined;
    } else {
      b.log(`taking over ${clientId}`);
      old.closeWithError(0x8e, 'session taken over');
      existing = b.sessions.get(clientId);
    }
  }
  if (existing && p.clean !== false && !f['clean-start-ignored']) {
    b.dropSession(existing); // MQTT-3.1.2-4: Clean Start discards any existing session
    existing = undefined;
  }
  if (existing) {
    b.cancelWill(existing);
    b.cancelExpiry(existing); // resumed: its expiry timer starts again when it goes offline
    existing.version = conn.version;
    if (existing.user !== user) changeSessionUser(conn, existing, user);
    return { s: existing, present: true }; // MQTT-3.2.2-3
  }
  const s = new Session(clientId, conn.version, user);
  b.sessions.set(clientId, s);
  return { s, present: false };
}

/**
 * Session expiry: 3.x clean = 0; 3.x persistent = defaultSessionExpiryInterval (-1 never); 5.0 = the
 * client's Session Expiry Interval (absent = 0), capped by maximumSessionExpiryInterval. Returns the
 * granted value when the cap lowered it (announced in CONNACK).
 */
function applySessionExpiry(conn: Connection, p: IConnectPacket, s: Session): number | undefined {
  const cfg = conn.broker.config;
  const props = (p.properties ?? {}) as Record<string, unknown>;
  let expiry: number;
  if (conn.v5)
    expiry =
      typeof props.sessionExpiryInterval === 'number' && !conn.broker.faults['session-expiry-ignored']
        ? props.sessionExpiryInterval
        : 0;
  else if (p.clean !== false) expiry = 0;
  else expiry = cfg.defaultSessionExpiryInterval === -1 ? NEVER_EXPIRES : cfg.defaultSessionExpiryInterval;
  let granted: number | undefined;
  if (cfg.maximumSessionExpiryInterval >= 0 && expiry > cfg.maximumSessionExpiryInterval) {
    expiry = cfg.maximumSessionExpiryInterval;
    granted = expiry;
  }
  s.expiryInterval = expiry;
  s.expiresAt = 0;
  return granted;
}

/** The will of this connection as the broker keeps it (message expiry capped, delay separated). */
function willOf(conn: Connection, w: NonNullable<IConnectPacket['will']>): NonNullable<Connection['will']> {
  const cfg = conn.broker.config;
  const f = conn.broker.faults;
  const wp = (w.properties ?? {}) as Record<string, unknown>;
  let mei = typeof wp.messageExpiryInterval === 'number' ? wp.messageExpiryInterval : -1;
  if (cfg.maximumMessageExpiryInterval > 0 && (mei < 0 || mei > cfg.maximumMessageExpiryInterval)) {
    mei = cfg.maximumMessageExpiryInterval;
  }
  const rest = { ...wp };
  delete rest.willDelayInterval;
  delete rest.messageExpiryInterval;
  return {
    topic: w.topic,
    payload: Buffer.isBuffer(w.payload) ? Buffer.from(w.payload) : Buffer.from(String(w.payload)),
    qos: (w.qos ?? 0) as 0 | 1 | 2,
    retain: w.retain === true && !f['will-retain-ignored'],
    props: conn.v5 && !f['will-properties-dropped'] ? encodePropObject(rest) : undefined,
    expiryInterval: mei,
    delay: typeof wp.willDelayInterval === 'number' && !f['will-delay-ignored'] ? wp.willDelayInterval : 0,
  };
}

/** Flow control and limits the client announced, and keep alive; returns a Server Keep Alive to announce. */
function applyClientLimits(conn: Connection, p: IConnectPacket): number | undefined {
  const cfg = conn.broker.config;
  const props = (p.properties ?? {}) as Record<string, unknown>;
  const rm = typeof props.receiveMaximum === 'number' ? props.receiveMaximum : 65535;
  conn.sendQuota = conn.broker.faults['ignore-receive-maximum']
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
    if (conn.v5) announceKa = 0;
  } else if (cfg.serverKeepAlive > 0 && conn.v5 && (clientKa === 0 || cfg.serverKeepAlive < clientKa)) {
    ka = cfg.serverKeepAlive;
    announceKa = ka; // MQTT-3.2.2-21
  }
  conn.setKeepAlive(ka);
  return announceKa;
}

/** The successful CONNACK: 3.x return code 0, or 5.0 with the server's properties. */
function sendConnack(
  conn: Connection,
  p: IConnectPacket,
  present: boolean,
  o: {
    authProps: ConnackProps | undefined;
    assigned: string | undefined;
    grantedExpiry: number | undefined;
    announceKa: number | undefined;
  },
): void {
  const cfg = conn.broker.config;
  const f = conn.broker.faults;
  const sessionPresent = f['wrong-session-present'] ? !present : present;
  if (!conn.v5) {
    // 3.1 has no Session Present flag
    const sp = conn.version === 3 ? false : sessionPresent;
    conn.send({ cmd: 'connack', returnCode: 0, sessionPresent: sp } as Packet);
    return;
  }
  const props = (p.properties ?? {}) as Record<string, unknown>;
  const cp: ConnackProps = { ...o.authProps };
  if (cfg.receiveMaximum !== -1) cp.receiveMaximum = cfg.receiveMaximum;
  if (cfg.topicAliasMaximum !== -1) cp.topicAliasMaximum = cfg.topicAliasMaximum;
  if (cfg.maximumPacketSize !== -1) cp.maximumPacketSize = cfg.maximumPacketSize;
  if (cfg.maximumQoS < 2) cp.maximumQoS = cfg.maximumQoS; // MQTT-3.2.2-9
  if (!cfg.retainAvailable) cp.retainAvailable = false;
  if (!cfg.wildcardSubscriptionAvailable) cp.wildcardSubscriptionAvailable = false;
  if (!cfg.subscriptionIdentifiersAvailable) cp.subscriptionIdentifiersAvailable = false;
  if (!cfg.sharedSubscriptionAvailable) cp.sharedSubscriptionAvailable = false;
  if (o.announceKa !== undefined) cp.serverKeepAlive = o.announceKa;
  if (o.assigned !== undefined) cp.assignedClientIdentifier = o.assigned;
  if (o.grantedExpiry !== undefined) cp.sessionExpiryInterval = o.grantedExpiry;
  // MQTT-3.1.2-28: Response Information only when requested
  if (props.requestResponseInformation === true || f['unrequested-response-information'])
    cp.responseInformation = `response/${conn.clientId}`;
  conn.send({ cmd: 'connack', reasonCode: 0, sessionPresent, properties: cp } as Packet);
}
