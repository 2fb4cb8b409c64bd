// Does the broker under test meet a case's `requires`? Unmet -> not applicable, with the reason.
import { matchValue } from '../engine/matcher.ts';
import type { CaseSpec } from '../scenario/model.ts';
import type { Capabilities } from './capabilities.ts';

type Profile = Record<string, unknown>;

/** Returns undefined when every requirement holds, else a one-line reason. */
export function unmetRequirement(spec: CaseSpec, caps: Capabilities, profile: Profile): string | undefined {
  // Implicit: the protocol version of the case (and of each client) must be spoken by the broker.
  const versions = new Set([
    spec.version,
    ...Object.values(spec.clients).map((c) => c.version ?? spec.version),
  ]);
  for (const v of versions) {
    if (v === '5.0' && !caps.mqtt5) return 'broker does not accept MQTT 5.0 connections';
    if (v === '3.1.1' && !caps.mqtt311) return 'broker does not accept MQTT 3.1.1 connections';
    // a broker that answers an MQIsdp level 3 CONNECT with "unacceptable protocol version" or a close
    if (v === '3.1' && !caps.mqtt31) return 'broker does not speak MQTT 3.1 (MQIsdp, level 3): probe refused';
  }
  if (usesWebSocket(spec) && !caps.ws)
    return 'no WebSocket endpoint known (give --ws-url or urls.ws in the profile)';
  for (const [key, want] of Object.entries(spec.requires)) {
    if (key === 'profile') {
      if (!want || typeof want !== 'object') return 'requires.profile must be a map';
      for (const [pk, pv] of Object.entries(want as Record<string, unknown>)) {
        const have = getPath(profile, pk);
        if (satisfies(have, pv)) continue;
        const why = getPath(profile, `reasons.${pk}`);
        if (have === false && typeof why === 'string') return `the profile opts out (${pk}: false): ${why}`;
        return `profile ${pk} is ${show(have)}, case needs ${show(pv)}`;
      }
      continue;
    }
    // 3.1.1 and 3.1 cases: the maximum QoS detected from a QoS 2 SUBSCRIBE's grant (no CONNACK property there)
    const v3 = spec.version !== '5.0';
    const pinned = (profile.features as Record<string, unknown> | undefined)?.maximumQoS !== undefined;
    if (key === 'maximumQoS' && v3 && !pinned && caps.mqtt311MaximumQoS !== undefined) {
      const have = caps.mqtt311MaximumQoS;
      if (!satisfies(have, want))
        return `broker grants QoS ${have} at most (3.1.1: a QoS 2 SUBSCRIBE was granted ${have}), case needs maximumQoS ${show(want)}`;
      continue;
    }
    const have = (caps as unknown as Record<string, unknown>)[key];
    if (!satisfies(have, want)) return `broker ${key} is ${show(have)}, case needs ${show(want)}`;
  }
  return undefined;
}

function usesWebSocket(spec: CaseSpec): boolean {
  if (Object.values(spec.clients).some((c) => c.transport === 'ws')) return true;
  const walk = (steps: CaseSpec['steps']): boolean =>
    steps.some(
      (s) =>
        ((s.action.kind === 'connect' || s.action.kind === 'open') && s.action.transport === 'ws') ||
        (s.action.kind === 'parallel' && s.action.branches.some(walk)),
    );
  return walk(spec.steps);
}

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The engine's matching (equality, partial maps, predicates such as $gte, $range, $in, $present); `true` also
 *  accepts any map, so `profile: { auth: true }` means "the profile names a user". */
export function satisfies(have: unknown, want: unknown): boolean {
  if (want === true && have !== null && typeof have === 'object') return true;
  return matchValue(want, have) === undefined;
}

function show(v: unknown): string {
  return v === undefined ? 'not set' : JSON.stringify(v);
}
