// Session state (MQTT 4.1): subscriptions, outgoing QoS 1/2 in flight, queued messages, and the
// packet ids of incoming QoS 2 messages whose PUBREL has not arrived yet.
import type { ClientLink as Connection } from './client-link.ts';
import type { Message } from './message.ts';
import type { PendingRetained } from './retained-delivery.ts';

export interface Subscription {
  session: Session;
  /** the filter as subscribed (with $share/group/ prefix when shared) */
  filter: string;
  /** the part that is matched against topics */
  topicFilter: string;
  shareGroup: string | undefined;
  qos: 0 | 1 | 2;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
  /** 0 = none */
  subId: number;
  /** deliveries are checked against the subscribe ACL one by one (auth/acl.ts) */
  aclCheck: boolean;
  aclCache: Map<string, boolean> | undefined;
}

/** One delivery to one session: queued, or in flight awaiting PUBACK / PUBREC / PUBCOMP. */
export interface Outgoing {
  msg: Message;
  qos: 0 | 1 | 2;
  retain: boolean;
  subIds: number[] | undefined;
  packetId: number;
  /** 0 = PUBLISH sent, awaiting PUBACK/PUBREC; 1 = PUBREL sent, awaiting PUBCOMP */
  state: 0 | 1;
  /** its row in a persistent store (persist/sqlite.ts); 0 or absent = not stored */
  storeSeq?: number;
}

export const NEVER_EXPIRES = 0xffffffff;

export class Session {
  conn: Connection | undefined;
  readonly subs = new Map<string, Subscription>();
  readonly inflight = new Map<number, Outgoing>();
  /** FIFO queue with a moving head (no shift()). */
  queue: Outgoing[] = [];
  queueHead = 0;
  /** payload + topic bytes of the queued messages (bounded by maxQueuedBytes) */
  queuedBytes = 0;
  /** retained messages still to be sent for new subscriptions, oldest subscription first */
  pendingRetained: PendingRetained[] = [];
  readonly inboundQos2 = new Set<number>();
  private nextId = 1;
  /** seconds; NEVER_EXPIRES = kept forever; 0 = ends with the connection */
  expiryInterval = 0;
  /** ms timestamp when an offline session expires; 0 = n/a */
  expiresAt = 0;
  /** ends the offline session at expiresAt (broker.armExpiry) */
  expiryTimer: NodeJS.Timeout | undefined;
  /** per-publish dedupe scratch for overlapping subscriptions */
  matchGen = 0;
  matchIndex = 0;
  dropped = 0;
  /** when the client last acknowledged a delivery (backpressure only waits for clients that do) */
  lastAck = 0;
  /** a delayed pump is pending (router.pumpLater) */
  pumpScheduled = false;

  constructor(
    readonly clientId: string,
    public version: 3 | 4 | 5,
    /** the user who created the session: with authentication on, only that user resumes or takes it over */
    public user: string | undefined = undefined,
  ) {}

  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /** Queues a delivery unless the queue holds max messages or maxBytes (-1 = no byte limit). */
  enqueue(o: Outgoing, max: number, maxBytes = -1): boolean {
    const bytes = o.msg.payload.length + o.msg.topicBuf.length;
    if (this.queued >= max || (maxBytes >= 0 && this.queuedBytes + bytes > maxBytes)) {
      this.dropped++;
      return false;
    }
    this.queue.push(o);
    this.queuedBytes += bytes;
    return true;
  }

  dequeue(): Outgoing | undefined {
    if (this.queueHead >= this.queue.length) return undefined;
    const o = this.queue[this.queueHead]!;
    this.queue[this.queueHead] = undefined as unknown as Outgoing;
    this.queueHead++;
    this.queuedBytes -= o.msg.payload.length + o.msg.topicBuf.length;
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return o;
  }

  /** Next free packet id for an outgoing PUBLISH (MQTT-2.2.1-2: not in use). */
  allocPacketId(): number {
    for (let n = 0; n < 65535; n++) {
      const id = this.nextId;
      this.nextId = id === 65535 ? 1 : id + 1;
      if (!this.inflight.has(id)) return id;
    }
    return 0;
  }

  clearState(): void {
    this.subs.clear();
    this.inflight.clear();
    this.queue = [];
    this.queueHead = 0;
    this.queuedBytes = 0;
    this.pendingRetained = [];
    this.inboundQos2.clear();
  }
}
