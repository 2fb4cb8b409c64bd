// Load profile chaos: `faults:` (scheduled network faults through the fault proxy), `restarts:` (a user command,
// e.g. a broker restart, then a bounded wait for the broker) and each group's `reconnect:`. Every problem is
// reported at its field. Documented in docs/load-profiles.md (Faults and restarts).
import { LASTING_KINDS, parseFault } from '../faults.ts';
import type { FaultPhaseSpec, GroupSpec, ReconnectSpec, RestartSpec } from './model.ts';
import type { Reader } from './values.ts';

type Path = Array<string | number>;

const FAULT_KEYS = ['name', 'at', 'for', 'every', 'until', 'groups', 'fraction', 'fault'];
const RESTART_KEYS = ['name', 'at', 'command', 'timeout', 'wait'];
/** Upper bound on how often a repeated fault fires (a run of hours at `every: 10ms` stays bounded). */
const MAX_FAULT_OCCURRENCES = 100_000;

/** `reconnect: true | false | { backoff: 100ms, max: 5s }`; default on for persistent sessions. */
export function readReconnect(r: Reader, at: Path, clean: boolean): ReconnectSpec {
  const spec: ReconnectSpec = { enabled: !clean, backoffMs: 100, maxMs: 5000 };
  const v = r.get(at);
  if (v === undefined) return spec;
  if (typeof v === 'boolean') return { ...spec, enabled: v };
  if (!r.object(at, ['enabled', 'backoff', 'max'])) return spec;
  spec.enabled = r.bool([...at, 'enabled']) ?? true;
  spec.backoffMs = r.duration([...at, 'backoff'], false) ?? spec.backoffMs;
  spec.maxMs = r.duration([...at, 'max'], false) ?? Math.max(spec.maxMs, spec.backoffMs);
  if (spec.backoffMs < 1) r.problem([...at, 'backoff'], 'backoff is at least 1ms');
  if (spec.maxMs < spec.backoffMs) r.problem([...at, 'max'], 'max must not be below backoff');
  return spec;
}

function groupList(r: Reader, at: Path, names: Set<string>): string[] | undefined {
  const gl = r.array(at, false);
  if (!gl) return undefined;
  const out: string[] = [];
  gl.forEach((_, j) => {
    const n = r.string([...at, j], true);
    if (n === undefined) return;
    if (!names.has(n)) r.problem([...at, j], `no group named '${n}'`, `groups: ${[...names].join(', ')}`);
    out.push(n);
  });
  return out;
}

export function readFaults(r: Reader, names: Set<string>, durationMs: number): FaultPhaseSpec[] {
  const out: FaultPhaseSpec[] = [];
  const seen = new Set<string>();
  r.array(['faults'], false)?.forEach((_, i) => {
    const at: Path = ['faults', i];
    if (!r.object(at, FAULT_KEYS)) return;
    const name = r.string([...at, 'name'], false) ?? `fault${i + 1}`;
    if (seen.has(name)) r.problem([...at, 'name'], `duplicate fault name '${name}'`);
    seen.add(name);
    if (!r.has([...at, 'fault'])) {
      r.problem(at, 'a fault phase needs `fault:`', 'e.g. fault: reset, or fault: { type: blackhole }');
      return;
    }
    const fault = parseFault(r.get([...at, 'fault']), [...at, 'fault'], r);
    const p: FaultPhaseSpec = {
      name,
      fault: fault ?? { type: 'heal' },
      atMs: r.duration([...at, 'at'], true) ?? 0,
      fraction: r.factor([...at, 'fraction']) ?? 1,
    };
    if (p.fraction > 1) r.problem([...at, 'fraction'], 'fraction is at most 100%');
    const forMs = r.duration([...at, 'for'], false);
    if (forMs !== undefined) {
      if (fault && !LASTING_KINDS.includes(fault.type))
        r.problem([...at, 'for'], `'for' applies to lasting faults only (${LASTING_KINDS.join(', ')})`);
      p.forMs = forMs;
    }
    const every = r.duration([...at, 'every'], false);
    const until = r.duration([...at, 'until'], false);
    if (every !== undefined) {
      if (every < 1) r.problem([...at, 'every'], 'every is at least 1ms');
      p.everyMs = every;
      p.untilMs = until ?? durationMs;
      if (forMs !== undefined && forMs > every)
        r.problem([...at, 'for'], `for (${forMs} ms) is longer than every (${every} ms)`);
      if ((p.untilMs - p.atMs) / Math.max(1, every) > MAX_FAULT_OCCURRENCES)
        r.problem([...at, 'every'], `more than ${MAX_FAULT_OCCURRENCES} occurrences`, 'space them out');
    } else if (until !== undefined) r.problem([...at, 'until'], "'until' goes with 'every'");
    if (p.atMs >= durationMs && durationMs > 0)
      r.problem([...at, 'at'], `at ${p.atMs} ms is not before the end of publishing (${durationMs} ms)`);
    const groups = groupList(r, [...at, 'groups'], names);
    if (groups) p.groups = groups;
    if (fault) out.push(p);
  });
  return out;
}

export function readRestarts(r: Reader, durationMs: number): RestartSpec[] {
  const out: RestartSpec[] = [];
  r.array(['restarts'], false)?.forEach((_, i) => {
    const at: Path = ['restarts', i];
    if (!r.object(at, RESTART_KEYS)) return;
    const command = r.string([...at, 'command'], true);
    if (command !== undefined && command.trim() === '') r.problem([...at, 'command'], 'command is empty');
    const s: RestartSpec = {
      name: r.string([...at, 'name'], false) ?? `restart${i + 1}`,
      atMs: r.duration([...at, 'at'], true) ?? 0,
      command: command ?? '',
      timeoutMs: r.duration([...at, 'timeout'], false) ?? 60_000,
      waitMs: r.duration([...at, 'wait'], false) ?? 60_000,
    };
    if (s.atMs >= durationMs && durationMs > 0)
      r.problem([...at, 'at'], `at ${s.atMs} ms is not before the end of publishing (${durationMs} ms)`);
    if (command !== undefined) out.push(s);
  });
  return out;
}

/** Groups a fault phase targets reconnect by default (a cut link comes back, as a real client's would). */
export function defaultReconnects(r: Reader, groups: GroupSpec[], faults: FaultPhaseSpec[]): void {
  groups.forEach((g, i) => {
    if (r.has(['groups', i, 'reconnect'])) return;
    if (faults.some((f) => !f.groups || f.groups.includes(g.name))) g.reconnect.enabled = true;
  });
}
