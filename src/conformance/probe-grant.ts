// The part of capability detection a 3.1.1 CONNACK cannot tell: after an accepted CONNECT the probe subscribes at
// QoS 2 to a private topic and reads the grant (its maximum QoS), then publishes a burst of QoS 1 messages to that
// topic and, never acknowledging the deliveries, counts how many the broker keeps in flight at once.
import type { Packet } from '../protocol/codec.ts';

/** QoS 1 messages the probe publishes to itself. */
const PROBE_BURST = 25;
/** Quiet time after the last PUBACK and delivery before the count is taken. */
const PROBE_SETTLE_MS = 300;

export class GrantProbe {
  granted: number | undefined;
  deliveries = 0;
  private pubacks = 0;
  private quiet: NodeJS.Timeout | undefined;
  /** Set once there is nothing more to learn (no usable grant, or the burst settled). */
  finished = false;

  constructor(
    private readonly send: (p: Record<string, unknown>) => void,
    /** Only [a-z0-9] and '/': the probe's own client id under crucible/. */
    private readonly topic: string,
    private readonly onDone: () => void,
  ) {}

  start(): void {
    this.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: this.topic, qos: 2 }] });
  }

  /** Handles SUBACK, deliveries and PUBACKs of the probe; false for any other packet. */
  onPacket(p: Packet): boolean {
    if (p.cmd === 'suback') {
      const g = (p as { granted?: number[] }).granted?.[0];
      if (typeof g === 'number' && g <= 2) this.granted = g;
      if (g === undefined || g < 1 || g > 2) return this.done();
      for (let i = 1; i <= PROBE_BURST; i++)
        this.send({ cmd: 'publish', topic: this.topic, qos: 1, messageId: i, payload: 'x' });
      return true;
    }
    if (this.granted === undefined || this.granted < 1) return false;
    if (p.cmd === 'publish') this.deliveries++;
    else if (p.cmd === 'puback') this.pubacks++;
    else return false;
    // every PUBACK back, then no delivery for PROBE_SETTLE_MS: what arrived is what the broker sends unacknowledged
    if (this.pubacks >= PROBE_BURST) {
      if (this.quiet) clearTimeout(this.quiet);
      this.quiet = setTimeout(() => this.done(), this.deliveries >= PROBE_BURST ? 0 : PROBE_SETTLE_MS);
    }
    return true;
  }

  /** What was learned: the grant, and the deliveries in flight when a burst was sent. */
  result(): { granted?: number; inflight?: number } {
    if (this.granted === undefined) return {};
    return this.granted >= 1
      ? { granted: this.granted, inflight: this.deliveries }
      : { granted: this.granted };
  }

  stop(): void {
    if (this.quiet) clearTimeout(this.quiet);
  }

  private done(): true {
    this.finished = true;
    this.stop();
    this.onDone();
    return true;
  }
}
