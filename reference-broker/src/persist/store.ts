// What the broker tells its store about state that must survive a restart. The default store is
// memory only: every method is empty, so the broker without persistence does no extra work. The
// SQLite store (sqlite.ts) writes each change into the open transaction of the current event-loop
// turn and commits once per turn; everything the broker writes to its clients in that turn is held
// until the commit (holdWrites), so no PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK or delivery reaches
// a peer before the state it reports is stored.
import type { ClientLink as Connection, Will } from '../client-link.ts';
import type { Message } from '../message.ts';
import type { Outgoing, Session, Subscription } from '../session.ts';

export interface Store {
  /** true when state survives a restart (writes are then held until their commit) */
  readonly durable: boolean;
  /**
   * The session's record: created or updated at CONNECT and when its connection ends. will = the
   * will still to publish; willAt = when (ms), 0 = when the connection closes without DISCONNECT.
   * A session with Session Expiry 0 is not stored (and forgotten if it was).
   */
  sessionSaved(s: Session, will: Will | undefined, willAt: number): void;
  /** The session ended (expiry, Clean Start, session expiry 0): its whole record goes. */
  sessionDropped(s: Session): void;
  subscriptionSaved(s: Session, sub: Subscription): void;
  subscriptionRemoved(s: Session, filter: string): void;
  /** A QoS 1/2 delivery was queued, sent (packet id assigned) or released (PUBREC received). */
  outgoingSaved(s: Session, o: Outgoing): void;
  /** A delivery ended: acknowledged, refused by PUBREC >= 0x80, expired or too large to send. */
  outgoingRemoved(s: Session, o: Outgoing): void;
  /** Packet id of an incoming QoS 2 PUBLISH acknowledged with PUBREC, until PUBREL. */
  inboundSaved(s: Session, packetId: number): void;
  inboundRemoved(s: Session, packetId: number): void;
  retainedSaved(msg: Message): void;
  retainedRemoved(topic: string): void;
  /** Durable stores: the connection's writes of this turn leave after the commit. */
  holdWrites(conn: Connection): void;
  /** Commits now (before a connection is closed with its last writes flushed). */
  commitNow(): void;
  close(): void;
}

const nothing = (): void => {};

/** Memory only (the default): nothing to store, nothing held. */
export const MEMORY_STORE: Store = {
  durable: false,
  sessionSaved: nothing,
  sessionDropped: nothing,
  subscriptionSaved: nothing,
  subscriptionRemoved: nothing,
  outgoingSaved: nothing,
  outgoingRemoved: nothing,
  inboundSaved: nothing,
  inboundRemoved: nothing,
  retainedSaved: nothing,
  retainedRemoved: nothing,
  holdWrites: nothing,
  commitNow: nothing,
  close: nothing,
};
