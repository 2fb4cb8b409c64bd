// PUBACK / PUBREC / PUBREL / PUBCOMP from the client (4.3.2, 4.3.3).
import type { Connection } from '../connection.ts';
import { encodeAck } from '../wire.ts';

/** PUBACK: QoS 1 delivery complete; frees a window slot. */
export function handlePuback(conn: Connection, id: number) {
  const s = conn.session!;
  const o = s.inflight.get(id);
  if (o && o.qos === 1) {
    s.lastAck = Date.now();
    s.inflight.delete(id);
    conn.broker.store.outgoingRemoved(s, o);
    conn.broker.router.pump(s);
  }
}

/** PUBREC: answer PUBREL (MQTT-4.3.3-4); a failure reason code (>= 0x80) ends the flow (5.0). */
export function handlePubrec(conn: Connection, id: number, reasonCode: number | undefined) {
  const s = conn.session!;
  const o = s.inflight.get(id);
  if (o?.qos !== 2) {
    conn.write(encodeAck(6, id, conn.v5, 0x92)); // Packet Identifier not found
    return;
  }
  if (reasonCode !== undefined && reasonCode >= 0x80) {
    s.inflight.delete(id);
    conn.broker.store.outgoingRemoved(s, o);
    conn.broker.router.pump(s);
    return;
  }
  o.state = 1;
  conn.broker.store.outgoingSaved(s, o); // PUBREL is held until this is stored (no re-sent PUBLISH after PUBCOMP)
  conn.write(encodeAck(6, id, conn.v5, 0));
}

/** PUBCOMP: QoS 2 delivery complete. */
export function handlePubcomp(conn: Connection, id: number) {
  const s = conn.session!;
  const o = s.inflight.get(id);
  if (o && o.qos === 2) {
    s.lastAck = Date.now();
    s.inflight.delete(id);
    conn.broker.store.outgoingRemoved(s, o);
    conn.broker.router.pump(s);
  }
}

/** PUBREL for an incoming QoS 2 message: release the id and answer PUBCOMP (MQTT-4.3.3-11). */
export function handlePubrel(conn: Connection, id: number) {
  const s = conn.session!;
  const known = s.inboundQos2.delete(id);
  if (known) conn.broker.store.inboundRemoved(s, id);
  conn.write(encodeAck(7, id, conn.v5, known ? 0 : 0x92));
}
