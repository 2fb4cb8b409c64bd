// What the broker's core (broker.ts, router.ts, session.ts, retained-delivery.ts) may see of a client
// connection: its identity and protocol level, its state, the limits the client announced, its will, and
// the few ways to write to it, pause it or close it. The packet handlers work on the whole Connection.
import type { Packet, ProtocolVersion } from '../../src/protocol/codec.ts';
import type { Session } from './session.ts';
import type { Transport } from './transport.ts';

export interface Will {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  props: Buffer | undefined;
  expiryInterval: number;
  delay: number;
}

export interface ClientLink {
  readonly state: 'new' | 'auth' | 'connected' | 'closing' | 'closed';
  readonly version: ProtocolVersion;
  readonly v5: boolean;
  readonly clientId: string;
  session: Session | undefined;
  will: Will | undefined;
  willOnClose: boolean;
  /** the accepted CONNECT (undefined once the connection has ended) */
  connectPacket: Packet | undefined;
  /** what the client announced (MQTT 5 CONNECT properties): Maximum Packet Size (0 = none), Topic Alias
   *  Maximum, Receive Maximum left (its send quota), and the aliases given to it so far */
  readonly clientMaxPacket: number;
  readonly clientAliasMax: number;
  sendQuota: number;
  outAliases: Map<string, number> | undefined;
  /** the byte stream: the bytes held for the client (output caps) and its address (logs) */
  readonly transport: Pick<Transport, 'buffered' | 'remote'>;
  write(buf: Buffer): void;
  /** a write counted against the output cap, `held` = what the caller saw buffered before it */
  writeHeld(buf: Buffer, held: number): void;
  /** publisher backpressure */
  pauseReading(): void;
  resumeReading(): void;
  /** the persistent store has committed what this client's held writes depend on: send them */
  releaseWrites(): void;
  closeWithError(reasonCode: number, reason: string): void;
  destroy(): void;
}
