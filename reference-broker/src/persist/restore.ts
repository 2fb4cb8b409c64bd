// Start-up from a persistent store: retained messages, sessions with their subscriptions, queued
// and in-flight deliveries and incoming QoS 2 packet ids come back; then the clocks resume.
//
// A session whose client was connected when the broker stopped without closing it (a kill, a crash,
// a power loss) is treated as if its connection had closed without DISCONNECT at the last moment
// the broker is known to have been alive (noted at least every second): its will is published at
// once, or when its Will Delay Interval has run from that moment (MQTT-3.1.2-8), and its Session
// Expiry Interval runs from that moment too; a session that expired meanwhile ends at start-up
// (its will, if still waiting, is published then). Offline sessions keep their absolute expiry
// and will times; a time that passed while the broker was down is acted on at start-up.
import type { Broker } from '../broker.ts';
import type { Will } from '../client-link.ts';
import type { Message } from '../message.ts';
import { NEVER_EXPIRES, type Outgoing, Session, type Subscription } from '../session.ts';
import { parseShared } from '../topics.ts';
import type { SqliteStore } from './sqlite.ts';

interface SessionRow {
  id: number;
  client_id: string;
  version: 3 | 4 | 5;
  user: string | null;
  expiry_interval: number;
  expires_at: number;
  connected: number;
  will: string | null;
  will_payload: Buffer | null;
  will_props: Buffer | null;
  will_at: number;
}

interface MessageRow {
  id: number;
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: number;
  props: Buffer | null;
  expires_at: number;
  expiry_interval: number;
}

export interface RestoreSummary {
  sessions: number;
  subscriptions: number;
  deliveries: number;
  retained: number;
}

function toMessage(r: MessageRow): Message {
  return {
    topic: r.topic,
    topicBuf: Buffer.from(r.topic, 'utf8'),
    payload: r.payload,
    qos: r.qos,
    retain: r.retain === 1,
    props: r.props ?? undefined,
    expiresAt: r.expires_at,
    expiryInterval: r.expiry_interval,
    origin: undefined,
  };
}

function loadMessages(store: SqliteStore): Map<number, Message> {
  const out = new Map<number, Message>();
  for (const r of store.db.prepare<MessageRow>('SELECT * FROM messages').iterate()) {
    const m = toMessage(r);
    store.adoptMessage(m, r.id);
    out.set(r.id, m);
  }
  return out;
}

function loadRetained(b: Broker, store: SqliteStore, msgs: Map<number, Message>, now: number): number {
  let n = 0;
  const rows = store.db.prepare<{ topic: string; msg_id: number }>('SELECT * FROM retained').all();
  for (const r of rows) {
    const m = msgs.get(r.msg_id);
    if (m === undefined) continue;
    store.adoptRetained(m);
    if (m.expiresAt !== 0 && m.expiresAt <= now)
      store.retainedRemoved(m.topic); // expired while down
    else {
      b.retained.set(m);
      n++;
    }
  }
  return n;
}

function subscriptionOf(b: Broker, s: Session, r: Record<string, number | string>): Subscription {
  const filter = String(r.filter);
  const shared = parseShared(filter) || undefined;
  const topicFilter = shared ? shared.filter : filter;
  return {
    session: s,
    filter,
    topicFilter,
    shareGroup: shared ? shared.group : undefined,
    qos: Number(r.qos) as 0 | 1 | 2,
    noLocal: r.no_local === 1,
    retainAsPublished: r.retain_as_published === 1,
    retainHandling: Number(r.retain_handling) as 0 | 1 | 2,
    subId: Number(r.sub_id),
    aclCheck: !b.acl.empty && b.acl.needsDeliveryCheck(s.user, topicFilter),
    aclCache: undefined,
  };
}

