// Retained messages for new subscriptions (MQTT-3.3.1-6 (3.1.1), MQTT-3.3.1-9..-11 (5.0)): each
// subscription gets a cursor over the retained store, pumped like the session queue, so every
// matching retained message is sent (none dropped by the queue cap) and none is held twice in memory.
import type { Broker } from './broker.ts';
import type { ClientLink as Connection } from './client-link.ts';
import type { RetainedCursor } from './retained.ts';
import type { Session, Subscription } from './session.ts';

export interface PendingRetained {
  sub: Subscription;
  cursor: RetainedCursor;
}

/** Starts sending the retained messages matching a new subscription. */
export function queueRetained(b: Broker, s: Session, sub: Subscription): void {
  s.pendingRetained.push({ sub, cursor: b.retained.cursor(sub.topicFilter, b.faults['dollar-wildcard']) });
}

/** Sends pending retained messages while the client's window allows; true when none are left. */
export function pumpRetained(b: Broker, conn: Connection, s: Session, now: number): boolean {
  const f = b.faults;
  const list = s.pendingRetained;
  const maxBuffered = b.config.maxWriteBufferBytes;
  while (list.length > 0) {
    const p = list[0]!;
    const m =
      s.subs.get(p.sub.filter) === p.sub ? p.cursor.peek(f['no-message-expiry'] ? 0 : now) : undefined;
    if (m === undefined) {
      list.shift(); // done, or unsubscribed / replaced meanwhile
      continue;
    }
    if (p.sub.aclCheck && !b.router.mayReceive(p.sub, m.topic)) {
      p.cursor.take(); // retained too: the subscribe ACL governs what is delivered
      continue;
    }
    const qos = (f['no-qos-downgrade'] ? m.qos : Math.min(m.qos, p.sub.qos)) as 0 | 1 | 2;
    if (conn.transport.buffered() > maxBuffered) {
      b.router.pumpLater(s); // resumes on drain (sockets) or on the timer (WebSocket)
      return false;
    }
    if (qos > 0 && s.inflight.size >= conn.sendQuota) return false; // resumes on PUBACK / PUBCOMP
    p.cursor.take();
    let expiry = -1;
    if (m.expiresAt !== 0) {
      expiry = f['no-message-expiry'] ? m.expiryInterval : Math.max(1, Math.ceil((m.expiresAt - now) / 1000));
    }
    const subIds = p.sub.subId > 0 && !f['no-subscription-id'] ? [p.sub.subId] : undefined;
    // retained messages sent on subscribe carry RETAIN=1 (MQTT-3.3.1-8 (3.1.1), MQTT-3.3.1-9/-13 (5.0))
    if (qos === 0) b.router.deliver(s, m, 0, true, subIds, expiry);
    else {
      const o = { msg: m, qos, retain: true, subIds, packetId: 0, state: 0 as const };
      b.router.sendOutgoing(conn, s, o, false, expiry);
    }
    if (conn.state !== 'connected') return false;
  }
  return true;
}
