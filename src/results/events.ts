// Live events a run emits while it goes (not part of the results document).
export interface LoadProgress {
  profile: string;
  elapsedMs: number;
  phase: string;
  connected: number;
  sentPerSec: number;
  ackedPerSec: number;
  deliveredPerSec: number;
  p99Ms: number | null;
  errors: number;
  saturated: boolean;
}
