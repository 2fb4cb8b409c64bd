// Does the broker under test meet a case's `requires`? Unmet -> not applicable, with the reason.
import type { CaseSpec } from '../scenario/model.ts';
import type { Capabilities } from './capabilities.ts';

export type Profile = Record<string, unknown>;

/** Returns undefined when every requirement holds, else a one-line reason. */
export function unmetRequirement(spec: CaseSpec, caps: Capabilities, profile: Profile): string | undefined {
  // Implicit: the protocol version of the case (and of each client) must be spoken by the broker.
  const versions = new Set([
    spec.version,
    ...Object.values(spec.clients).map((c) => c.version ?? spec.version),
  ]);
  for (const v of versions) {
    if (v === '5.0' && !caps.mqtt5) return 'broker does not accept MQTT 5.0 connections';
    if ((v === '3.1.1' || v === '3.1') && !caps.mqtt311)
      return 'broker does not accept MQTT 3.1.1 connections';
  }
  if (usesWebSocket(spec) && !caps.ws)
    return 'no WebSocket endpoint known (give --ws-url or urls.ws in the profile)';
  for (const [key, want] of Object.entries(spec.requires)) {
    if (key === 'profile') {
      if (!want || typeof want !== 'object') return 'requires.profile must be a map';
      for (const [pk, pv] of Object.entries(want as Record<string, unknown>)) {
        const have = getPath(profile, pk);
        if (!satisfies(have, pv)) return `profile ${pk} is ${show(have)}, case needs ${show(pv)}`;
      }
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

/** Equality, or a predicate object ($gte, $lte, $range, $in, $present, $absent, $not); a map is matched partially. */
export function satisfies(have: unknown, want: unknown): boolean {
  if (want && typeof want === 'object' && !Array.isArray(want)) {
    const entries = Object.entries(want as Record<string, unknown>);
    if (entries.length === 1 && entries[0]![0].startsWith('$')) {
      const [op, arg] = entries[0]!;
      switch (op) {
        case '$present':
          return (have !== undefined && have !== null) === Boolean(arg);
        case '$absent':
          return (have === undefined || have === null) === Boolean(arg);
        case '$gte':
          return typeof have === 'number' && have >= Number(arg);
        case '$lte':
          return typeof have === 'number' && have <= Number(arg);
        case '$range':
          return (
            Array.isArray(arg) && typeof have === 'number' && have >= Number(arg[0]) && have <= Number(arg[1])
          );
        case '$in':
          return Array.isArray(arg) && arg.some((a) => satisfies(have, a));
        case '$not':
          return !satisfies(have, arg);
        default:
          return false;
      }
    }
    if (!have || typeof have !== 'object') return false;
    return entries.every(([k, v]) => satisfies((have as Record<string, unknown>)[k], v));
  }
  if (want === true && have !== undefined && have !== null && typeof have === 'object') return true;
  return have === want;
}

function show(v: unknown): string {
  return v === undefined ? 'not set' : JSON.stringify(v);
}
