// Deterministic plan of a load run: which clients exist (global indices), their ids, topics, filters, rates and
// connect times; which shard and worker runs each; which (publisher, stream) pairs should see each other's messages.
// Every process computes the same plan from the same profile, so shards need no coordination beyond a start time.

import type { ExpectedPair } from '../metrics/ledger.ts';
import { topicMatches } from '../protocol/topics.ts';
import type { GroupSpec, LoadProfile } from '../scenario/load-profile/model.ts';

export interface Overrides {
  clients?: number;
  rate?: number;
  durationMs?: number;
}

export interface PlannedClient {
  /** Global client index over all groups (also the publisher index in payload headers). */
  n: number;
  group: number;
  /** Index within the group. */
  i: number;
  clientId: string;
  topic?: string;
  filters: Array<{ filter: string; qos: number }>;
  /** Ledger stream (subscribers only): the client itself, or its `$share` group as a whole. */
  stream: number;
  /** ms after the connect start at which this client connects. */
  connectAt: number;
}

export interface RunPlan {
  profile: LoadProfile;
  runId: string;
  groupOffsets: number[];
  totalClients: number;
  streamCount: number;
  streamLabels: string[];
  /** Messages per second per publishing client of each group at rate factor 1 (0 for non-publishers). */
  ratePerClient: number[];
}

/** Applies CLI overrides: --clients scales every group (at least 1 each; per-client rates stay, so the total
 *  rate of `rate:` groups scales too), --rate sets the total publish rate, --duration rescales the phases to
 *  the new total. Returns a new profile. */
export function applyOverrides(profile: LoadProfile, o: Overrides): LoadProfile {
  const p: LoadProfile = structuredClone(profile);
  if (o.clients !== undefined) {
    const total = p.groups.reduce((s, g) => s + g.count, 0);
    for (const g of p.groups) g.count = Math.max(1, Math.round((g.count * o.clients) / total));
  }
  if (o.rate !== undefined) {
    const cur = p.groups.reduce((s, g) => s + groupRate(g), 0);
    const k = cur > 0 ? o.rate / cur : 0;
    for (const g of p.groups) {
      if (!g.publish) continue;
      if (g.publish.totalRate !== undefined) g.publish.totalRate *= k;
      if (g.publish.ratePerClient !== undefined) g.publish.ratePerClient *= k;
    }
  }
  if (o.durationMs !== undefined && p.durationMs > 0) {
    const k = o.durationMs / p.durationMs;
    for (const ph of p.phases) {
      ph.durationMs *= k;
      if (ph.reconnectOverMs !== undefined) ph.reconnectOverMs *= k;
    }
    // Fault and restart times keep their place in the stretched run; how long a fault lasts and how often it
    // repeats (`for`, `every`) stay as written.
    for (const f of p.faults) {
      f.atMs *= k;
      if (f.untilMs !== undefined) f.untilMs *= k;
    }
    for (const r of p.restarts) r.atMs *= k;
    p.durationMs = o.durationMs;
  }
  return p;
}

/** Total messages per second of a group at rate factor 1. */
function groupRate(g: GroupSpec): number {
  if (!g.publish) return 0;
  return g.publish.totalRate ?? (g.publish.ratePerClient ?? 0) * g.count;
}

function expand(pattern: string, vars: { i: number; n: number; g: string; run: string }): string {
  return pattern.replace(/\{(i|n|g|run)\}/g, (_, k: string) => String(vars[k as keyof typeof vars]));
}

export function makePlan(profile: LoadProfile, runId: string): RunPlan {
  const groupOffsets: number[] = [];
  let total = 0;
  const streamLabels: string[] = [];
  for (const g of profile.groups) {
    groupOffsets.push(total);
    total += g.count;
    if (g.subscribe.length === 0) continue;
    if (g.shareGroup !== undefined) streamLabels.push(`$share/${g.shareGroup}(${g.name})`);
    else for (let i = 0; i < g.count; i++) streamLabels.push(`${g.name}[${i}]`);
  }
  return {
    profile,
    runId,
    groupOffsets,
    totalClients: total,
    streamCount: Math.max(1, streamLabels.length),
    streamLabels,
    ratePerClient: profile.groups.map((g) => (g.publish ? groupRate(g) / g.count : 0)),
  };
}