/** Sessions, their subscriptions, deliveries and incoming QoS 2 ids (no timers yet). */
function loadSessions(b: Broker, store: SqliteStore, msgs: Map<number, Message>, rows: SessionRow[]) {
  const byId = new Map<number, Session>();
  for (const r of rows) {
    const s = new Session(r.client_id, r.version, r.user ?? undefined);
    s.expiryInterval = r.expiry_interval;
    s.expiresAt = r.expires_at;
    store.adoptSession(s, r.id);
    b.sessions.set(s.clientId, s);
    byId.set(r.id, s);
  }
  let subs = 0;
  for (const r of store.db
    .prepare<Record<string, number | string>>('SELECT * FROM subscriptions')
    .iterate()) {
    const s = byId.get(Number(r.session_id));
    if (s === undefined) continue;
    const sub = subscriptionOf(b, s, r);
    s.subs.set(sub.filter, sub);
    b.trie.add(sub);
    subs++;
  }
  let deliveries = 0;
  const outRows = store.db.prepare<Record<string, number | string | null>>(
    'SELECT * FROM outgoing ORDER BY seq',
  );
  for (const r of outRows.iterate()) {
    const s = byId.get(Number(r.session_id));
    const msg = msgs.get(Number(r.msg_id));
    if (s === undefined || msg === undefined) continue;
    const o: Outgoing = {
      msg,
      qos: Number(r.qos) as 0 | 1 | 2,
      retain: r.retain === 1,
      subIds: r.sub_ids ? String(r.sub_ids).split(',').map(Number) : undefined,
      packetId: Number(r.packet_id),
      state: Number(r.state) as 0 | 1,
      storeSeq: 0,
    };
    store.adoptOutgoing(o, Number(r.seq));
    if (o.packetId !== 0 && !s.inflight.has(o.packetId)) s.inflight.set(o.packetId, o);
    else {
      o.packetId = 0;
      s.queue.push(o);
    }
    deliveries++;
  }
  for (const r of store.db
    .prepare<{ session_id: number; packet_id: number }>('SELECT * FROM inbound')
    .iterate()) {
    byId.get(r.session_id)?.inboundQos2.add(r.packet_id);
  }
  return { subs, deliveries };
}

/** Wills and expiry resume; sessions whose client was connected are closed at the last alive time. */
function resumeClocks(b: Broker, store: SqliteStore, rows: SessionRow[], aliveAt: number, now: number) {
  for (const r of rows) {
    const s = b.sessions.get(r.client_id);
    if (s === undefined) continue;
    let will: Will | undefined;
    if (r.will !== null) {
      const w = JSON.parse(r.will) as Omit<Will, 'payload' | 'props'>;
      will = { ...w, payload: r.will_payload ?? Buffer.alloc(0), props: r.will_props ?? undefined };
    }
    let willAt = r.will_at;
    if (r.connected === 1) {
      const closedAt = aliveAt > 0 ? Math.min(aliveAt, now) : now;
      if (s.expiryInterval !== NEVER_EXPIRES) s.expiresAt = closedAt + s.expiryInterval * 1000;
      if (will) willAt = closedAt + Math.min(will.delay, 2147483) * 1000;
    }
    // a will still waiting: its timer (fired at once by dropSession if the session expired)
    const pending = will && willAt > now ? will : undefined;
    if (pending) b.armWill(s, pending, willAt);
    else if (will) b.publishWill(s, will); // its delay ran out while the broker was down
    if (s.expiresAt !== 0 && s.expiresAt <= now) b.dropSession(s);
    else {
      if (s.expiresAt !== 0) b.armExpiry(s);
      store.sessionSaved(s, pending, pending ? willAt : 0);
    }
  }
}

/** Rebuilds the broker's state from the store (before its listeners open). */
export function restore(b: Broker, store: SqliteStore): RestoreSummary {
  const now = Date.now();
  const alive = store.db.prepare<{ value: number }>('SELECT value FROM meta WHERE key = ?').get('alive_at');
  const msgs = loadMessages(store);
  const retained = loadRetained(b, store, msgs, now);
  const rows = store.db.prepare<SessionRow>('SELECT * FROM sessions ORDER BY id').all();
  const { subs, deliveries } = loadSessions(b, store, msgs, rows);
  store.dropUnreferenced(msgs);
  resumeClocks(b, store, rows, alive?.value ?? 0, now);
  store.commitNow();
  return { sessions: b.sessions.size, subscriptions: subs, deliveries, retained };
}
