// CONNECT: protocol checks, client identifier rules, authentication, redirection, link stealing,
// session creation or resumption, and the CONNACK with its MQTT 5 properties.
import type { IConnectPacket } from 'mqtt-packet';
import { checkPassword } from '../auth/users.ts';
import type { Connection } from '../connection.ts';
import { topicNameProblem } from '../topics.ts';
import { accept, refuse } from './accept.ts';
import { startEnhancedAuth } from './auth.ts';

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
