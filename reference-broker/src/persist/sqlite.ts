// The persistent store: one SQLite database (better-sqlite3, WAL journal, exclusive lock) holding
// sessions, subscriptions, queued and in-flight deliveries, incoming QoS 2 packet ids and retained
// messages. Every change goes into the transaction of the current event-loop turn (prepared
// statements); the turn's writes to clients are held and released right after its COMMIT (group
// commit), so an acknowledgement never reports state that a crash could lose. See README.md
// ("Persistence") for the sync policies and the file layout.
import type Database from 'better-sqlite3';
import type { ClientLink as Connection, Will } from '../client-link.ts';
import type { Message } from '../message.ts';
import type { Outgoing, Session, Subscription } from '../session.ts';
import { openDatabase, type PersistenceConfig, statements } from './schema.ts';
import type { Store } from './store.ts';

/**
 * Test-only switches (never in a configuration file): 'crash-after-message' kills the broker
 * process (SIGKILL) right after the first turn that stored a message has released its writes;
 * 'ack-before-commit' is the fault the persistence tests must catch: writes leave before COMMIT;
 * 'store-full' caps the database at its size when opened, so the first growth fails (SQLITE_FULL).
 */
export type StoreFault = 'crash-after-message' | 'ack-before-commit' | 'store-full';

type Stmts = ReturnType<typeof statements>;

/** A message row shared by its deliveries and its retained slot; deleted with the last of them. */
interface MsgRef {
  id: number;
  refs: number;
}

/** How often a live broker notes the time (the time of a kill, known to this much). */
const HEARTBEAT_MS = 1000;

export class SqliteStore implements Store {
  readonly durable = true;
  readonly db: Database.Database;
  private readonly st: Stmts;
  private inTx = false;
  private scheduled = false;
  private closed = false;
  private failed = false;
  private held: Connection[] = [];
  private readonly sessionIds = new Map<Session, number>();
  private readonly msgs = new WeakMap<Message, MsgRef>();
  private readonly retainedMsgs = new Map<string, Message>();
  private lastSessionId = 0;
  private lastMsgId = 0;
  private lastSeq = 0;
  private aliveAt = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly flushBound = () => this.flush();

  /** test-only crash injection and fault (StoreFault) */
  private readonly crashAfterMessage: boolean;
  private readonly ackBeforeCommit: boolean;
  private txHadMessage = false;
  /** rows to delete at the end of the turn, in batches (one statement per 100 rows) */
  private readonly outDeletes: number[] = [];
  private readonly msgDeletes: number[] = [];
  private readonly deleteStmts = new Map<string, Database.Statement>();

