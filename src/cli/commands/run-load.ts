// `crucible run <profile.yaml> --broker <url>` for load profiles (called by run.ts): overrides, a reachability
// check (exit 4 at once), live progress, an interrupt that stops cleanly and still returns results. Its exit
// code: the verdict of its load results (`verdictOf`: 2 when a threshold fails), combined by the one
// precedence rule with what the results cannot say (4 no client could connect, 5 a load worker failed).

import { decideExit, EXIT, type ExitCode, UsageError } from '../../common/exit-codes.ts';
import { formatLoadSummary } from '../../load/format.ts';
import { runLoad } from '../../load/index.ts';
import { makeStyle } from '../../report/ansi.ts';
import { LoadProgressLines } from '../../report/load-text.ts';
import { verdictOf } from '../../report/verdict.ts';
import type { LoadResult } from '../../results/model.ts';
import type { LoadProfile } from '../../scenario/load-profile/model.ts';
import { connect, TransportError } from '../../transport/index.ts';
import { durationFlag, type FlagSpec, intFlag, type ParsedFlags, stringFlag } from '../args.ts';

export interface LoadCliFlags {
  broker: string;
  brokerLabel?: string;
  clients?: number;
  /** Total publish rate, msg/s. */
  rate?: number;
  durationMs?: number;
  workers?: number;
  shard?: { index: number; count: number };
  startAt?: number;
}

export interface LoadCliIo {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Progress on one updating line (default: out.isTTY). */
  isTTY?: boolean;
  /** Stop signal (the CLI's SIGINT/SIGTERM interrupt): the run stops publishing and returns results so far. */
  signal?: AbortSignal;
  /** Called with each profile's result as soon as it is ready (an interrupted caller keeps these). */
  onResult?: (r: LoadResult) => void;
  /** Plain progress line interval when not a TTY (default 5000 ms). */
  plainEveryMs?: number;
  /** Print a plain end-of-run summary (default false: the console reporter shows results in `crucible run`). */
  summary?: boolean;
}

/** Flags run.ts should accept for load profiles (merge into its own spec). */
export const LOAD_FLAGS: FlagSpec = {
  clients: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  workers: { type: 'string' },
  shard: { type: 'string' },
  'start-at': { type: 'string' },
};

/** Reads the LOAD_FLAGS out of parsed flags; errors name the flag (exit 3). */
export function loadFlags(
  flags: ParsedFlags,
  broker: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadCliFlags {
  const out: LoadCliFlags = { broker };
  const clients = intFlag(flags, 'clients', 1, 10_000_000);
  if (clients !== undefined) out.clients = clients;
  const rate = stringFlag(flags, 'rate');
  if (rate !== undefined) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/s)?\s*$/.exec(rate);
    if (!m) throw new UsageError(`--rate must be a total message rate like 5000 or 5000/s, got '${rate}'`);
    out.rate = Number(m[1]);
  }
  const d = durationFlag(flags, 'duration');
  if (d !== undefined) out.durationMs = d;
  const w = intFlag(flags, 'workers', 0, 256);
  if (w !== undefined) out.workers = w;
  const shard = stringFlag(flags, 'shard');
  if (shard !== undefined) out.shard = parseShard(shard, env);
  const at = stringFlag(flags, 'start-at');
  if (at !== undefined) {
    const n = Number(at);
    if (!Number.isFinite(n) || n <= 0)
      throw new UsageError(`--start-at must be an epoch time in milliseconds, got '${at}'`);
    out.startAt = n;
  }
  return out;
}

