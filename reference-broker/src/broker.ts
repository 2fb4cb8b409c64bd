// Broker state and connection lifecycle: sessions (with expiry scan), subscriptions, retained
// messages, wills, statistics. Packet handling lives in handlers/, fan-out in router.ts.
import { Acl } from './auth/acl.ts';
import { loadUsers, type UserTable } from './auth/users.ts';
import type { BrokerConfig } from './config/schema.ts';
import type { Connection } from './connection.ts';
import { type FaultFlags, faultFlags } from './faults.ts';
import { handlePublish } from './handlers/publish.ts';
import { type Message, makeMessage } from './message.ts';
import { RetainedStore } from './retained.ts';
import { Router } from './router.ts';
import { NEVER_EXPIRES, type Session } from './session.ts';
import { SubscriptionTrie } from './trie.ts';
import type { InPublish } from './wire.ts';

export interface BrokerStats {
  connections: number;
  /** sockets that have not completed CONNECT yet */
  pendingConnections: number;
  sessions: number;
  /** sessions without a connection (kept until they expire) */
  offlineSessions: number;
  subscriptions: number;
  retained: number;
  retainedBytes: number;
  /** retained PUBLISHes not stored because the store was full */
  retainedRefused: number;
  /** deliveries waiting in session queues */
  queued: number;
  /** bytes (payload + topic) waiting in session queues */
  queuedBytes: number;
  /** QoS 1/2 deliveries sent and not yet acknowledged */
  inflight: number;
  packetsReceived: number;
  messagesReceived: number;
  messagesSent: number;
  bytesReceived: number;
  bytesSent: number;
  dropped: number;
  slowClientsClosed: number;
  uptimeSeconds: number;
}

function resumeAll(b: Broker): void {
  b.doResume();
}

export class Broker {
  readonly faults: FaultFlags;
  readonly sessions = new Map<string, Session>();
  readonly trie = new SubscriptionTrie();
  readonly retained: RetainedStore;
  readonly router: Router;
  readonly conns = new Set<Connection>();
  readonly users: UserTable | undefined;
  readonly acl: Acl;
  /** connections that completed CONNECT */
  connected = 0;
  readonly stats = {
    packetsReceived: 0,
    messagesReceived: 0,
    messagesSent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    dropped: 0,
    /** connections closed because they did not read their output (maxOutputBufferBytes) */
    slowClientsClosed: 0,
  };
  readonly startedAt = Date.now();
  private readonly willTimers = new Map<Session, NodeJS.Timeout>();
  private scanTimer: NodeJS.Timeout | undefined;
  /** publishers whose reading is paused because a subscriber's queue is filling up */
  private readonly paused = new Set<Connection>();
  private pauseTimer: NodeJS.Timeout | undefined;
  private resumeScheduled = false;
  private idCounter = 0;
  logger: (line: string) => void = () => {};

  constructor(readonly config: BrokerConfig) {
    this.faults = faultFlags(config.faults);
    this.trie.dollarWildcard = this.faults['dollar-wildcard'];
    this.router = new Router(this);
    this.retained = new RetainedStore(config.maxRetainedMessages, config.maxRetainedBytes);
    this.users = config.usersFile ? loadUsers(config.usersFile) : undefined;
    this.acl = new Acl(config.acl);
    this.scanTimer = setInterval(() => this.scanSessions(), config.sessionScanIntervalMs);
    this.scanTimer.unref();
  }

  log(line: string): void {
    if (this.config.trace) this.logger(line);
  }

  trace(conn: Connection, dir: 'in' | 'out', text: string): void {
    this.logger(`${dir === 'in' ? '<-' : '->'} ${conn.clientId || conn.transport.remote} ${text}`);
  }

  newClientId(): string {
    // MQTT-3.2.2-16: unique, not used by any other session
    let id: string;
    do id = `crucible-${Date.now().toString(36)}-${(++this.idCounter).toString(36)}`;
    while (this.sessions.has(id));
    return id;
  }

  onPublish(conn: Connection, p: InPublish): void {
    handlePublish(conn, p);
  }

  /** Publishes a message from inside the broker (wills, $SYS): retained store + fan-out. */
  publish(msg: Message): void {
    this.storeRetained(msg);
    this.router.route(msg);
  }

  /** Stores (or clears) the retained message of msg's topic; false when the store is full. */
  storeRetained(msg: Message): boolean {
    if (!msg.retain) return true; // MQTT-3.3.1-8
    if (msg.payload.length === 0) {
      // MQTT-3.3.1-6/-7: empty retained payload clears and is never stored
      if (!this.faults['retain-not-cleared']) this.retained.delete(msg.topic);
      return true;
    }
    return this.retained.set(msg); // MQTT-3.3.1-5 (within maxRetainedMessages / maxRetainedBytes)
  }

