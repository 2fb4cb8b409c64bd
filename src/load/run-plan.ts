// Load run, phase 1 (plan): the profile with its overrides, this shard's clients, the worker count and the
// loopback source addresses.
import { availableParallelism } from 'node:os';
import type { LoadProgress } from '../results/events.ts';
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import {
  applyOverrides,
  clientsOf,
  makePlan,
  type Overrides,
  type PlannedClient,
  type RunPlan,
} from './plan.ts';

export interface LoadRunOptions {
  brokerUrl: string;
  /** Label of the broker in results (defaults to the URL). */
  brokerLabel?: string;
  /** Worker threads (default: the core count); 0 runs the clients in this thread. */
  workers?: number;
  overrides?: Overrides;
  shard?: { index: number; count: number };
  /** Common start time (epoch ms) for shards; publishing starts then (or as soon as all clients are ready). */
  startAt?: number;
  /** Loopback source addresses to rotate over (default: none up to 25,000 clients, then one per 25,000). */
  localAddresses?: number;
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
}

export interface LoadRunPlan {
  profile: LoadProfile;
  shard: { index: number; count: number };
  runId: string;
  plan: RunPlan;
  /** This shard's clients. */
  mine: PlannedClient[];
  /** Worker threads (0: in this thread). */
  threads: number;
  /** Workers (at least one, in this thread when threads is 0). */
  count: number;
  localAddresses: number;
}

export function planRun(profileIn: LoadProfile, opts: LoadRunOptions): LoadRunPlan {
  const profile = applyOverrides(profileIn, opts.overrides ?? {});
  const shard = opts.shard ?? { index: 0, count: 1 };
  const runId =
    opts.startAt !== undefined ? opts.startAt.toString(36) : Math.random().toString(36).slice(2, 8);
  const plan = makePlan(profile, runId);
  const mine = clientsOf(plan, shard);
  const requested = opts.workers ?? availableParallelism();
  const threads = Math.min(Math.max(0, requested), mine.length);
  const count = Math.max(1, threads);
  // Binding a source address makes the kernel search a free port per connect (slow with thousands in use), so
  // rotate over 127.0.0.x only past what one address's ephemeral ports can carry.
  const localAddresses =
    opts.localAddresses ?? (mine.length > 25_000 ? Math.min(254, Math.ceil(mine.length / 25_000)) : 0);
  return { profile, shard, runId, plan, mine, threads, count, localAddresses };
}
