// Scheduled network faults of a load run, inside one worker: the worker's clients of the targeted groups connect
// through one fault proxy (127.0.0.1, a free port) in front of the broker, each link claimed by its client's global
// index, so a fault follows the client across reconnects. Clients are chosen per phase deterministically (a hash
// of the global index and the phase), so shards and workers agree on who is affected.
import type { FaultPhaseSpec, LoadProfile } from '../scenario/load-profile/model.ts';
import { type FaultProxy, startFaultProxy } from '../transport/fault-proxy/index.ts';
import { toEndpoint } from '../transport/index.ts';
import type { LeanClient } from './client.ts';
import { clock } from './payload.ts';
import type { WorkerStats } from './stats.ts';

/** Deterministic choice of a share of clients for phase k. */
function chosen(n: number, phase: number, fraction: number): boolean {
  if (fraction >= 1) return true;
  const h = Math.imul((n + 1) ^ Math.imul(phase + 1, 0x9e3779b1), 2654435761) >>> 0;
  return h / 4294967296 < fraction;
}

export class ChaosAgent {
  private proxy: FaultProxy | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly targeted: Set<string>;

  constructor(
    private readonly profile: LoadProfile,
    private readonly clients: LeanClient[],
    private readonly brokerUrl: URL,
    private readonly stats: WorkerStats,
  ) {
    this.targeted = new Set();
    for (const f of profile.faults)
      for (const g of profile.groups) if (!f.groups || f.groups.includes(g.name)) this.targeted.add(g.name);
  }

  /** Starts the proxy when some client of this worker is in a targeted group. */
  async prepare(): Promise<void> {
    if (!this.clients.some((c) => this.targeted.has(c.group.name))) return;
    const ep = toEndpoint(this.brokerUrl);
    if (!ep) return;
    this.proxy = await startFaultProxy({ target: { host: ep.host, port: ep.port } });
  }

  via(
    c: LeanClient,
  ): { host: string; port: number; claim(localPort: number, key: number): void } | undefined {
    const p = this.proxy;
    if (!p || !this.targeted.has(c.group.name)) return undefined;
    return { host: p.host, port: p.port, claim: (port, key) => p.claim(port, key) };
  }

  /** Schedules every phase's occurrences from the start of publishing t0 (common clock ms). */
  start(t0: number): void {
    if (!this.proxy) return;
    this.profile.faults.forEach((f, k) => {
      const keys = this.clients
        .filter((c) => (!f.groups || f.groups.includes(c.group.name)) && chosen(c.plan.n, k, f.fraction))
        .map((c) => c.plan.n);
      if (keys.length === 0) return;
      this.at(t0 + f.atMs, () => this.fire(f, keys, t0));
    });
  }

  private at(when: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, Math.max(0, when - clock())));
  }

  private fire(f: FaultPhaseSpec, keys: number[], t0: number): void {
    const p = this.proxy;
    if (!p) return;
    const links = p.apply(f.fault, keys, f.forMs);
    this.stats.count(`fault.${f.name}.applied`);
    if (links > 0) this.stats.count(`fault.${f.name}.links`, links);
    const every = f.everyMs;
    if (every === undefined) return;
    const now = clock() - t0;
    // Next occurrence on the phase's own grid (late timers do not shift it).
    const next = f.atMs + Math.floor((now - f.atMs) / every + 1) * every;
    if (next < (f.untilMs ?? this.profile.durationMs)) this.at(t0 + next, () => this.fire(f, keys, t0));
  }

  /** End of publishing: no more faults, and every lasting one ends, so the drain measures recovery. */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
    this.proxy?.heal(
      undefined,
      this.clients.map((c) => c.plan.n),
    );
  }

  /** Before the final export: the proxy's counters go into the worker's counters (proxy.*). */
  record(): void {
    const p = this.proxy;
    if (!p) return;
    const c = { ...p.counters };
    for (const l of p.linksOf()) {
      c.bytesToBroker += l.up.stats.bytes;
      c.bytesToClient += l.down.stats.bytes;
    }
    for (const [k, v] of Object.entries(c)) if (v > 0) this.stats.count(`proxy.${k}`, v);
  }

  async close(): Promise<void> {
    this.stop();
    const p = this.proxy;
    this.proxy = undefined;
    await p?.close();
  }
}
