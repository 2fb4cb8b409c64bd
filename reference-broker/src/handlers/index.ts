// Dispatch of decoded packets (everything except PUBLISH, which connection.ts routes directly).
import type {
  IAuthPacket,
  IConnectPacket,
  IDisconnectPacket,
  IPubackPacket,
  IPubrecPacket,
  ISubscribePacket,
  IUnsubscribePacket,
  Packet,
} from 'mqtt-packet';
import type { Connection } from '../connection.ts';
import { needsValidation, validateFrame } from '../validate.ts';
import { PINGRESP } from '../wire.ts';
import { refuse } from './accept.ts';
import { handlePuback, handlePubcomp, handlePubrec, handlePubrel } from './acks.ts';
import { handleAuth } from './auth.ts';
import { handleConnect } from './connect.ts';
import { handleSubscribe, handleUnsubscribe } from './subscribe.ts';

export function dispatch(conn: Connection, p: Packet, raw: Buffer) {
  if (needsValidation(raw, conn.v5)) {
    const bad = validateFrame(raw, conn.version);
    if (bad) {
      if (conn.broker.faults['accept-malformed'] && conn.state === 'connected') return;
      if (p.cmd === 'connect' && conn.state === 'new' && conn.v5) {
        // 5.0 4.13: CONNACK with the reason code, then close; 3.x: close without CONNACK (MQTT-3.1.4-1)
        const props = (p.properties ?? {}) as Record<string, unknown>;
        if (typeof props.maximumPacketSize === 'number') conn.clientMaxPacket = props.maximumPacketSize;
        return refuse(conn, 0, bad.code, bad.reason);
      }
      return conn.protocolError(bad.code, bad.reason);
    }
  }
  if (p.cmd === 'connect') return handleConnect(conn, p as IConnectPacket);
  if (conn.state === 'auth') {
    if (p.cmd === 'auth') return handleAuth(conn, p as IAuthPacket);
    if (p.cmd === 'disconnect') return conn.destroy();
    return conn.protocolError(0x82, `${p.cmd} during authentication`); // MQTT-3.1.2-30 / 4.12
  }
  if (conn.state !== 'connected') return;
  switch (p.cmd) {
    case 'puback':
      return handlePuback(conn, (p as IPubackPacket).messageId!);
    case 'pubrec':
      return handlePubrec(conn, (p as IPubrecPacket).messageId!, (p as IPubrecPacket).reasonCode);
    case 'pubrel':
      return handlePubrel(conn, (p as { messageId: number }).messageId);
    case 'pubcomp':
      return handlePubcomp(conn, (p as { messageId: number }).messageId);
    case 'subscribe':
      return handleSubscribe(conn, p as ISubscribePacket);
    case 'unsubscribe':
      return handleUnsubscribe(conn, p as IUnsubscribePacket);
    case 'pingreq':
      if (conn.broker.faults['keepalive-pingreq-only']) conn.lastRx = Date.now();
      if (!conn.broker.faults['no-pingresp']) conn.write(PINGRESP); // MQTT-3.12.4-1
      return;
    case 'disconnect':
      return handleDisconnect(conn, p as IDisconnectPacket);
    case 'auth':
      return handleAuth(conn, p as IAuthPacket);
    default:
      // a server-to-client packet type from a client is a protocol error
      return conn.protocolError(0x82, `unexpected ${p.cmd}`);
  }
}

/** DISCONNECT: 0x00 discards the will (MQTT-3.14.4-3); 0x04 keeps it; 5.0 may update session expiry. */
function handleDisconnect(conn: Connection, p: IDisconnectPacket) {
  const s = conn.session;
  const props = (p.properties ?? {}) as Record<string, unknown>;
  if (s && conn.v5 && typeof props.sessionExpiryInterval === 'number') {
    if (s.expiryInterval === 0 && props.sessionExpiryInterval !== 0) {
      return conn.protocolError(0x82, 'session expiry changed from 0 at DISCONNECT'); // MQTT-3.14.2-2
    }
    s.expiryInterval = props.sessionExpiryInterval;
  }
  conn.willOnClose = conn.v5 && p.reasonCode === 0x04;
  conn.state = 'closing';
  conn.broker.onConnectionEnded(conn);
  conn.broker.store.commitNow(); // held writes are flushed by end(): store their state first
  conn.transport.end();
}
