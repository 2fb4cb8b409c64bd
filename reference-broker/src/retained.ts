// Retained messages: one per topic (MQTT-3.3.1-5), removed by an empty retained payload
// (MQTT-3.3.1-6/-7) or by message expiry.
import type { Message } from './message.ts';
import { topicMatches } from './topics.ts';

export class RetainedStore {
  private readonly map = new Map<string, Message>();

  get size(): number {
    return this.map.size;
  }

  set(msg: Message): void {
    this.map.set(msg.topic, msg);
  }

  delete(topic: string): void {
    this.map.delete(topic);
  }

  /** Live (unexpired) retained messages matching filter; expired ones are dropped on the way. */
  matching(filter: string, now: number, dollarWildcard: boolean): Message[] {
    const out: Message[] = [];
    const exact = !filter.includes('+') && !filter.includes('#');
    if (exact) {
      const m = this.map.get(filter);
      if (m) {
        if (m.expiresAt !== 0 && m.expiresAt <= now) this.map.delete(filter);
        else out.push(m);
      }
      return out;
    }
    for (const [topic, m] of this.map) {
      if (!topicMatches(filter, topic, dollarWildcard)) continue;
      if (m.expiresAt !== 0 && m.expiresAt <= now) {
        this.map.delete(topic);
        continue;
      }
      out.push(m);
    }
    return out;
  }
}
