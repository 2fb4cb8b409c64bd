// The reference broker in a process of its own, two ways: `crucible broker` on a free port (benchmarks and load
// tests: it does not share their event loop), and a forked child reporting over IPC (tests that must see the
// broker crash, kill it with SIGKILL, or close it cleanly). Tests and benchmarks only.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../ports.ts';
import { killOnExit, launch } from './launch.ts';
import type { MosquittoPeer } from './mosquitto.ts';

export const REPO = join(import.meta.dirname, '..', '..', '..', '..');

/** Node arguments that run `crucible broker` on 127.0.0.1:port with the given extra flags. */
export function referenceBrokerArgs(port: number, extra: string[]): string[] {
  const main = join(REPO, 'src/cli/main.ts');
  return ['--import', 'tsx', main, 'broker', '--host', '127.0.0.1', '--port', String(port), ...extra];
}

export interface ReferenceBrokerPeer extends MosquittoPeer {
  pid: number;
  /** how the broker ended ('code 1', 'signal SIGKILL', ...); undefined while it runs */
  exitStatus(): string | undefined;
}

/**
 * `crucible broker` on a free port, with broker flags `extra`; `nodeArgs` go to node before the rest, `onLine`
 * gets every line the broker prints.
 */
export async function startReferenceBroker(
  extra: string[] = [],
  opts: { nodeArgs?: string[]; onLine?: (line: string) => void; deadlineMs?: number } = {},
): Promise<ReferenceBrokerPeer> {
  const port = await freePort();
  const p = await launch({
    what: 'reference broker',
    argv: [process.execPath, ...(opts.nodeArgs ?? []), ...referenceBrokerArgs(port, extra)],
    cwd: REPO,
    ports: [port],
    deadlineMs: opts.deadlineMs ?? 15_000,
    ...(opts.onLine ? { stdout: 'stderr', onLine: opts.onLine } : {}),
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    pid: p.pid,
    signal: p.signal,
    exitStatus: p.exitStatus,
    stop: p.stop,
  };
}

export interface BrokerProcess {
  port: number;
  /** exit code or signal once the process has ended; undefined while it runs */
  exited(): string | undefined;
  /** what the broker wrote to stderr (last 16 KiB) */
  stderr(): string;
  stop(): Promise<void>;
  /** SIGKILL: no clean-up of any kind (a crash, or kill -9) */
  kill(): Promise<void>;
  /** a clean stop: the broker closes its connections and its store, then exits */
  close(): Promise<void>;
}

/**
 * Starts the forked broker with a partial config (object) or a reference-broker/configs/ file name
 * ('auth.yaml'). The child exits when this process goes (its IPC channel closes).
 */
export function startBrokerProcess(
  config: object | string = {},
  timeoutMs = 15_000,
  startOptions: { storeFaults?: string[] } = {},
): Promise<BrokerProcess> {
  const arg = typeof config === 'string' ? config : JSON.stringify(config);
  const child: ChildProcess = fork(
    join(import.meta.dirname, 'reference-child.ts'),
    [arg, JSON.stringify(startOptions)],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-16384);
  });
  let exit: string | undefined;
  const undo = killOnExit(() => child.kill('SIGKILL'));
  const ended = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      exit = signal ?? String(code);
      undo();
      r();
    }),
  );
  const end = async (how: () => void): Promise<void> => {
    if (exit === undefined) how();
    await ended;
  };
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill();
      reject(new Error(`broker process did not start within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      reject(new Error(`broker process exited at start (${exit}): ${err}`));
    });
    child.once('message', (m: { port: number }) => {
      clearTimeout(t);
      resolve({
        port: m.port,
        exited: () => exit,
        stderr: () => err,
        stop: () => end(() => child.kill()),
        kill: () => end(() => child.kill('SIGKILL')),
        close: () => end(() => child.send({ cmd: 'close' })),
      });
    });
  });
}
