// Outgoing QoS 1/2 messages of one load client awaiting acknowledgement. For persistent sessions it also keeps
// each PUBLISH's bytes (a view into the batch buffer it was written from, never copied on the hot path) so that
// after a reconnect with a resumed session they are sent again as a real client must: PUBLISH with DUP=1 and the
// same packet identifier for those not yet acknowledged (PUBACK / PUBREC), PUBREL for QoS 2 messages past PUBREC,
// each in the order of the original sends [MQTT-4.4.0-1, MQTT-4.6.0-1, MQTT-4.6.0-3] (3.1.1: MQTT-4.4.0-1 too).
// Bounded by the packet identifiers in flight: at most the broker's Receive Maximum (<= 65,535) per client.

export class Outbound {
  /** packet id -> time the PUBLISH was first sent (common clock ms), in send order. */
  private readonly sentAt = new Map<number, number>();
  /** packet id -> the PUBLISH bytes (persistent sessions only). */
  private readonly frames: Map<number, Buffer> | undefined;
  /** QoS 2 packet ids past PUBREC (awaiting PUBCOMP), in PUBREC order. */
  private readonly released = new Set<number>();

  constructor(readonly keep: boolean) {
    if (keep) this.frames = new Map();
  }

  get size(): number {
    return this.sentAt.size;
  }

  has(pid: number): boolean {
    return this.sentAt.has(pid);
  }

  add(pid: number, now: number, frame: Buffer | undefined): void {
    this.sentAt.set(pid, now);
    if (this.frames && frame) this.frames.set(pid, frame);
  }

  /** PUBACK / PUBCOMP: the message is done. Returns its first send time, or undefined for an unknown id. */
  complete(pid: number): number | undefined {
    const t = this.sentAt.get(pid);
    if (t === undefined) return undefined;
    this.sentAt.delete(pid);
    this.frames?.delete(pid);
    this.released.delete(pid);
    return t;
  }

  /** PUBREC: the broker owns the message; from now on only PUBREL is resent [MQTT-4.3.3-3]. */
  pubrec(pid: number): boolean {
    if (!this.sentAt.has(pid)) return false;
    this.frames?.delete(pid);
    this.released.add(pid);
    return true;
  }

  /** PUBREC with an error reason code (MQTT 5): the exchange ends there. */
  drop(pid: number): void {
    this.complete(pid);
  }

  /**
   * What to send again when the session resumes: PUBLISH with DUP set (copied, the original bytes may still sit in
   * a socket buffer) and PUBREL. Returns the bytes and how many of each.
   */
  resend(): { bytes: Buffer; publishes: number; pubrels: number } | undefined {
    if (!this.frames || this.sentAt.size === 0) return undefined;
    const parts: Buffer[] = [];
    let publishes = 0;
    for (const [pid, frame] of this.frames) {
      if (this.released.has(pid)) continue;
      const copy = Buffer.from(frame);
      copy[0] = (copy[0] as number) | 0x08; // DUP [MQTT-3.3.1-1]
      parts.push(copy);
      publishes++;
    }
    for (const pid of this.released) parts.push(Buffer.from([0x62, 0x02, pid >> 8, pid & 0xff]));
    return { bytes: Buffer.concat(parts), publishes, pubrels: this.released.size };
  }

  /** The session is gone (clean start, or the broker had none): returns how many were abandoned. */
  clear(): number {
    const n = this.sentAt.size;
    this.sentAt.clear();
    this.frames?.clear();
    this.released.clear();
    return n;
  }
}
