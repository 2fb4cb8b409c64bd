// The one launcher core of the peer brokers (tests and benchmarks only): a program under a small watchdog shell
// in a process group of its own, ready when its ports accept connections (or its own check says so) within a
// deadline, and stopped with SIGTERM, then SIGKILL for the whole group after a grace period; its temp dir goes
// with it. The watchdog stops the program as soon as our end of its stdin closes, which also happens when the
// test process dies without calling stop(); a process that exits normally kills the group on its way out.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';

/** How much of a program's stderr is kept for an error message. */
const STDERR_KEEP = 16 * 1024;

interface LaunchSpec {
  /** what error messages call the program ('mosquitto', 'reference broker') */
  what: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** where the program's stdout goes (default /dev/null; 'stderr': with its stderr); its stderr is kept (the last
   * 16 KiB) */
  stdout?: string;
  /** every line the program writes to its stderr (and its stdout, with stdout: 'stderr') */
  onLine?: (line: string) => void;
  /** open-file limit for the program (the hard limit when this one is refused) */
  fdLimit?: number;
  /** ready once every one of these 127.0.0.1 ports accepts a connection ... */
  ports?: number[];
  /** ... or once this says so */
  ready?: () => Promise<boolean>;
  deadlineMs: number;
  pollMs?: number;
  /** how long the program may take to stop after SIGTERM before its group gets SIGKILL (default 3 s) */
  graceMs?: number;
  /** a directory of its own, removed on stop and when the start fails */
  dir?: string;
  /** the detail of the error message when the start fails (default: the program's stderr) */
  explain?: (stderr: string) => string;
}

export interface Launched {
  /** the program's pid (not the watchdog's) */
  pid: number;
  /** a signal to the program itself (SIGSTOP and SIGCONT stall a broker) */
  signal(sig: NodeJS.Signals): void;
  exited(): boolean;
  /** how the program ended ('code 0', 'code 143' after SIGTERM, ...); undefined while it runs */
  exitStatus(): string | undefined;
  stderr(): string;
  stop(): Promise<void>;
}

const WATCHDOG = [
  'lim=$1; out=$2; shift 2',
  'exec 3<&0',
  'if [ "$lim" != 0 ]; then ulimit -n "$lim" 2>/dev/null || ulimit -n "$(ulimit -Hn)"; fi',
  'if [ "$out" = stderr ]; then "$@" </dev/null >&2 & else "$@" </dev/null >"$out" & fi',
  'm=$!',
  'echo "$m"',
  '(cat <&3 >/dev/null; kill -TERM "$m" 2>/dev/null) &',
  'wait "$m" 2>/dev/null', // without the shell's own "Terminated" line
].join('\n');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether 127.0.0.1:port accepts a connection now. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

async function portsOpen(ports: readonly number[]): Promise<boolean> {
  return (await Promise.all(ports.map(portOpen))).every(Boolean);
}

/**
 * Polls `ready` until it says yes; 'gone' when `gone()` turns true first, 'late' past the deadline.
 */
export async function waitReady(
  ready: () => Promise<boolean>,
  deadlineMs: number,
  gone: () => boolean = () => false,
  pollMs = 50,
): Promise<'ready' | 'gone' | 'late'> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (gone()) return 'gone';
    if (await ready()) return 'ready';
    if (Date.now() > deadline) return 'late';
    await sleep(pollMs);
  }
}

/** Runs `kill` when this process exits (a crashed test must not leave a broker running); returns the undo. */
export function killOnExit(kill: () => void): () => void {
  process.once('exit', kill);
  return () => process.removeListener('exit', kill);
}

function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, sig);
  } catch {
    // already gone
  }
}

export async function launch(spec: LaunchSpec): Promise<Launched> {
  const child = spawn(
    '/bin/sh',
    ['-c', WATCHDOG, 'peer', String(spec.fdLimit ?? 0), spec.stdout ?? '/dev/null', ...spec.argv],
    { env: spec.env ?? process.env, cwd: spec.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  let err = '';
  let partial = '';
  child.stderr?.on('data', (d: Buffer) => {
    const text = d.toString();
    err = (err + text).slice(-STDERR_KEEP);
    if (!spec.onLine) return;
    const lines = (partial + text).split('\n');
    partial = (lines.pop() as string).slice(-STDERR_KEEP);
    for (const line of lines) spec.onLine(line);
  });
  let pid = 0;
  const pidKnown = new Promise<void>((resolve) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (!pid && out.includes('\n')) pid = Number.parseInt(out, 10) || 0;
      if (pid) resolve();
    });
    child.once('exit', () => resolve());
  });
  let gone = false;
  let status: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = true;
      status = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    }),
  );
  const undo = killOnExit(() => signalGroup(child, 'SIGKILL'));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!gone) {
      // SIGTERM straight to the program (the watchdog's own SIGTERM, on our end of its stdin closing, comes later)
      try {
        if (pid > 0) process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      child.stdin?.end();
      const t = setTimeout(() => signalGroup(child, 'SIGKILL'), spec.graceMs ?? 3000);
      await exited;
      clearTimeout(t);
    }
    signalGroup(child, 'SIGKILL'); // whatever is left in the group
    undo();
    if (spec.dir) rmSync(spec.dir, { recursive: true, force: true });
  };
  const ports = spec.ports ?? [];
  const ready = spec.ready ?? (() => portsOpen(ports));
  const state = await waitReady(ready, spec.deadlineMs, () => gone, spec.pollMs);
  if (state !== 'ready') {
    const why = state === 'gone' ? 'exited' : `was not ready within ${spec.deadlineMs / 1000} s`;
    const detail = spec.explain ? spec.explain(err) : err.trim();
    await stop();
    throw new Error(`${spec.what} ${why}${detail ? `:\n${detail}` : ''}`);
  }
  await pidKnown;
  return {
    pid,
    signal: (sig) => {
      if (pid > 0 && !gone) process.kill(pid, sig);
    },
    exited: () => gone,
    exitStatus: () => status,
    stderr: () => err,
    stop,
  };
}
