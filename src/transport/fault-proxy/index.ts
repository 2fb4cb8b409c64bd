// The fault proxy: links between the harness and a broker that suffer latency, bandwidth limits, slicing,
// black holes, resets, half-closes and downtime on demand.
export { FaultProxy, startFaultProxy } from './proxy.ts';
