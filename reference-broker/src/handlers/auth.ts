// MQTT 5 enhanced authentication (4.12) with SCRAM-SHA-256, including re-authentication (0x19).
import type { IAuthPacket, IConnectPacket, Packet } from 'mqtt-packet';
import { SCRAM_METHOD, type ScramServerState, scramFinish, scramStart } from '../auth/scram.ts';
import type { Connection } from '../connection.ts';
import { accept, refuse } from './accept.ts';

interface AuthState {
  phase: 'connect' | 'reauth';
  scram: ScramServerState;
  connect: IConnectPacket | undefined;
  assigned: string | undefined;
}

function sendAuth(conn: Connection, reasonCode: number, data: Buffer): void {
  conn.send({
    cmd: 'auth',
    reasonCode,
    properties: { authenticationMethod: conn.authMethod!, authenticationData: data },
  } as Packet);
}

export function startEnhancedAuth(
  conn: Connection,
  p: IConnectPacket,
  method: string,
  data: Buffer | undefined,
  assigned: string | undefined,
) {
  conn.authMethod = method;
  if (method !== SCRAM_METHOD) return refuse(conn, 4, 0x8c, 'bad authentication method');
  const r = scramStart(conn.broker.users, data);
  if (!r.ok) return refuse(conn, 4, 0x86, r.reason);
  if (!('state' in r)) return refuse(conn, 4, 0x86, 'unexpected SCRAM state');
  conn.state = 'auth';
  conn.authState = { phase: 'connect', scram: r.state, connect: p, assigned } satisfies AuthState;
  sendAuth(conn, 0x18, r.reply); // Continue authentication
}

export function handleAuth(conn: Connection, p: IAuthPacket) {
  if (!conn.v5) return conn.protocolError(0x82, 'AUTH is an MQTT 5 packet');
  const props = (p.properties ?? {}) as Record<string, unknown>;
  const method = props.authenticationMethod;
  // MQTT-4.12.0-? : AUTH must carry the same method as CONNECT; no method in CONNECT => protocol error
  if (conn.authMethod === undefined || method !== conn.authMethod) {
    if (conn.state === 'auth') return refuse(conn, 4, 0x8c, 'authentication method mismatch');
    return conn.protocolError(0x82, 'unexpected AUTH');
  }
  const data = props.authenticationData as Buffer | undefined;
  const st = conn.authState as AuthState | undefined;
  if (conn.state === 'connected' && p.reasonCode === 0x19) {
    // Re-authentication (4.12.1)
    const r = scramStart(conn.broker.users, data);
    if (!r.ok || !('state' in r)) return conn.closeWithError(0x87, 're-authentication failed');
    conn.authState = {
      phase: 'reauth',
      scram: r.state,
      connect: undefined,
      assigned: undefined,
    } satisfies AuthState;
    return sendAuth(conn, 0x18, r.reply);
  }
  if (p.reasonCode !== 0x18 || !st) return conn.protocolError(0x82, 'unexpected AUTH reason code');
  const r = scramFinish(conn.broker.users, st.scram, data);
  conn.authState = undefined;
  if (!r.ok || !('done' in r)) {
    if (st.phase === 'connect') return refuse(conn, 4, 0x86, r.ok ? 'SCRAM failed' : r.reason);
    return conn.closeWithError(0x87, 're-authentication failed');
  }
  if (st.phase === 'reauth') {
    if (r.user !== conn.username) return conn.closeWithError(0x87, 're-authentication as another user');
    return sendAuth(conn, 0x00, r.reply);
  }
  conn.state = 'new';
  accept(conn, st.connect!, r.user, st.assigned, {
    authenticationMethod: conn.authMethod,
    authenticationData: r.reply,
  });
}
