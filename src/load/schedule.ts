// Phases on the run's timeline: the publish rate factor at any time (linear within ramps), which phase is current,
// and when the next phase starts. Times are ms since the run's start (t0).
import type { PhaseSpec } from '../scenario/load-profile/model.ts';

export class Timeline {
  readonly starts: number[] = [];
  readonly end: number;

  constructor(readonly phases: PhaseSpec[]) {
    let t = 0;
    for (const p of phases) {
      this.starts.push(t);
      t += p.durationMs;
    }
    this.end = t;
  }

  indexAt(t: number): number {
    if (t < 0 || t >= this.end) return -1;
    for (let i = this.phases.length - 1; i >= 0; i--) if (t >= (this.starts[i] as number)) return i;
    return -1;
  }

  /** Rate factor at time t (0 before the start and after the end). */
  factorAt(t: number): number {
    const i = this.indexAt(t);
    if (i < 0) return 0;
    const p = this.phases[i] as PhaseSpec;
    if (p.from === p.to || p.durationMs === 0) return p.to;
    const x = (t - (this.starts[i] as number)) / p.durationMs;
    return p.from + (p.to - p.from) * x;
  }

  /** Start of the phase after the one containing t (or the end). */
  nextBoundary(t: number): number {
    for (const s of this.starts) if (s > t) return s;
    return this.end;
  }

  nameAt(t: number): string {
    if (t < 0) return 'connecting';
    const i = this.indexAt(t);
    return i < 0 ? 'drain' : (this.phases[i]?.name ?? '');
  }
}
