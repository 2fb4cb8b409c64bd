// Real peers for load tests and benchmarks: a private mosquitto on a free port (own config file, never 1883).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../transport/testing/ports.ts';
import { startRabbit } from '../transport/testing/rabbitmq.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export { freePort };

/** A broker child never outlives this process (a crashed test or benchmark must not leave it running). */
function killOnExit(child: ChildProcess): void {
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
}

export interface MosquittoPeer {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Whether mosquitto is installed; under CI (any non-empty CI) a missing peer is an error naming the apt package. */
export function mosquittoAvailable(): boolean {
  if (existsSync(MOSQUITTO)) return true;
  if (process.env.CI)
    throw new Error(`mosquitto not found at ${MOSQUITTO}: install it with \`apt-get install -y mosquitto\``);
  return false;
}

export async function startMosquitto(
  opts: { fdLimit?: number; extra?: string[] } = {},
): Promise<MosquittoPeer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `${[
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_connections -1',
      'max_queued_messages 100000',
      'max_inflight_messages 0',
      'log_type none',
      ...(opts.extra ?? []),
    ].join('\n')}\n`,
  );
  const cmd = opts.fdLimit
    ? `ulimit -n ${opts.fdLimit} 2>/dev/null || ulimit -n $(ulimit -Hn); exec ${MOSQUITTO} -c ${conf}`
    : `exec ${MOSQUITTO} -c ${conf}`;
  const child = spawn('bash', ['-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'] });
  killOnExit(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await waitListening(port, child, 'mosquitto', () => stderr, 5000);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        await Promise.race([
          new Promise((r) => child.once('exit', r)),
          new Promise((r) => setTimeout(r, 3000)),
        ]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

async function waitListening(
  port: number,
  child: ChildProcess,
  what: string,
  stderr: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited: ${stderr().trim()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} did not listen on ${port} within ${timeoutMs / 1000} s: ${stderr().trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Node arguments that run `crucible broker` on 127.0.0.1:port with the given extra flags. */
function referenceBrokerArgs(port: number, extra: string[]): string[] {
  const main = join(REPO, 'src/cli/main.ts');
  return ['--import', 'tsx', main, 'broker', '--host', '127.0.0.1', '--port', String(port), ...extra];
}

/** The reference broker as its own process (`crucible broker`), so benchmarks do not share its event loop. */
export async function startReferenceBroker(extra: string[] = []): Promise<MosquittoPeer> {
  const port = await freePort();
  const child = spawn(process.execPath, referenceBrokerArgs(port, extra), {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  killOnExit(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await waitListening(port, child, 'reference broker', () => stderr);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([
          new Promise((r) => child.once('exit', r)),
          new Promise((r) => setTimeout(r, 3000)),
        ]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    },
  };
}

/** A private RabbitMQ node with its MQTT plugin (MQTT 3.1.1; its own node name, ports and data dir). */
export async function startRabbitPeer(): Promise<MosquittoPeer> {
  const r = await startRabbit();
  return { url: `mqtt://127.0.0.1:${r.mqtt}`, port: r.mqtt, child: r.child, stop: r.stop };
}

/** Brokers the benchmarks run against, side by side: BENCH_BROKERS=mosquitto,reference (default), or rabbitmq. */
export function benchBrokers(): Array<{ name: string; start: () => Promise<MosquittoPeer> }> {
  const names = (process.env.BENCH_BROKERS ?? 'mosquitto,reference').split(',').map((s) => s.trim());
  const starters: Record<string, () => Promise<MosquittoPeer>> = {
    reference: () => startReferenceBroker(),
    rabbitmq: () => startRabbitPeer(),
  };
  return names.map((name) => ({
    name,
    start: starters[name] ?? (() => startMosquitto({ fdLimit: 65536 })),
  }));
}

export interface RestartableBroker {
  url: string;
  port: number;
  /** A shell command that restarts the broker in place (same port, same persistence directory). */
  restartCommand: string;
  stop(): Promise<void>;
}

/**
 * mosquitto with `persistence true` in its own directory on a free port, run as a daemon (pid file) so that a
 * profile's restart command can stop it (SIGTERM: it saves its database) and start it again.
 */
export async function startRestartableMosquitto(): Promise<RestartableBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-mosq-persist-'));
  const conf = join(dir, 'mosquitto.conf');
  const pidFile = join(dir, 'mosquitto.pid');
  writeFileSync(
    conf,
    `${[
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      `pid_file ${pidFile}`,
      // run as the current user: as root, mosquitto would switch to its own user and not reach this directory
      `user ${userInfo().username}`,
      'max_queued_messages 100000',
      'max_inflight_messages 0',
      'log_type none',
    ].join('\n')}\n`,
  );
  const restart = join(dir, 'restart.sh');
  writeFileSync(
    restart,
    [
      '#!/bin/sh',
      `pid=$(cat ${pidFile})`,
      'kill -TERM "$pid"',
      'while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done',
      `exec ${MOSQUITTO} -c ${conf} -d`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return restartable('mosquitto (persistent)', port, dir, pidFile, restart, 5000, async () => {
    const child = spawn(MOSQUITTO, ['-c', conf, '-d'], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r)); // the daemon forks and its parent returns
  });
}

/** What both restartable brokers share: the pid file kill on exit, the wait for the port, and stop(). */
async function restartable(
  what: string,
  port: number,
  dir: string,
  pidFile: string,
  restartCommand: string,
  waitMs: number,
  launch: () => Promise<void>,
): Promise<RestartableBroker> {
  const pid = (): number => Number(readFileSync(pidFile, 'utf8').trim());
  const kill = (): void => {
    try {
      process.kill(pid(), 'SIGKILL');
    } catch {
      // not running
    }
  };
  process.once('exit', kill);
  await launch();
  const deadline = Date.now() + waitMs;
  while (!(await portOpen(port))) {
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${waitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    restartCommand,
    stop: async () => {
      try {
        const p = pid();
        process.kill(p, 'SIGTERM');
        for (let i = 0; i < 60; i++) {
          process.kill(p, 0);
          await new Promise((r) => setTimeout(r, 50));
        }
        process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
      process.removeListener('exit', kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The reference broker as a restartable process (`crucible broker` on a free port, pid file, restart script), for
 * profiles with `restarts:`. `extra` are broker flags (a persistent store's flags, once it has one).
 */
export async function startRestartableReferenceBroker(extra: string[] = []): Promise<RestartableBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-ref-persist-'));
  const pidFile = join(dir, 'broker.pid');
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = [process.execPath, ...referenceBrokerArgs(port, extra)].map(q).join(' ');
  const start = join(dir, 'start.sh');
  writeFileSync(start, `#!/bin/sh\ncd ${q(REPO)}\n${cmd} >/dev/null 2>&1 &\necho $! > ${q(pidFile)}\n`, {
    mode: 0o755,
  });
  const restart = join(dir, 'restart.sh');
  writeFileSync(
    restart,
    `#!/bin/sh\npid=$(cat ${q(pidFile)})\nkill -TERM "$pid"\nwhile kill -0 "$pid" 2>/dev/null; do sleep 0.05; done\nexec ${q(start)}\n`,
    { mode: 0o755 },
  );
  return restartable('reference broker', port, dir, pidFile, restart, 15_000, async () => {
    await new Promise((r) => spawn('sh', [start], { stdio: 'ignore' }).once('exit', r));
  });
}
