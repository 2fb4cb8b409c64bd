// The faults a link can suffer, as the fault proxy (src/transport/fault-proxy) applies them and as scenarios
// (`fault:` steps) and load profiles (`faults:` entries) spell them: one definition for the parser and the
// proxy. A leaf module of types and names.

/** Which way the fault acts: bytes going to the broker, bytes coming back to the client, or both. */
export type FaultDirection = 'toBroker' | 'toClient' | 'both';

export type LinkFault =
  /** Every chunk is held `latencyMs` ± a uniform `jitterMs` (order is kept, as TCP keeps it). */
  | { type: 'latency'; latencyMs: number; jitterMs: number; direction: FaultDirection }
  /** At most `bytesPerSec` bytes per second. */
  | { type: 'bandwidth'; bytesPerSec: number; direction: FaultDirection }
  /** Bytes go out in separate writes of at most `size` bytes, `delayMs` apart (separate TCP segments). */
  | { type: 'slice'; size: number; delayMs: number; direction: FaultDirection }
  /** Nothing is forwarded and nothing is closed: a silent partition. Reading stops once 1 MB is held, so the
   *  sender's TCP window fills as it would on a real dead link. Healing forwards what was held. */
  | { type: 'blackhole'; direction: FaultDirection }
  /** Both sockets are closed with a TCP RST (no FIN, no DISCONNECT): a cut link. */
  | { type: 'reset' }
  /** A FIN goes to one side (`broker`: the broker sees the client's end of stream), the other way keeps flowing. */
  | { type: 'halfClose'; side: 'broker' | 'client' }
  /** Links are closed and new ones are refused (accepted, then reset) until healed. */
  | { type: 'down' }
  /** Ends every lasting fault (latency, bandwidth, slice, blackhole, down). */
  | { type: 'heal' };

export type FaultType = LinkFault['type'];

export const FAULT_TYPES: readonly FaultType[] = [
  'latency',
  'bandwidth',
  'slice',
  'blackhole',
  'reset',
  'halfClose',
  'down',
  'heal',
];
