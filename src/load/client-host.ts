// What a lean client needs from the worker that runs it: counters, the broker, scratch objects shared by
// the worker's clients, and the callbacks of connection settling, loss and read batching.
import type { LeanClient } from './client.ts';
import type { Via } from './dial.ts';
import type { DecodedHeader } from './payload.ts';
import type { WorkerStats } from './stats.ts';
import type { InboundPublish } from './wire.ts';

export interface ClientHost {
  readonly stats: WorkerStats;
  readonly brokerUrl: URL;
  /** Source addresses to rotate over (loopback brokers only), else empty. */
  readonly localAddresses: string[];
  readonly scratchPublish: InboundPublish;
  readonly scratchHeader: DecodedHeader;
  /** Called once per connection attempt when it settles (ready = CONNACK ok and SUBACK received). */
  settled(c: LeanClient, ok: boolean): void;
  /** Read batching window (ms, 0 = off) and the clients paused until the next window. */
  readonly readBatchMs: number;
  readonly pausedReads: LeanClient[];
  lost(c: LeanClient): void;
  /** Largest inbound frame accepted; a larger one closes the connection (counted as an error). */
  readonly maxInboundPacket: number;
  /** The fault proxy this client's connections go through (fault phases), if any. */
  via(c: LeanClient): Via | undefined;
}