  constructor(
    readonly config: PersistenceConfig,
    private readonly onFailure: (e: Error) => void,
    faults: readonly StoreFault[] = [],
  ) {
    this.crashAfterMessage = faults.includes('crash-after-message');
    this.ackBeforeCommit = faults.includes('ack-before-commit');
    this.db = openDatabase(config);
    this.st = statements(this.db);
    if (faults.includes('store-full')) {
      this.db.pragma(`max_page_count = ${Number(this.db.pragma('page_count', { simple: true }))}`);
    }
    const max = this.st.maxIds.get() as { s: number | null; m: number | null; o: number | null };
    this.lastSessionId = max.s ?? 0;
    this.lastMsgId = max.m ?? 0;
    this.lastSeq = max.o ?? 0;
    this.heartbeat = setInterval(() => {
      if (this.tx()) this.noteAlive(Date.now());
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Opens the turn's transaction (and schedules its commit); false once closed. */
  private tx(): boolean {
    if (this.closed) return false;
    if (!this.inTx) {
      this.st.begin.run();
      this.inTx = true;
      this.schedule();
    }
    return true;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flushBound);
  }

  private noteAlive(now: number): void {
    this.aliveAt = now;
    this.run(this.st.setMeta, 'alive_at', now);
  }

  /** The end of a turn: COMMIT, then the held writes leave. */
  private flush(): void {
    this.scheduled = false;
    const held = this.held;
    this.held = [];
    const crash = this.crashAfterMessage && this.txHadMessage;
    this.txHadMessage = false;
    if (this.ackBeforeCommit) {
      for (const c of held) c.releaseWrites(); // the fault: acknowledgements overtake their commit
      if (crash) process.kill(process.pid, 'SIGKILL');
    }
    try {
      this.commitNow();
    } catch (e) {
      this.fail(e as Error, held);
      return;
    }
    if (!this.ackBeforeCommit) for (const c of held) c.releaseWrites();
    if (crash) process.kill(process.pid, 'SIGKILL'); // right after the acknowledgements left
  }

  commitNow(): void {
    if (!this.inTx || this.closed) return;
    this.deleteBatched('outgoing', 'seq', this.outDeletes);
    this.deleteBatched('messages', 'id', this.msgDeletes);
    const now = Date.now();
    if (now - this.aliveAt >= HEARTBEAT_MS) this.noteAlive(now);
    this.inTx = false;
    this.st.commit.run();
  }

  private deleteBatched(table: 'outgoing' | 'messages', key: 'seq' | 'id', ids: number[]): void {
    for (let i = 0; i < ids.length; i += 100) {
      const n = Math.min(100, ids.length - i);
      let st = this.deleteStmts.get(`${table}${n}`);
      if (st === undefined) {
        st = this.db.prepare(`DELETE FROM ${table} WHERE ${key} IN (${'?,'.repeat(n - 1)}?)`);
        this.deleteStmts.set(`${table}${n}`, st);
      }
      this.run(st, ...ids.slice(i, i + n));
    }
    ids.length = 0;
  }

  /** Runs a data statement; a failure (disk full, I/O error) stops the store, never half-acknowledges. */
  private run(st: Database.Statement, ...params: unknown[]): void {
    try {
      st.run(...params);
    } catch (e) {
      const held = this.held;
      this.held = [];
      this.fail(e as Error, held);
    }
  }

  private fail(e: Error, held: Connection[]): void {
    if (this.failed) return;
    this.failed = true;
    this.closed = true;
    clearInterval(this.heartbeat);
    try {
      if (this.db.inTransaction) this.st.rollback.run();
      this.db.close();
    } catch {}
    for (const c of held) c.destroy(); // their acknowledgements were never stored: they must not leave
    this.onFailure(new Error(`cannot write to the store ${this.config.path}: ${e.message}`));
  }

  holdWrites(conn: Connection): void {
    if (this.failed) {
      conn.destroy(); // nothing this broker says can be kept any more
      return;
    }
    if (this.closed) {
      conn.releaseWrites();
      return;
    }
    this.held.push(conn);
    this.schedule();
  }

  sessionSaved(s: Session, will: Will | undefined, willAt: number): void {
    if (s.expiryInterval === 0) {
      // a session that ends with its connection is not kept (nor what an earlier one stored)
      if (this.sessionIds.has(s)) this.sessionDropped(s);
      return;
    }
    if (!this.tx()) return;
    let id = this.sessionIds.get(s);
    const isNew = id === undefined;
    if (id === undefined) {
      id = ++this.lastSessionId;
      this.sessionIds.set(s, id);
    }
    this.run(
      this.st.upsertSession,
      id,
      s.clientId,
      s.version,
      s.user ?? null,
      s.expiryInterval,
      s.expiresAt,
      s.conn === undefined ? 0 : 1,
      will ? JSON.stringify({ ...will, payload: undefined, props: undefined }) : null,
      will?.payload ?? null,
      will?.props ?? null,
      willAt,
    );
    if (isNew) this.saveContents(s);
  }

  /** Everything a session held before it became durable (e.g. taken over with a new expiry). */
  private saveContents(s: Session): void {
    for (const sub of s.subs.values()) this.subscriptionSaved(s, sub);
    for (const o of s.inflight.values()) this.outgoingSaved(s, o);
    for (let i = s.queueHead; i < s.queue.length; i++) this.outgoingSaved(s, s.queue[i]!);
    for (const id of s.inboundQos2) this.inboundSaved(s, id);
  }

  sessionDropped(s: Session): void {
    const id = this.sessionIds.get(s);
    if (id === undefined || !this.tx()) return;
    for (const o of s.inflight.values()) this.outgoingRemoved(s, o);
    for (let i = s.queueHead; i < s.queue.length; i++) this.outgoingRemoved(s, s.queue[i]!);
    this.run(this.st.deleteSubs, id);
    this.run(this.st.deleteInbounds, id);
    this.run(this.st.deleteSession, id);
    this.sessionIds.delete(s);
  }

  subscriptionSaved(s: Session, sub: Subscription): void {
    const id = this.sessionIds.get(s);
    if (id === undefined || !this.tx()) return;
    this.run(
      this.st.upsertSub,
      id,
      sub.filter,
      sub.qos,
      sub.noLocal ? 1 : 0,
      sub.retainAsPublished ? 1 : 0,
      sub.retainHandling,
      sub.subId,
    );
  }

  subscriptionRemoved(s: Session, filter: string): void {
    const id = this.sessionIds.get(s);
    if (id === undefined || !this.tx()) return;
    this.run(this.st.deleteSub, id, filter);
  }

  outgoingSaved(s: Session, o: Outgoing): void {
    const id = this.sessionIds.get(s);
    if (id === undefined || !this.tx()) return;
    if (o.storeSeq) {
      this.run(this.st.updateOut, o.packetId, o.state, o.storeSeq);
      return;
    }
    const next = ++this.lastSeq;
    o.storeSeq = next;
    const subIds = o.subIds ? o.subIds.join(',') : null;
    this.run(
      this.st.insertOut,
      next,
      id,
      this.ref(o.msg),
      o.qos,
      o.retain ? 1 : 0,
      subIds,
      o.packetId,
      o.state,
    );
  }

  outgoingRemoved(_s: Session, o: Outgoing): void {
    const seq = o.storeSeq;
    if (!seq || !this.tx()) return;
    o.storeSeq = 0;
    this.outDeletes.push(seq);
    this.unref(o.msg);
  }

  inboundSaved(s: Session, packetId: number): void {
    const id = this.sessionIds.get(s);
    if (id === undefined || !this.tx()) return;
    this.run(this.st.insertInbound, id, packetId);
  }

  inboundRemoved(s: Session, packetId: number): void {
    const id = this.sessionIds.get(s);
    if (id === undefined || !this.tx()) return;
    this.run(this.st.deleteInbound, id, packetId);
  }

  retainedSaved(msg: Message): void {
    // $SYS statistics are published again by the broker itself; they are not kept
    if (msg.topic.startsWith('$SYS/') || !this.tx()) return;
    const prev = this.retainedMsgs.get(msg.topic);
    if (prev === msg) return;
    this.retainedMsgs.set(msg.topic, msg);
    this.run(this.st.upsertRetained, msg.topic, this.ref(msg));
    if (prev) this.unref(prev);
  }

  retainedRemoved(topic: string): void {
    const prev = this.retainedMsgs.get(topic);
    if (prev === undefined || !this.tx()) return;
    this.retainedMsgs.delete(topic);
    this.run(this.st.deleteRetained, topic);
    this.unref(prev);
  }

  private ref(m: Message): number {
    let r = this.msgs.get(m);
    if (r === undefined) {
      this.txHadMessage = true;
      r = { id: ++this.lastMsgId, refs: 0 };
      this.msgs.set(m, r);
      this.run(
        this.st.insertMsg,
        r.id,
        m.topic,
        m.payload,
        m.qos,
        m.retain ? 1 : 0,
        m.props ?? null,
        m.expiresAt,
        m.expiryInterval,
      );
    }
    r.refs++;
    return r.id;
  }

  private unref(m: Message): void {
    const r = this.msgs.get(m);
    if (r === undefined || --r.refs > 0) return;
    this.msgs.delete(m);
    this.msgDeletes.push(r.id);
  }

  // --- restore (persist/restore.ts): objects rebuilt from rows are bound to their rows ---

  adoptSession(s: Session, id: number): void {
    this.sessionIds.set(s, id);
  }

  adoptMessage(m: Message, id: number): void {
    this.msgs.set(m, { id, refs: 0 });
  }

  adoptOutgoing(o: Outgoing, seq: number): void {
    o.storeSeq = seq;
    const r = this.msgs.get(o.msg);
    if (r) r.refs++;
  }

  adoptRetained(m: Message): void {
    this.retainedMsgs.set(m.topic, m);
    const r = this.msgs.get(m);
    if (r) r.refs++;
  }

  /** Rows of messages no delivery or retained slot refers to (left by a crash mid-way: none expected). */
  dropUnreferenced(all: Iterable<[number, Message]>): number {
    let n = 0;
    for (const [id, m] of all) {
      if ((this.msgs.get(m)?.refs ?? 0) > 0) continue;
      this.msgs.delete(m);
      if (this.tx()) this.run(this.st.deleteMsg, id);
      n++;
    }
    return n;
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.heartbeat);
    try {
      this.commitNow();
    } finally {
      this.closed = true;
      const held = this.held;
      this.held = [];
      for (const c of held) c.releaseWrites();
      this.db.close();
    }
  }
}
