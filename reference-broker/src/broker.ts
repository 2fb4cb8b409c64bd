// Broker state and connection lifecycle: sessions (with an expiry timer each), subscriptions,
// retained messages, wills, statistics. Packet handling lives in handlers/, fan-out in router.ts.
import { Acl } from './auth/acl.ts';
import { loadUsers, type UserTable } from './auth/users.ts';
import type { ClientLink as Connection, Will } from './client-link.ts';
import type { BrokerConfig } from './config/schema.ts';
import { type FaultFlags, faultFlags } from './faults.ts';
import { type Message, makeMessage } from './message.ts';
import { MEMORY_STORE, type Store } from './persist/store.ts';
import { RetainedStore } from './retained.ts';
import { Router } from './router.ts';
import { NEVER_EXPIRES, type Session } from './session.ts';
import { SubscriptionTrie } from './trie.ts';

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

/** setTimeout's longest delay; longer expiries re-arm on the way */
const MAX_TIMER_MS = 2_147_483_647;

function expireTimer(b: Broker, s: Session): void {
  s.expiryTimer = undefined;
  if (s.conn !== undefined || s.expiresAt === 0 || b.sessions.get(s.clientId) !== s) return;
  if (s.expiresAt > Date.now())
    b.armExpiry(s); // a timer may fire a little early, or was capped
  else b.dropSession(s); // MQTT-3.1.2-23; a will still delayed is published now (MQTT-3.1.2-8)
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
  /** where sessions and retained messages are kept across restarts (persist/); memory by default */
  store: Store = MEMORY_STORE;
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
  /** Wills waiting for their delay, with the function that publishes each (MQTT-3.1.3-9). */
  private readonly willTimers = new Map<Session, { timer: NodeJS.Timeout; fire: () => void }>();
  private scanTimer: NodeJS.Timeout | undefined;
  /** publishers whose reading is paused because a subscriber's queue is filling up */
  private readonly paused = new Set<Connection>();
  private pauseTimer: NodeJS.Timeout | undefined;
  private resumeScheduled = false;
  private idCounter = 0;
  logger: (line: string) => void = () => {};
  onFatal: (e: Error) => void = () => {};

  constructor(readonly config: BrokerConfig) {
    this.faults = faultFlags(config.faults);
    this.trie.dollarWildcard = this.faults['dollar-wildcard'];
    this.router = new Router(this);
    this.retained = new RetainedStore(config.maxRetainedMessages, config.maxRetainedBytes);
    this.users = config.usersFile ? loadUsers(config.usersFile) : undefined;
    this.acl = new Acl(config.acl);
    if (this.faults['session-expiry-scan']) {
      this.scanTimer = setInterval(() => this.scanSessions(), config.sessionScanIntervalMs);
      this.scanTimer.unref();
    }
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

  /** Publishes a message from inside the broker (wills, $SYS): retained store + fan-out. */
  publish(msg: Message): void {
    this.storeRetained(msg);
    this.router.route(msg);
  }

  /**
   * publish() from a socket or timer callback, outside the per-packet guard of connection.ts: a
   * bug must close nothing and crash nothing, only be logged.
   */
  publishSafely(msg: Message, what: string): void {
    try {
      this.publish(msg);
    } catch (e) {
      this.logger(`internal error publishing the ${what}: ${(e as Error).stack}`);
    }
  }

  /** Stores (or clears) the retained message of msg's topic; false when the store is full. */
  storeRetained(msg: Message): boolean {
    if (!msg.retain) return true; // MQTT-3.3.1-8
    if (msg.payload.length === 0) {
      // MQTT-3.3.1-6/-7: empty retained payload clears and is never stored
      if (!this.faults['retain-not-cleared']) {
        this.retained.delete(msg.topic);
        this.store.retainedRemoved(msg.topic);
      }
      return true;
    }
    // MQTT-3.3.1-5 (within maxRetainedMessages / maxRetainedBytes)
    if (!this.retained.set(msg)) return false;
    this.store.retainedSaved(msg);
    return true;
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
    this.cancelExpiry(s);
    this.store.sessionDropped(s);
    for (const sub of s.subs.values()) this.trie.remove(sub);
    s.clearState();
    if (this.sessions.get(s.clientId) === s) this.sessions.delete(s.clientId);
    const wt = this.willTimers.get(s);
    if (wt && !this.faults['will-outlives-session']) {
      // the session ended before the will delay: publish the will now (MQTT 3.1.3.2.2)
      clearTimeout(wt.timer);
      this.willTimers.delete(s);
      wt.fire();
    }
  }

  /** Ends the offline session s when its expiry has passed (one timer per offline session). */
  armExpiry(s: Session): void {
    this.cancelExpiry(s);
    if (this.faults['session-expiry-scan']) return; // left to the periodic scan (fault)
    const delay = Math.min(Math.max(s.expiresAt - Date.now(), 0), MAX_TIMER_MS);
    s.expiryTimer = setTimeout(expireTimer, delay, this, s);
    s.expiryTimer.unref();
  }

  cancelExpiry(s: Session): void {
    if (s.expiryTimer === undefined) return;
    clearTimeout(s.expiryTimer);
    s.expiryTimer = undefined;
  }

  cancelWill(s: Session): void {
    const wt = this.willTimers.get(s);
    if (wt) {
      clearTimeout(wt.timer);
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
    let pending: Will | undefined;
    let pendingAt = 0;
    if (
      will &&
      (conn.willOnClose || this.faults['will-on-clean-disconnect']) &&
      !this.faults['no-will-on-drop']
    ) {
      if (will.delay > 0 && owns && s.expiryInterval !== 0) {
        // MQTT-3.1.2-8, MQTT-3.1.3-9: published when the delay passes or the session ends, whichever is first,
        // on a timer of its own (the session's expiry timer also publishes it, in dropSession; under the
        // scan fault only that does)
        const due =
          s.expiryInterval === NEVER_EXPIRES ||
          this.faults['will-outlives-session'] ||
          this.faults['session-expiry-scan']
            ? will.delay
            : Math.min(will.delay, s.expiryInterval);
        pending = will;
        pendingAt = Date.now() + Math.min(due, 2147483) * 1000;
        this.armWill(s, will, pendingAt);
      } else this.publishWill(s, will); // MQTT-3.1.2-8: published when the connection closes without DISCONNECT
    }
    if (!owns) return;
    if (s.expiryInterval === 0) this.dropSession(s);
    else {
      if (s.expiryInterval !== NEVER_EXPIRES) {
        s.expiresAt = Date.now() + s.expiryInterval * 1000;
        this.armExpiry(s);
      }
      this.store.sessionSaved(s, pending, pendingAt);
    }
  }

  publishWill(s: Session, will: Will): void {
    const msg = makeMessage(
      will.topic,
      will.payload,
      will.qos,
      will.retain,
      will.props,
      will.expiryInterval,
      undefined,
    );
    this.publishSafely(msg, `will of ${s.clientId}`);
  }

  /** Publishes the will of the offline session s at the time at (ms), unless cancelled (MQTT-3.1.3-9). */
  armWill(s: Session, will: Will, at: number): void {
    const fire = () => {
      this.willTimers.delete(s);
      if (this.sessions.get(s.clientId) === s && s.conn === undefined)
        this.store.sessionSaved(s, undefined, 0);
      this.publishWill(s, will);
    };
    const delay = at - Date.now();
    if (delay <= 0) {
      fire();
      return;
    }
    const timer = setTimeout(fire, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    this.willTimers.set(s, { timer, fire });
  }

  onTransportClosed(conn: Connection): void {
    this.conns.delete(conn);
    this.paused.delete(conn);
  }

  /** Fault 'session-expiry-scan' only: offline sessions whose expiry passed, removed every sessionScanIntervalMs. */
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
    for (const t of this.willTimers.values()) clearTimeout(t.timer);
    this.willTimers.clear();
    for (const s of this.sessions.values()) this.cancelExpiry(s);
    for (const c of [...this.conns]) {
      if (c.state === 'connected' && c.v5) c.closeWithError(0x8b, 'server shutting down');
      c.destroy();
    }
    this.store.close(); // commits what the closing connections changed
  }

  /** The store cannot commit: acknowledgements already promised cannot be kept, so every client goes. */
  storeFailed(e: Error): void {
    this.logger(`persistence: ${e.message}; closing every connection`);
    for (const c of [...this.conns]) c.destroy(); // held writes are discarded
    this.onFatal(e);
  }
}
