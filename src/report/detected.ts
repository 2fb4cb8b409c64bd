// What a conformance run detected about each broker, why cases were not applicable, and the allowed variations
// seen: shared by the console summary, summary.md and the HTML overview (its client bundles this file, so it stays
// pure: no Node imports).
import type { BrokerInfo, CaseResult } from '../results/model.ts';

const LABELS: Array<[key: string, label: string]> = [
  ['mqtt5', 'MQTT 5.0'],
  ['mqtt311', 'MQTT 3.1.1'],
  ['ws', 'WebSocket'],
  ['maximumQoS', 'maximum QoS (5.0)'],
  ['mqtt311MaximumQoS', 'maximum QoS granted (3.1.1)'],
  ['retainAvailable', 'retain'],
  ['wildcardSubscriptionAvailable', 'wildcard subscriptions'],
  ['sharedSubscriptionAvailable', 'shared subscriptions'],
  ['subscriptionIdentifiersAvailable', 'subscription identifiers'],
  ['receiveMaximum', 'receive maximum'],
  ['topicAliasMaximum', 'topic alias maximum'],
  ['maximumPacketSize', 'maximum packet size'],
  ['serverKeepAlive', 'server keep alive'],
  ['inflightDeliveries', 'deliveries in flight'],
];

/** The probe's burst (src/conformance/probe-grant.ts): that many deliveries in flight means "at least". */
const PROBE_BURST_SHOWN = 25;

function show(v: unknown): string {
  if (v === true) return 'yes';
  if (v === false) return 'no';
  return v === undefined || v === null ? 'not announced' : String(v);
}

/** One "label value" pair per capability, `(profile)` after those the profile's `features:` set. */
export function capabilityPairs(b: BrokerInfo): Array<[string, string]> {
  const caps = b.capabilities ?? {};
  const features = (b.profile?.features ?? {}) as Record<string, unknown>;
  return LABELS.filter(([k]) => k in caps || k in features).map(([k, label]) => [
    label,
    `${show(caps[k])}${k === 'inflightDeliveries' && Number(caps[k]) >= PROBE_BURST_SHOWN ? ' or more' : ''}${k in features ? ' (profile)' : ''}`,
  ]);
}

export function capabilityLine(b: BrokerInfo): string {
  return capabilityPairs(b)
    .map(([l, v]) => `${l} ${v}`)
    .join(', ');
}

export interface ReasonGroup {
  broker: string;
  reason: string;
  ids: string[];
}

/** Not-applicable cases grouped by broker and reason, largest group first. */
export function notApplicableGroups(cases: readonly CaseResult[]): ReasonGroup[] {
  const map = new Map<string, ReasonGroup>();
  for (const c of cases) {
    if (c.outcome !== 'not-applicable') continue;
    const reason = c.reason ?? 'no reason recorded';
    const key = `${c.broker}\u0000${reason}`;
    const g = map.get(key) ?? { broker: c.broker, reason, ids: [] };
    g.ids.push(`${c.version} ${c.id}`);
    map.set(key, g);
  }
  return [...map.values()].sort((a, b) => b.ids.length - a.ids.length || a.reason.localeCompare(b.reason));
}

/** Allowed variations (e.g. a lower granted QoS), one entry per case. */
export function variationEntries(cases: readonly CaseResult[]): Array<{ c: CaseResult; notes: string[] }> {
  return cases.filter((c) => c.variations?.length).map((c) => ({ c, notes: c.variations ?? [] }));
}

/** "a, b, c and 4 more" */
export function someIds(ids: readonly string[], max = 3): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}
