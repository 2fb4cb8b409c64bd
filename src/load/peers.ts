// Real peers for load tests and benchmarks: a private mosquitto on a free port (own config file, never 1883).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRabbit } from '../transport/testing/rabbitmq.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

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

/** The reference broker as its own process (`crucible broker`), so benchmarks do not share its event loop. */
export async function startReferenceBroker(extra: string[] = []): Promise<MosquittoPeer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO, 'src/cli/main.ts'),
      'broker',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      ...extra,
    ],
    {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
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