/** The first stream index of each group (subscribers), -1 otherwise. */
function streamBases(plan: RunPlan): number[] {
  let s = 0;
  return plan.profile.groups.map((g) => {
    if (g.subscribe.length === 0) return -1;
    const base = s;
    s += g.shareGroup !== undefined ? 1 : g.count;
    return base;
  });
}

/** Clients of one shard (n % count == index), optionally one worker's slice of them (k % workers == worker). */
export function clientsOf(
  plan: RunPlan,
  shard: { index: number; count: number },
  worker?: { index: number; count: number },
): PlannedClient[] {
  const out: PlannedClient[] = [];
  const bases = streamBases(plan);
  let k = 0;
  plan.profile.groups.forEach((g, gi) => {
    const off = plan.groupOffsets[gi] as number;
    for (let i = 0; i < g.count; i++) {
      const n = off + i;
      if (n % shard.count !== shard.index) continue;
      const mine = !worker || k % worker.count === worker.index;
      k++;
      if (!mine) continue;
      out.push(planClient(plan, g, gi, i, n, bases[gi] as number));
    }
  });
  return out;
}

function planClient(
  plan: RunPlan,
  g: GroupSpec,
  gi: number,
  i: number,
  n: number,
  streamBase: number,
): PlannedClient {
  const vars = { i, n, g: g.name, run: plan.runId };
  const c: PlannedClient = {
    n,
    group: gi,
    i,
    clientId: expand(g.clientId, vars),
    filters: g.subscribe.map((s) => ({ filter: expand(s.filter, vars), qos: s.qos })),
    stream: streamBase < 0 ? -1 : g.shareGroup !== undefined ? streamBase : streamBase + i,
    connectAt: connectOffset(g, i),
  };
  if (g.publish) c.topic = expand(g.publish.topic, vars);
  return c;
}

function connectOffset(g: GroupSpec, i: number): number {
  if (g.connect.rampMs !== undefined && g.count > 1) return (g.connect.rampMs * i) / g.count;
  if (g.connect.rate > 0) return (i * 1000) / g.connect.rate;
  return 0;
}

/** Every (publisher, stream) pair whose topic matches one of the stream's filters, with the delivery QoS. */
export function expectedPairs(
  plan: RunPlan,
  limit = 2_000_000,
): { pairs: ExpectedPair[]; truncated: boolean } {
  const all = clientsOf(plan, { index: 0, count: 1 });
  const pubs = all.filter((c) => c.topic !== undefined);
  const streams = new Map<number, PlannedClient>();
  for (const c of all) if (c.stream >= 0 && !streams.has(c.stream)) streams.set(c.stream, c);
  const groups = plan.profile.groups;
  const byTopic = new Map<string, PlannedClient[]>();
  for (const p of pubs) {
    const l = byTopic.get(p.topic as string);
    if (l) l.push(p);
    else byTopic.set(p.topic as string, [p]);
  }
  const pairs: ExpectedPair[] = [];
  for (const [stream, c] of streams) {
    const seen = new Map<number, number>();
    for (const f of c.filters) {
      const plain = f.filter.replace(/^\$share\/[^/]+\//, '');
      const cands = /[+#]/.test(plain)
        ? pubs.filter((p) => topicMatches(plain, p.topic as string))
        : (byTopic.get(plain) ?? []);
      for (const p of cands) {
        const q = Math.min(f.qos, groups[p.group]?.publish?.qos ?? 0);
        seen.set(p.n, Math.max(seen.get(p.n) ?? 0, q));
      }
    }
    for (const [pub, qos] of seen) {
      pairs.push({ pub, stream, qos });
      if (pairs.length >= limit) return { pairs, truncated: true };
    }
  }
  return { pairs, truncated: false };
}

export function publisherLabel(plan: RunPlan, n: number): string {
  for (let gi = plan.groupOffsets.length - 1; gi >= 0; gi--) {
    const off = plan.groupOffsets[gi] as number;
    if (n >= off) return `${plan.profile.groups[gi]?.name}[${n - off}]`;
  }
  return `#${n}`;
}
