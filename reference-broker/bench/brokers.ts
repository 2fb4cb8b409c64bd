// Brokers under benchmark, each in a process of its own on a free port of 127.0.0.1: the reference
// broker and aedes through broker-child.ts, mosquitto from /usr/sbin/mosquitto with a generated
// config. Shared by broker.bench.ts and connect-storm.bench.ts.
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO = '/usr/sbin/mosquitto';

/** A port on 127.0.0.1 the kernel just handed out (the reference broker imports only src/protocol). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
const CLK_TCK = 100; // Linux USER_HZ

export interface BrokerProc {
  name: string;
  port: number;
  pid: number;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone */
  stop(): Promise<void>;
}

/** CPU time (user + system) of a process from /proc, in ms; NaN once it is gone. */
export function cpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN; // process gone
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK; // utime + stime
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export function aedesVersion(): string {
  try {
    const pkg = join(import.meta.dirname, '../../node_modules/aedes/package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export function mosquittoVersion(): string {
  try {
    execFileSync(MOSQUITTO, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // mosquitto -h exits 3; its first line is "mosquitto version X"
    const out = String((e as { stdout?: string }).stdout ?? '');
    const m = /mosquitto version (\S+)/.exec(out);
    if (m) return m[1]!;
  }
  return '?';
}

function stopper(child: ChildProcess, exited: () => boolean, after?: () => void): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(kill);
        after?.();
        resolve();
      };
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      if (exited()) return done();
      child.once('exit', done);
      child.kill();
    });
}

export type NodeBroker =
  | 'reference'
  | 'reference-acl'
  | 'reference-persist'
  | 'reference-persist-full'
  | 'aedes'
  | 'node-floor';

export interface NodeBrokerOptions {
  /** settings added to the reference broker's config (BrokerConfig fields) */
  config?: Record<string, unknown>;
  /** options of Aedes.createBroker */
  aedes?: Record<string, unknown>;
  /** run the reference broker's start-up warm-up, as `crucible broker` does */
  warmUp?: boolean;
  /** the checkout whose reference-broker/src is run (default: this one) */
  tree?: string | undefined;
  /** node flags of the broker process (e.g. --cpu-prof) */
  execArgv?: string[];
}

export async function startNodeBroker(kind: NodeBroker, o: NodeBrokerOptions = {}): Promise<BrokerProc> {
  const child: ChildProcess = fork(
    join(import.meta.dirname, 'broker-child.ts'),
    [
      kind,
      JSON.stringify(o.config ?? {}),
      JSON.stringify({ aedes: o.aedes, warmUp: o.warmUp, tree: o.tree }),
    ],
    {
      execArgv: ['--import', 'tsx', ...(o.execArgv ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${kind} did not start`)), 20000);
    child.once('message', (m: { port: number }) => {
      clearTimeout(t);
      resolve(m.port);
    });
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
  child.on('error', () => {}); // IPC reset when the child dies
  return {
    name: kind === 'aedes' ? `aedes ${aedesVersion()}` : kind,
    port,
    pid: child.pid!,
    alive: () => !exited,
    stop: stopper(child, () => exited),
  };
}

async function reachable(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = netConnect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** mosquitto with `listener <port> 127.0.0.1`, `log_type none` and the given config lines. */
export async function startMosquitto(lines: string[]): Promise<BrokerProc | undefined> {
  if (!existsSync(MOSQUITTO)) {
    console.error('mosquitto not found (apt package mosquitto): skipped');
    return undefined;
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', ...lines, 'log_type none', ''].join('\n'),
  );
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 100 && !exited; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (await reachable(port)) break;
  }
  return {
    name: `mosquitto ${mosquittoVersion()}`,
    port,
    pid: child.pid!,
    alive: () => !exited,
    stop: stopper(
      child,
      () => exited,
      () => rmSync(dir, { recursive: true, force: true }),
    ),
  };
}
