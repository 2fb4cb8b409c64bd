// Live events a run emits while it goes (not part of the results document).
export interface LoadProgress {
  profile: string;
  /** Since publishing began; in phase `connect`, since the first connect. */
  elapsedMs: number;
  /** Planned publishing time (phases), for "elapsed of total". */
  durationMs: number;
  /** `start` while worker threads start, `connect` while clients connect, then the profile's phase names. */
  phase: string;
  /** Clients of this run (shard). */
  clients: number;
  connected: number;
  sentPerSec: number;
  ackedPerSec: number;
  deliveredPerSec: number;
  /** deliver.intended p99 over the last interval (about a second). */
  p99Ms: number | null;
  /** deliver.intended p99 since publishing began. */
  p99CumulativeMs: number | null;
  errors: number;
  saturated: boolean;
}