/** `i/N` (0-based) or `auto/N`, which takes i from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs). */
export function parseShard(
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): { index: number; count: number } {
  const m = /^\s*(\d+|auto)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--shard must be i/N (0-based) or auto/N, got '${text}'`);
  const count = Number(m[2]);
  let indexText = m[1] as string;
  if (indexText === 'auto') {
    const e = env.JOB_COMPLETION_INDEX;
    if (e === undefined || !/^\d+$/.test(e))
      throw new UsageError(
        '--shard auto/N needs the JOB_COMPLETION_INDEX environment variable (Kubernetes Indexed Job)',
      );
    indexText = e;
  }
  const index = Number(indexText);
  if (count < 1 || index >= count)
    throw new UsageError(`--shard ${text}: the index must be below the shard count`);
  return { index, count };
}

/** How long `crucible run` waits for an interrupted load run to hand back its partial results. */
export const LOAD_INTERRUPT_GRACE_MS = 1500;
/** The reachability check before a load run (one plain connection, closed at once). */
const PROBE_TIMEOUT_MS = 3000;

/** Undefined when the broker accepts a connection; otherwise why not (then the run is exit 4, at once). */
export async function probeBroker(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | undefined> {
  try {
    const c = await connect(url, { timeoutMs });
    c.destroy();
    return undefined;
  } catch (err) {
    if (err instanceof TransportError && (err.kind === 'unreachable' || err.kind === 'timeout'))
      return err.message;
    return undefined; // TLS or handshake trouble: the clients will report it per connection
  }
}

export async function runLoadFromCli(
  profiles: LoadProfile[],
  flags: LoadCliFlags,
  io: LoadCliIo,
): Promise<{ results: LoadResult[]; exitCode: ExitCode }> {
  const tty = io.isTTY ?? io.out.isTTY === true;
  const signal = io.signal ?? new AbortController().signal;
  const results: LoadResult[] = [];
  let situation: ExitCode | undefined;
  const unreachable = await probeBroker(flags.broker);
  if (unreachable !== undefined) {
    io.out.write(`crucible: broker unreachable: ${unreachable}\n`);
    return { results, exitCode: EXIT.brokerUnreachable };
  }
  for (const profile of profiles) {
    if (signal.aborted) break;
    const lines = new LoadProgressLines(tty, makeStyle(false), io.plainEveryMs ?? 5000);
    let lastLen = 0;
    const opts: Parameters<typeof runLoad>[1] = {
      brokerUrl: flags.broker,
      signal,
      overrides: {
        ...(flags.clients !== undefined ? { clients: flags.clients } : {}),
        ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
        ...(flags.durationMs !== undefined ? { durationMs: flags.durationMs } : {}),
      },
      onProgress: (p) => {
        const line = lines.next(p);
        if (line === undefined) return;
        if (tty) {
          io.out.write(`\r${line.padEnd(lastLen)}`);
          lastLen = line.length;
        } else io.out.write(`${line}\n`);
      },
    };
    if (flags.brokerLabel !== undefined) opts.brokerLabel = flags.brokerLabel;
    if (flags.workers !== undefined) opts.workers = flags.workers;
    if (flags.shard !== undefined) opts.shard = flags.shard;
    if (flags.startAt !== undefined) opts.startAt = flags.startAt;
    const r = await runLoad(profile, opts);
    if (tty && lastLen > 0) io.out.write('\n');
    results.push(r);
    io.onResult?.(r);
    if (io.summary === true) io.out.write(`${formatLoadSummary(r)}\n`);
    const clients = r.groups.reduce((s, g) => s + g.clients, 0);
    const connected = r.groups.reduce((s, g) => s + g.connected, 0) + (r.counters['storm.dropped'] ?? 0);
    if (clients > 0 && connected === 0 && (r.counters['connect.failures'] ?? 0) >= clients) {
      io.out.write(`crucible: broker ${flags.broker} unreachable: no client could connect\n`);
      situation = decideExit(situation, EXIT.brokerUnreachable);
      break;
    }
    if (r.generator.warnings.some((w) => w.startsWith('worker ')))
      situation = decideExit(situation, EXIT.harnessError);
  }
  return { results, exitCode: decideExit(situation, verdictOf({ run: {}, load: results }).exitCode) };
}
