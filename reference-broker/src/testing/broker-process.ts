// A reference broker in its own process, so that a test sees it exit (an uncaught exception in
// a socket callback would otherwise take the test runner down instead of failing one test).
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

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

/** Starts the broker with a partial config (object) or a configs/ file name ('auth.yaml'). */
export function startBrokerProcess(
  config: object | string = {},
  timeoutMs = 15_000,
  startOptions: { storeFaults?: string[] } = {},
): Promise<BrokerProcess> {
  const arg = typeof config === 'string' ? config : JSON.stringify(config);
  const child: ChildProcess = fork(
    join(import.meta.dirname, 'broker-child.ts'),
    [arg, JSON.stringify(startOptions)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-16384);
  });
  let exit: string | undefined;
  const ended = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      exit = signal ?? String(code);
      r();
    }),
  );
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
        stop: async () => {
          if (exit === undefined) child.kill();
          await ended;
        },
        kill: async () => {
          if (exit === undefined) child.kill('SIGKILL');
          await ended;
        },
        close: async () => {
          if (exit === undefined) child.send({ cmd: 'close' });
          await ended;
        },
      });
    });
  });
}
