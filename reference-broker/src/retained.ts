// Retained messages: one per topic (MQTT-3.3.1-5), removed by an empty retained payload
// (MQTT-3.3.1-6/-7) or by message expiry. The store is bounded (maxRetainedMessages,
// maxRetainedBytes): a retained PUBLISH that does not fit is not stored. Subscribers read it through
// cursors that walk the store lazily, so a subscription matching many retained messages costs no
// per-message memory while they are sent as the client's window allows.
import type { Message } from './message.ts';
import { topicMatches } from './topics.ts';

interface Entry {
  msg: Message;
  /** store order: a cursor serves only entries stored before it was opened */
  seq: number;
  bytes: number;
}

/** Bytes a retained message is accounted for (payload, topic and forwarded properties). */
export function retainedBytes(msg: Message): number {
  return msg.payload.length + msg.topicBuf.length + (msg.props?.length ?? 0);
}

export class RetainedStore {
  private readonly map = new Map<string, Entry>();
  private seq = 0;
  /** sum of retainedBytes over the stored messages */
  bytes = 0;
  /** retained PUBLISHes not stored because the store was full */
  refused = 0;

  /** maxCount / maxBytes: -1 = unlimited */
  constructor(
    private readonly maxCount = -1,
    private readonly maxBytes = -1,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Stores msg as its topic's retained message; false (not stored, counted) when over a limit. */
  set(msg: Message): boolean {
    const old = this.map.get(msg.topic);
    const bytes = retainedBytes(msg);
    const count = this.map.size + (old ? 0 : 1);
    const total = this.bytes - (old?.bytes ?? 0) + bytes;
    if ((this.maxCount >= 0 && count > this.maxCount) || (this.maxBytes >= 0 && total > this.maxBytes)) {
      this.refused++;
      return false;
    }
    // a replaced topic moves to the end, so open cursors never serve the new message as an old one
    if (old) this.map.delete(msg.topic);
    this.map.set(msg.topic, { msg, seq: ++this.seq, bytes });
    this.bytes = total;
    return true;
  }

  delete(topic: string): void {
    const e = this.map.get(topic);
    if (!e) return;
    this.map.delete(topic);
    this.bytes -= e.bytes;
  }

  /** A cursor over the retained messages matching filter as they are now. */
  cursor(filter: string, dollarWildcard: boolean): RetainedCursor {
    return new RetainedCursor(this, filter, dollarWildcard, this.seq);
  }

  /** @internal */
  get(topic: string): Entry | undefined {
    return this.map.get(topic);
  }

  /** @internal */
  entries(): IterableIterator<[string, Entry]> {
    return this.map.entries();
  }
}

/**
 * The retained messages one new subscription still has to receive. It serves each message stored
 * before it was opened once, skipping those replaced, deleted or expired since (a replacement
 * reaches the subscriber as a live message instead).
 */
export class RetainedCursor {
  private readonly exact: boolean;
  private it: IterableIterator<[string, Entry]> | undefined;
  private done = false;
  private held: Message | undefined;

  constructor(
    private readonly store: RetainedStore,
    readonly filter: string,
    private readonly dollarWildcard: boolean,
    private readonly upTo: number,
  ) {
    this.exact = !filter.includes('+') && !filter.includes('#');
  }

  /** The next message to send (the same one again until take() is called); now 0 = no expiry. */
  peek(now: number): Message | undefined {
    if (this.held) return this.held;
    while (!this.done) {
      const e = this.advance();
      if (e === undefined) break;
      if (e.seq > this.upTo) continue;
      const m = e.msg;
      if (now !== 0 && m.expiresAt !== 0 && m.expiresAt <= now) {
        this.store.delete(m.topic); // expired: never served again
        continue;
      }
      this.held = m;
      return m;
    }
    this.done = true;
    return undefined;
  }

  take(): void {
    this.held = undefined;
  }

  private advance(): Entry | undefined {
    if (this.exact) {
      this.done = true;
      return this.store.get(this.filter);
    }
    this.it ??= this.store.entries();
    for (;;) {
      const r = this.it.next();
      if (r.done) return undefined;
      if (topicMatches(this.filter, r.value[0], this.dollarWildcard)) return r.value[1];
    }
  }
}
