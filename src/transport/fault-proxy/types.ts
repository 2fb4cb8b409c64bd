// The faults a link can suffer, as the proxy applies them. The scenario and load-profile formats spell the same
// shapes (docs/scenario-format.md, docs/load-profiles.md); the engine and the load generator pass them through.

export type { LinkFault } from '../../common/link-faults.ts';

import type { FaultDirection, FaultType, LinkFault } from '../../common/link-faults.ts';

/** Faults that last until healed (or until their `for` ends); the others act once. */
export const LASTING_FAULTS: readonly FaultType[] = ['latency', 'bandwidth', 'slice', 'blackhole', 'down'];

/** The lasting faults in force for one key (or for the whole proxy). */
export interface FaultState {
  latency?: Extract<LinkFault, { type: 'latency' }>;
  bandwidth?: Extract<LinkFault, { type: 'bandwidth' }>;
  slice?: Extract<LinkFault, { type: 'slice' }>;
  blackhole?: Extract<LinkFault, { type: 'blackhole' }>;
  down?: boolean;
}

export function acts(direction: FaultDirection, dir: 'toBroker' | 'toClient'): boolean {
  return direction === 'both' || direction === dir;
}
