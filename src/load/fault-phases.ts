// The run's fault and restart phases for the results (LoadResult.faultPhases): faults as the profile scheduled
// them with what the workers counted, restarts as they ran.
import type { FaultPhaseRecord } from '../results/model.ts';
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import type { RestartRecord } from './restart.ts';

export function faultPhases(
  profile: LoadProfile,
  counters: Record<string, number>,
  restarts: RestartRecord[],
): FaultPhaseRecord[] | undefined {
  if (profile.faults.length === 0 && profile.restarts.length === 0) return undefined;
  const out: FaultPhaseRecord[] = profile.faults.map((f) => {
    let end = f.atMs + (f.forMs ?? 0);
    if (f.everyMs !== undefined) {
      const until = f.untilMs ?? profile.durationMs;
      const last = f.atMs + Math.floor((until - 1 - f.atMs) / f.everyMs) * f.everyMs;
      end = Math.max(f.atMs, last) + (f.forMs ?? 0);
    } else if (f.forMs === undefined && f.fault.type !== 'reset' && f.fault.type !== 'halfClose')
      end = profile.durationMs; // a lasting fault without `for` holds until publishing ends
    const r: FaultPhaseRecord = {
      name: f.name,
      kind: 'fault',
      type: f.fault.type,
      startMs: f.atMs,
      endMs: Math.min(end, profile.durationMs),
      fraction: f.fraction,
      applied: counters[`fault.${f.name}.applied`] ?? 0,
      links: counters[`fault.${f.name}.links`] ?? 0,
    };
    if (f.everyMs !== undefined) r.everyMs = f.everyMs;
    if (f.forMs !== undefined) r.forMs = f.forMs;
    if (f.groups) r.groups = f.groups;
    return r;
  });
  for (const x of restarts) {
    const restart: NonNullable<FaultPhaseRecord['restart']> = {
      command: x.command,
      exitCode: x.exitCode,
      signal: x.signal,
      commandMs: x.commandMs,
      backAfterMs: x.backAfterMs,
      output: x.output,
    };
    if (x.error) restart.error = x.error;
    out.push({ name: x.name, kind: 'restart', type: 'restart', startMs: x.startMs, endMs: x.endMs, restart });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}
