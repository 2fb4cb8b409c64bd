// Public entry of the reference broker: startBroker(config) -> RunningBroker.
import { Broker, type BrokerStats } from './broker.ts';
import { formatProblems, parseBrokerConfig } from './config/parse.ts';
import type { BrokerConfig, ListenerKind } from './config/schema.ts';
import { type RunningListener, startListener } from './listeners.ts';
import { restore } from './persist/restore.ts';
import { SqliteStore, type StoreFault } from './persist/sqlite.ts';
import { startSys } from './sys.ts';
import { warmUpAside } from './warmup.ts';

export { ScramClient } from './auth/scram.ts';
export { hashPassword } from './auth/users.ts';
export type { BrokerStats } from './broker.ts';
export {
  type ConfigProblem,
  type ConfigResult,
  formatProblems,
  loadBrokerConfig,
  parseBrokerConfig,
} from './config/parse.ts';
export type { AclRule, BrokerConfig, ListenerConfig, ListenerKind } from './config/schema.ts';
export { DEFAULT_CONFIG } from './config/schema.ts';
export { FAULT_NAMES, FAULTS } from './faults.ts';
export { PersistenceError } from './persist/schema.ts';

export interface RunningBroker {
  listeners: Array<{ kind: ListenerKind; host: string; port: number; url: string }>;
  close(): Promise<void>;
  stats(): BrokerStats;
}

export interface StartOptions {
  /** where trace lines and notices go (default: stdout when trace is on) */
  log?: (line: string) => void;
  /** Run the start-up warm-up (warmup.ts) before the listeners open, when one of them is TCP (the
   *  `crucible broker` command does; embedded brokers in tests need not). Default false. */
  warmUp?: boolean;
  /** The persistent store failed to commit: the broker has closed every connection and stops. */
  onFatal?: (e: Error) => void;
  /** tests only: crash injection and faults of the persistent store (persist/sqlite.ts) */
  storeFaults?: StoreFault[];
}

/** Starts a broker. A partial config is completed with the defaults and validated (throws on problems). */
export async function startBroker(
  config: Partial<BrokerConfig> | BrokerConfig = {},
  opts: StartOptions = {},
): Promise<RunningBroker> {
  const r = parseBrokerConfig(config);
  if (!r.ok) throw new Error(formatProblems(r.problems));
  const cfg = r.config;
  const broker = new Broker(cfg);
  broker.logger = opts.log ?? ((line) => process.stdout.write(`${line}\n`));
  let close = async () => {};
  broker.onFatal = (e) => {
    void close().then(() => opts.onFatal?.(e));
  };
  if (cfg.persistence) {
    // throws PersistenceError (bad path, store in use, not a store) before anything listens
    const store = new SqliteStore(cfg.persistence, (e) => broker.storeFailed(e), opts.storeFaults);
    broker.store = store;
    try {
      const n = restore(broker, store);
      broker.logger(
        `persistence: ${cfg.persistence.path} (sync ${cfg.persistence.sync}): ${n.sessions} sessions, ${n.subscriptions} subscriptions, ${n.deliveries} queued or in-flight deliveries, ${n.retained} retained messages`,
      );
    } catch (e) {
      broker.shutdown();
      throw e;
    }
  }
  // on a listener of its own, before the configured ones open: no client connects during it
  if (opts.warmUp === true && cfg.listeners.some((l) => l.kind === 'tcp')) await warmUpAside(broker);
  const running: RunningListener[] = [];
  try {
    for (const l of cfg.listeners) running.push(await startListener(broker, l));
  } catch (e) {
    for (const l of running) await l.close();
    broker.shutdown();
    throw e;
  }
  const sys = startSys(broker);
  let closed = false;
  close = async () => {
    if (closed) return;
    closed = true;
    if (sys) clearInterval(sys);
    const closing = running.map((l) => l.close());
    broker.shutdown();
    await Promise.all(closing);
  };
  return {
    listeners: running.map(({ kind, host, port, url }) => ({ kind, host, port, url })),
    stats: () => broker.getStats(),
    close,
  };
}
