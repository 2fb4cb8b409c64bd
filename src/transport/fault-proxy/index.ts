// The fault proxy: links between the harness and a broker that suffer latency, bandwidth limits, slicing,
// black holes, resets, half-closes and downtime on demand.
export {
  FaultProxy,
  type FaultProxyOptions,
  Link,
  type LinkKey,
  MAX_LINKS,
  startFaultProxy,
} from './proxy.ts';
export {
  acts,
  FAULT_TYPES,
  type FaultDirection,
  type FaultType,
  LASTING_FAULTS,
  type LinkFault,
} from './types.ts';
