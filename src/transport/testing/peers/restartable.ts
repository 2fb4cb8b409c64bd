// Brokers a load profile's `restarts:` can restart in place: a daemon with a pid file in a directory of its own,
// on a free port, with a restart script (stop with SIGTERM, wait, start again on the same port and store).
// Tests only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../ports.ts';
import { killOnExit, portOpen, sleep, waitReady } from './launch.ts';
import { MOSQUITTO_BIN } from './mosquitto.ts';
import { REPO, referenceBrokerArgs } from './reference-process.ts';

export interface RestartableBroker {
  url: string;
  port: number;
  /** A shell command that restarts the broker in place (same port, same persistence directory). */
  restartCommand: string;
  stop(): Promise<void>;
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The restart script: SIGTERM to the pid in pidFile, wait until it is gone, then `start`. */
function restartScript(dir: string, pidFile: string, start: string): string {
  const file = join(dir, 'restart.sh');
  const lines = [
    '#!/bin/sh',
    `pid=$(cat ${q(pidFile)})`,
    'kill -TERM "$pid"',
    'while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done',
    `exec ${start}`,
    '',
  ];
  writeFileSync(file, lines.join('\n'), { mode: 0o755 });
  return file;
}

/** What both restartable brokers share: the start, the kill on exit, the wait for the port, and stop(). */
async function restartable(
  what: string,
  port: number,
  dir: string,
  pidFile: string,
  start: string,
  waitMs: number,
): Promise<RestartableBroker> {
  const pid = (): number => Number(readFileSync(pidFile, 'utf8').trim());
  const undo = killOnExit(() => {
    try {
      process.kill(pid(), 'SIGKILL');
    } catch {
      // not running
    }
  });
  await new Promise((r) => spawn('sh', ['-c', start], { stdio: 'ignore' }).once('exit', r)); // it daemonizes
  if ((await waitReady(() => portOpen(port), waitMs)) !== 'ready')
    throw new Error(`${what} did not listen on ${port} within ${waitMs / 1000} s`);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    restartCommand: restartScript(dir, pidFile, start),
    stop: async () => {
      try {
        const p = pid();
        process.kill(p, 'SIGTERM');
        for (let i = 0; i < 60; i++) {
          process.kill(p, 0);
          await sleep(50);
        }
        process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
      undo();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** mosquitto with `persistence true` in its own directory, run as a daemon (SIGTERM: it saves its database). */
export async function startRestartableMosquitto(): Promise<RestartableBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-mosq-persist-'));
  const conf = join(dir, 'mosquitto.conf');
  const pidFile = join(dir, 'mosquitto.pid');
  const lines = [
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
  ];
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const start = `${q(MOSQUITTO_BIN)} -c ${q(conf)} -d`;
  return restartable('mosquitto (persistent)', port, dir, pidFile, start, 5000);
}

/**
 * The reference broker as a restartable process (`crucible broker` on a free port, pid file, restart script).
 * `extra` are broker flags (a persistent store's flags, once it has one).
 */
export async function startRestartableReferenceBroker(extra: string[] = []): Promise<RestartableBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-ref-persist-'));
  const pidFile = join(dir, 'broker.pid');
  const cmd = [process.execPath, ...referenceBrokerArgs(port, extra)].map(q).join(' ');
  const start = join(dir, 'start.sh');
  writeFileSync(start, `#!/bin/sh\ncd ${q(REPO)}\n${cmd} >/dev/null 2>&1 &\necho $! > ${q(pidFile)}\n`, {
    mode: 0o755,
  });
  return restartable('reference broker', port, dir, pidFile, q(start), 15_000);
}
