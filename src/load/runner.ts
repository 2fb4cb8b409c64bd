// One worker's share of a load run (runs inside a worker thread, or in-process with --workers 0): connects its
// clients at their planned times, publishes on an open-model schedule (intended times from the rate, never waiting
// for acks), executes reconnect storms, and reports measurements to the coordinator as plain messages.
// The coordinator's messages drive its phases (README.md): connect -> connectAll (due connects, at most 256 in
// flight; `ready` once every client settled) -> start -> start(t0) (lanes, reconnect storms, fault phases) and
// tick() every batch window (the pass itself: publish-tick.ts) -> end of schedule or stop -> stopPublishing
// (`published`) -> finish -> finish() (final export, clients closed, `closed`). houseKeep() runs throughout.
import {
  type EventLoopUtilization,
  type IntervalHistogram,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks';
import { newPublishFields } from '../protocol/publish-fields.ts';
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import { ChaosAgent } from './chaos.ts';
import { type ClientHost, LeanClient } from './client.ts';
import type { FromWorker, ToWorker } from './messages.ts';
import { clock } from './payload.ts';
import { clientsOf, makePlan, type RunPlan } from './plan.ts';
import {
  flushTick,
  type Lane,
  MAX_PER_TICK,
  makeLanes,
  newTickQueue,
  type TickQueue,
} from './publish-tick.ts';
import { Timeline } from './schedule.ts';
import { WorkerStats } from './stats.ts';

export interface WorkerInit {
  profile: LoadProfile;
  runId: string;
  brokerUrl: string;
  shard: { index: number; count: number };
  worker: { index: number; count: number };
  /** Number of loopback source addresses to rotate over (127.0.0.1..N); 0 = let the OS pick. */
  localAddresses: number;
}

/** Inbound frames a load client accepts: the profile's largest PUBLISH plus room for topic and
 *  properties, and never below 1 MiB. A broker sending more is misbehaving: the connection is closed
 *  and counted (`inbound.too-large`), so it cannot grow the generator's memory. */
export const MIN_INBOUND_PACKET = 1024 * 1024;
export function maxInboundPacket(groups: ReadonlyArray<{ publish?: { payload: { size: number } } }>): number {
  let largest = 0;
  for (const g of groups) largest = Math.max(largest, g.publish?.payload.size ?? 0);
  return Math.max(MIN_INBOUND_PACKET, largest + 64 * 1024);
}
const MAX_PENDING_CONNECTS = 256;

export class LoadWorker implements ClientHost {
  readonly stats: WorkerStats;
  readonly brokerUrl: URL;
  readonly localAddresses: string[] = [];
  readonly scratchPublish = newPublishFields();
  readonly scratchHeader = { publisher: 0, seq: 0, intended: 0, actual: 0 };
  readonly readBatchMs: number;
  readonly maxInboundPacket: number;
  readonly pausedReads: LeanClient[] = [];
  private readResumer: NodeJS.Timeout | undefined;
  private readonly plan: RunPlan;
  private readonly clients: LeanClient[];
  private readonly timeline: Timeline;
  private readonly lanes: Lane[];
  /** Connect queue: clients due at connectDue[i] (absolute ms), sorted by due time. */
  private queue: Array<{ c: LeanClient; due: number }> = [];
  private pendingConnects = 0;
  private initialLeft: number;
  private connected = 0;
  private t0 = 0;
  private publishing = false;
  private stopped = false;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  private stormTimers: NodeJS.Timeout[] = [];
  private lastTick = 0;
  private hkCount = 0;
  private readonly chaos: ChaosAgent;
  private finishing = false;
  private readonly eld: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private eluMark: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly qBuf: TickQueue = newTickQueue();

  constructor(
    private readonly init: WorkerInit,
    private readonly post: (m: FromWorker) => void,
  ) {
    this.brokerUrl = new URL(init.brokerUrl);
    this.readBatchMs = init.profile.readBatchMs ?? 0;
    this.maxInboundPacket = maxInboundPacket(init.profile.groups);
    this.plan = makePlan(init.profile, init.runId);
    this.timeline = new Timeline(init.profile.phases);
    this.stats = new WorkerStats(
      init.profile.groups.map((g) => g.name),
      this.plan.streamCount,
    );
    const loopback = /^(127\.|localhost$)/.test(this.brokerUrl.hostname);
    if (loopback && init.localAddresses > 0)
      for (let i = 1; i <= init.localAddresses; i++) this.localAddresses.push(`127.0.0.${i}`);
    this.clients = clientsOf(this.plan, init.shard, init.worker).map(
      (pc) => new LeanClient(this, pc, init.profile.groups[pc.group] as LoadProfile['groups'][number]),
    );
    this.initialLeft = this.clients.length;
    this.chaos = new ChaosAgent(init.profile, this.clients, this.brokerUrl, this.stats);
    this.lanes = makeLanes(init.profile, this.plan, this.clients);
  }

  handle(m: ToWorker): void {
    if (m.type === 'connect') this.connectAll();
    else if (m.type === 'start') this.start(m.t0);
    else if (m.type === 'stop') this.stopPublishing();
    else if (m.type === 'finish') this.finish();
  }

  private connectAll(): void {
    this.eld.enable();
    const start = clock();
    this.queue = this.clients
      .map((c) => ({ c, due: start + c.plan.connectAt }))
      .sort((a, b) => a.due - b.due);
    this.housekeeping = setInterval(() => this.houseKeep(), 250);
    if (this.readBatchMs > 0) {
      this.readResumer = setInterval(() => {
        const list = this.pausedReads.splice(0);
        for (const c of list) c.resumeReads();
      }, this.readBatchMs);
    }
    if (this.clients.length === 0) this.post({ type: 'ready', connected: 0, failed: 0 });
    // Fault phases: the targeted clients connect through the fault proxy, which must listen first.
    this.chaos.prepare().then(
      () => this.pump(),
      (err: Error) => this.post({ type: 'error', message: `fault proxy: ${err.message}` }),
    );
  }

  via(c: LeanClient): ReturnType<ClientHost['via']> {
    return this.chaos.via(c);
  }

  /** Reopens a dropped client's connection after its backoff (doubling per failed attempt, ±20 % jitter). */
  private reconnectLater(c: LeanClient): void {
    const r = c.group.reconnect;
    const delay = Math.min(r.maxMs, r.backoffMs * 2 ** Math.min(20, c.retries)) * (0.8 + Math.random() * 0.4);
    c.retries++;
    this.queue.push({ c, due: clock() + delay });
    this.queue.sort((a, b) => a.due - b.due);
    this.pump();
  }

  /** Starts due connects, at most MAX_PENDING_CONNECTS in flight. */
  private pump(): void {
    const now = clock();
    let i = 0;
    while (
      i < this.queue.length &&
      this.pendingConnects < MAX_PENDING_CONNECTS &&
      (this.queue[i]?.due as number) <= now
    ) {
      const { c } = this.queue[i] as { c: LeanClient };
      i++;
      this.pendingConnects++;
      c.connect();
    }
    if (i > 0) this.queue = this.queue.slice(i);
    const head = this.queue[0];
    if (head && this.pendingConnects < MAX_PENDING_CONNECTS)
      setTimeout(() => this.pump(), Math.max(0, Math.min(50, head.due - now)));
  }

  settled(c: LeanClient, ok: boolean): void {
    this.pendingConnects--;
    if (ok) {
      this.connected++;
      (this.stats.groups[c.plan.group] as { connected: number }).connected++;
    } else if (c.wasReady && c.group.reconnect.enabled && !this.finishing) this.reconnectLater(c);
    if (this.initialLeft > 0 && c.attempts === 1) {
      this.initialLeft--;
      if (this.initialLeft === 0) {
        const failed = this.clients.length - this.connected;
        this.post({ type: 'ready', connected: this.connected, failed });
      }
    }
    if (this.queue.length > 0) this.pump();
  }

  lost(c: LeanClient): void {
    this.connected--;
    (this.stats.groups[c.plan.group] as { connected: number }).connected--;
    this.stats.error('connection.lost', clock());
    if (c.group.reconnect.enabled && !this.finishing) this.reconnectLater(c);
  }

  private start(t0: number): void {
    this.t0 = t0;
    this.stats.t0 = t0;
    for (const l of this.lanes) {
      // Stagger lanes of different workers/groups inside one interval so they do not fire in lockstep.
      l.next = ((this.init.worker.index + 0.5) / this.init.worker.count) * l.interval;
    }
    this.publishing = this.lanes.length > 0;
    this.timeline.phases.forEach((p, i) => {
      if (p.type !== 'reconnect-storm') return;
      const at = t0 + (this.timeline.starts[i] as number);
      this.stormTimers.push(setTimeout(() => this.storm(i), Math.max(0, at - clock())));
    });
    const end = t0 + this.timeline.end;
    this.stormTimers.push(setTimeout(() => this.endOfSchedule(end), Math.max(0, end - clock())));
    this.schedule(Math.max(0, t0 - clock()));
    this.chaos.start(t0);
  }

  private schedule(delay: number): void {
    if (!this.publishing) return;
    this.timer = delay < 1 ? setImmediate(() => this.tick()) : setTimeout(() => this.tick(), delay);
  }

  /** One scheduler pass: every message whose intended time has come is written now, batched per connection. */
  private tick(): void {
    if (!this.publishing) return;
    const now = clock();
    // Lane times are relative to t0: absolute epoch-ms doubles are too coarse (0.24 us) to accumulate
    // sub-millisecond intervals without drifting off the rate.
    const rNow = now - this.t0;
    const end = this.timeline.end;
    const q = this.qBuf;
    let n = 0;
    let skipped = 0;
    for (const lane of this.lanes) {
      const size = lane.clients.length;
      while (lane.next <= rNow && lane.next < end && n < MAX_PER_TICK) {
        const f = this.timeline.factorAt(lane.next);
        if (f <= 0) {
          lane.next = this.timeline.nextBoundary(lane.next);
          continue;
        }
        const c = lane.clients[lane.rr++ % size] as LeanClient;
        if (c.tickCount === 0) {
          // First message of this client in this pass: check once whether it can take writes.
          if (!c.ready || c.backlogged) {
            c.tickCount = -1;
            q.blocked.push(c);
          } else q.distinct.push(c);
        }
        if (c.tickCount < 0) skipped++;
        else {
          c.tickCount++;
          q.t[n] = this.t0 + lane.next;
          q.msg[n] = c;
          n++;
        }
        lane.next += lane.interval / f;
      }
    }
    if (skipped > 0) {
      this.stats.count('skipped.disconnected', skipped);
      for (const c of q.blocked) c.tickCount = 0;
      q.blocked.length = 0;
    }
    if (n > 0) flushTick(q, n, now, this.stats);
    this.lastTick = now;
    let next = end;
    for (const l of this.lanes) if (l.next < next) next = l.next;
    if (next >= end) return;
    next += this.t0;
    // Batch: wake one batch window later (or when the next message is due, if later). Only a pass cut short
    // by MAX_PER_TICK continues at once. Messages never go out before their intended time; waiting for the
    // window shows up as send lag.
    if (n >= MAX_PER_TICK) this.schedule(0);
    else this.schedule(Math.min(50, Math.max(this.init.profile.batchMs, next - clock())));
  }

  private storm(phaseIndex: number): void {
    const p = this.timeline.phases[phaseIndex];
    if (!p) return;
    const fraction = p.fraction ?? 1;
    const names = p.groups;
    const chosen = this.clients.filter((c) => {
      // Only connected clients drop (one still connecting keeps its attempt and its place in the accounting).
      if (!c.ready || (names && !names.includes(c.group.name))) return false;
      return (Math.imul(c.plan.n + 1, 2654435761) >>> 0) / 4294967296 < fraction;
    });
    const now = clock();
    const over = p.reconnectOverMs ?? 0;
    chosen.forEach((c, k) => {
      this.connected--;
      (this.stats.groups[c.plan.group] as { connected: number }).connected--;
      c.close(false);
      this.stats.count('storm.dropped');
      this.queue.push({ c, due: now + (chosen.length > 1 ? (over * k) / chosen.length : 0) });
    });
    this.queue.sort((a, b) => a.due - b.due);
    this.pump();
  }

  /** The schedule's end: send whatever is still due before it (late, but sent: open model), then stop. */
  private endOfSchedule(end: number): void {
    if (clock() < end) {
      this.stormTimers.push(setTimeout(() => this.endOfSchedule(end), Math.max(1, end - clock())));
      return;
    }
    for (let i = 0; i < 1000 && this.publishing && this.lanes.some((l) => this.t0 + l.next < end); i++)
      this.tick();
    this.stopPublishing();
  }

  private stopPublishing(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.publishing = false;
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    for (const t of this.stormTimers) clearTimeout(t);
    this.chaos.stop();
    const sent: Array<[number, number]> = [];
    for (const c of this.clients) if (c.plan.topic !== undefined) sent.push([c.plan.n, c.seq]);
    for (const [pub, k] of sent) this.stats.sentByPublisher.set(pub, k);
    this.post({ type: 'published', sent });
  }

  private houseKeep(): void {
    const now = clock();
    for (const c of this.clients) {
      if (c.ready) {
        const ka = c.group.keepAlive * 1000;
        if (ka > 0 && now - c.lastSend > ka / 2) c.ping();
      } else if (c.connecting && now - c.startedAt > c.group.connect.timeoutMs) c.fail('connect.timeout');
    }
    if (this.t0 > 0 && now >= this.t0) {
      const s = Math.floor((now - this.t0) / 1000);
      const arr = this.stats.series.connected;
      while (arr.length <= s) arr.push(this.connected);
      arr[s] = this.connected;
    }
    if (++this.hkCount % 4 !== 0) return;
    const st = this.stats;
    const live = st.liveExport();
    const eluNow = performance.eventLoopUtilization();
    const elu = performance.eventLoopUtilization(eluNow, this.eluMark).utilization;
    this.eluMark = eluNow;
    this.post({
      type: 'tick',
      sent: st.groups.reduce((a, g) => a + g.sent, 0),
      acked: st.groups.reduce((a, g) => a + g.acked, 0),
      delivered: st.groups.reduce((a, g) => a + g.delivered, 0),
      unique: st.ledger.unique,
      errors: st.counters.errors ?? 0,
      connected: this.connected,
      liveDeliver: live.deliver,
      liveSendLag: live.sendLag,
      elu,
    });
    void this.lastTick;
  }

  private finish(): void {
    this.finishing = true;
    this.stopPublishing();
    this.chaos.record();
    if (this.housekeeping) clearInterval(this.housekeeping);
    if (this.readResumer) clearInterval(this.readResumer);
    for (const c of this.pausedReads.splice(0)) c.resumeReads();
    this.eld.disable();
    // The monitor's samples include its own resolution (10 ms): report the delay beyond it.
    const ms = (ns: number): number => Math.max(0, Math.round(ns / 1000 - 10_000) / 1000);
    const eld =
      this.eld.count > 0
        ? { p50: ms(this.eld.percentile(50)), p99: ms(this.eld.percentile(99)), max: ms(this.eld.max) }
        : { p50: 0, p99: 0, max: 0 };
    this.post({
      type: 'final',
      stats: this.stats.export(),
      eventLoopLagMs: eld,
      clients: this.clients.length,
    });
    for (const c of this.clients) c.close(true);
    this.queue = [];
    setTimeout(() => {
      for (const c of this.clients) c.close(false);
      void this.chaos.close().finally(() => this.post({ type: 'closed' }));
    }, 100);
  }
}
