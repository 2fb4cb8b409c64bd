// The publishing side of a worker's scheduler: lanes (one per publishing group, round-robin over its clients
// at the group's rate) and the batch of one scheduler pass, written per connection in one arena.
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import type { LeanClient } from './client.ts';
import type { RunPlan } from './plan.ts';
import type { WorkerStats } from './stats.ts';

/** Messages one scheduler pass writes at most (a longer backlog continues in the next pass at once). */
export const MAX_PER_TICK = 20_000;

export interface TickQueue {
  /** Distinct clients written to in this tick. */
  distinct: LeanClient[];
  /** Clients that could not take writes in this pass (disconnected or backlogged). */
  blocked: LeanClient[];
  /** Client and intended time of message k. */
  msg: LeanClient[];
  t: Float64Array;
}

/** One publishing group's clients, taking turns at the group's rate. */
export interface Lane {
  group: number;
  clients: LeanClient[];
  /** ms between two messages of this lane at factor 1. */
  interval: number;
  next: number;
  rr: number;
}

export function newTickQueue(): TickQueue {
  return {
    distinct: [],
    blocked: [],
    msg: new Array<LeanClient>(MAX_PER_TICK),
    t: new Float64Array(MAX_PER_TICK),
  };
}

/** One lane per publishing group with a rate and at least one publisher among these clients. */
export function makeLanes(profile: LoadProfile, plan: RunPlan, all: LeanClient[]): Lane[] {
  const lanes: Lane[] = [];
  profile.groups.forEach((g, gi) => {
    const rate = plan.ratePerClient[gi] as number;
    const clients = all.filter((c) => c.plan.group === gi && c.plan.topic !== undefined);
    if (!g.publish || rate <= 0 || clients.length === 0) return;
    lanes.push({ group: gi, clients, interval: 1000 / (rate * clients.length), next: 0, rr: 0 });
  });
  return lanes;
}

/** Writes the n messages of one pass: each client's PUBLISHes filled into one arena, one write per client. */
export function flushTick(q: TickQueue, n: number, now: number, st: WorkerStats): void {
  let total = 0;
  for (const c of q.distinct) {
    c.tickOffset = total;
    c.tickEnd = total;
    total += c.tickCount * c.publishBytes;
  }
  const arena = Buffer.allocUnsafe(total);
  let sent = 0;
  let inflightFull = 0;
  for (let k = 0; k < n; k++) {
    const c = q.msg[k] as LeanClient;
    const intended = q.t[k] as number;
    if (c.fillPublish(arena, c.tickEnd, intended, now)) {
      c.tickEnd += c.publishBytes;
      sent++;
      (st.groups[c.plan.group] as { sent: number }).sent++;
      st.sendLag(c.plan.group, now - intended);
    } else inflightFull++;
  }
  for (const c of q.distinct) {
    if (c.tickEnd > c.tickOffset) {
      c.sock?.write(arena.subarray(c.tickOffset, c.tickEnd));
      c.lastSend = now;
    }
    c.tickCount = 0;
  }
  q.distinct.length = 0;
  if (inflightFull > 0) st.count('skipped.inflight', inflightFull);
  st.bump('sent', now, sent);
}