  /** Backpressure: stop reading from a publisher while its subscribers catch up (bounded queues). */
  pausePublisher(conn: Connection): void {
    if (conn.state !== 'connected' || this.paused.has(conn)) return;
    this.paused.add(conn);
    conn.pauseReading();
    // never wait forever (two clients publishing to each other could otherwise stall)
    this.pauseTimer ??= setTimeout(() => {
      this.pauseTimer = undefined;
      this.doResume();
    }, 50);
  }

  resumePublishers(): void {
    if (this.paused.size === 0 || this.resumeScheduled) return;
    this.resumeScheduled = true;
    setImmediate(resumeAll, this);
  }

  /** @internal */
  doResume(): void {
    this.resumeScheduled = false;
    const list = [...this.paused];
    this.paused.clear();
    for (const c of list) if (c.state === 'connected') c.resumeReading();
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
  }

  pump(s: Session): void {
    this.router.pump(s);
  }

  /** Removes a session and its subscriptions. */
  dropSession(s: Session): void {
    for (const sub of s.subs.values()) this.trie.remove(sub);
    s.clearState();
    if (this.sessions.get(s.clientId) === s) this.sessions.delete(s.clientId);
    const wt = this.willTimers.get(s);
    if (wt) {
      // the session ended before the will delay: publish the will now (MQTT 3.1.3.2.2)
      clearTimeout(wt);
      this.willTimers.delete(s);
      (wt as unknown as { fire?: () => void }).fire?.();
    }
  }

  cancelWill(s: Session): void {
    const wt = this.willTimers.get(s);
    if (wt) {
      clearTimeout(wt);
      this.willTimers.delete(s); // MQTT-3.1.3-9: reconnected before the will delay elapsed
    }
  }

  /** Called once when a connection stops being usable (closing or closed). */
  onConnectionEnded(conn: Connection): void {
    const s = conn.session;
    const wasConnected = conn.connectPacket !== undefined && s !== undefined;
    if (wasConnected) this.connected--;
    conn.connectPacket = undefined;
    if (!s) return;
    conn.session = undefined;
    const will = conn.will;
    conn.will = undefined;
    const owns = s.conn === conn;
    if (owns) s.conn = undefined;
    if (
      will &&
      (conn.willOnClose || this.faults['will-on-clean-disconnect']) &&
      !this.faults['no-will-on-drop']
    ) {
      const msg = makeMessage(
        will.topic,
        will.payload,
        will.qos,
        will.retain,
        will.props,
        will.expiryInterval,
        undefined,
      );
      const fire = () => {
        this.willTimers.delete(s);
        this.publish(msg);
      };
      if (will.delay > 0 && owns && s.expiryInterval !== 0) {
        const t = setTimeout(fire, Math.min(will.delay, 2147483) * 1000);
        (t as unknown as { fire: () => void }).fire = fire;
        t.unref();
        this.willTimers.set(s, t);
      } else fire(); // MQTT-3.1.2-8: will published when the connection closes without DISCONNECT
    }
    if (!owns) return;
    if (s.expiryInterval === 0) this.dropSession(s);
    else if (s.expiryInterval !== NEVER_EXPIRES) s.expiresAt = Date.now() + s.expiryInterval * 1000;
  }

  onTransportClosed(conn: Connection): void {
    this.conns.delete(conn);
    this.paused.delete(conn);
  }

  /** Removes offline sessions whose expiry passed (checked every sessionScanIntervalMs). */
  scanSessions(): void {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) {
      if (s.conn === undefined && s.expiresAt !== 0 && s.expiresAt <= now) this.dropSession(s);
    }
  }

  getStats(): BrokerStats {
    let queued = 0;
    let queuedBytes = 0;
    let inflight = 0;
    let offline = 0;
    for (const s of this.sessions.values()) {
      queued += s.queued;
      queuedBytes += s.queuedBytes;
      inflight += s.inflight.size;
      if (s.conn === undefined) offline++;
    }
    return {
      connections: this.connected,
      pendingConnections: Math.max(0, this.conns.size - this.connected),
      sessions: this.sessions.size,
      offlineSessions: offline,
      subscriptions: this.trie.count,
      retained: this.retained.size,
      retainedBytes: this.retained.bytes,
      retainedRefused: this.retained.refused,
      queued,
      queuedBytes,
      inflight,
      ...this.stats,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
    };
  }

  shutdown(): void {
    if (this.scanTimer) clearInterval(this.scanTimer);
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    for (const t of this.willTimers.values()) clearTimeout(t);
    this.willTimers.clear();
    for (const c of [...this.conns]) {
      if (c.state === 'connected' && c.v5) c.closeWithError(0x8b, 'server shutting down');
      c.destroy();
    }
  }
}
