// Broker restarts from a load profile (`restarts:`): at its time the coordinator runs the user's command through
// the shell (e.g. `systemctl restart mosquitto`, `docker restart broker`), kills it at its deadline, then waits
// (bounded) until the broker accepts TCP connections again. What happened is recorded for the results.
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { FaultPhaseRecord } from '../results/model.ts';
import type { RestartSpec } from '../scenario/load-profile/model.ts';
import { toEndpoint } from '../transport/index.ts';
import { clock } from './payload.ts';

/** One restart as it happened: the results' restart record, with its name and its span in the run (ms from the
 *  start of publishing: when the command started, and when the broker was back or the wait gave up). */
export type RestartRecord = NonNullable<FaultPhaseRecord['restart']> & {
  name: string;
  startMs: number;
  endMs: number;
};

const OUTPUT_LIMIT = 2048;

function runCommand(
  command: string,
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null; output: string; error?: string }> {
  return new Promise((resolve) => {
    let out = '';
    const keep = (d: Buffer): void => {
      out = (out + d.toString()).slice(-OUTPUT_LIMIT);
    };
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let timedOut = false;
    const t = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(t);
      resolve({ code: null, signal: null, output: out, error: err.message });
    });
    // 'exit', not 'close': a command that starts a daemon (`broker &`) may leave it holding our pipes open.
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      child.stdout?.destroy();
      child.stderr?.destroy();
      const r: { code: number | null; signal: string | null; output: string; error?: string } = {
        code,
        signal,
        output: out.trim(),
      };
      if (timedOut) r.error = `command killed after its ${timeoutMs} ms deadline`;
      else if (code !== 0) r.error = `command exited with ${code ?? signal}`;
      resolve(r);
    });
  });
}

function tcpUp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, 1000);
    s.once('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

/** Runs one restart now: the command, then the wait for the broker. Never throws. */
export async function runRestart(spec: RestartSpec, brokerUrl: string, t0: number): Promise<RestartRecord> {
  const start = clock();
  const r = await runCommand(spec.command, spec.timeoutMs);
  const ran = clock();
  let back: number | null = null;
  const ep = toEndpoint(new URL(brokerUrl));
  const deadline = ran + spec.waitMs;
  while (ep && clock() < deadline) {
    if (await tcpUp(ep.host, ep.port)) {
      back = Math.round(clock() - ran);
      break;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  const rec: RestartRecord = {
    name: spec.name,
    command: spec.command,
    startMs: Math.round(start - t0),
    endMs: Math.round(clock() - t0),
    exitCode: r.code,
    signal: r.signal,
    commandMs: Math.round(ran - start),
    backAfterMs: back,
    output: r.output,
  };
  const err = r.error ?? (back === null ? `broker not back within ${spec.waitMs} ms` : undefined);
  if (err) rec.error = err;
  return rec;
}

/** Schedules every restart of the profile from t0; `done()` resolves with the records of those that ran. */
export function scheduleRestarts(
  specs: RestartSpec[],
  brokerUrl: string,
  t0: number,
): { done(): Promise<RestartRecord[]>; cancel(): void } {
  const timers: NodeJS.Timeout[] = [];
  const running: Array<Promise<RestartRecord>> = [];
  for (const s of specs) {
    timers.push(
      setTimeout(() => running.push(runRestart(s, brokerUrl, t0)), Math.max(0, t0 + s.atMs - clock())),
    );
  }
  return {
    done: () => Promise.all(running),
    cancel: () => {
      for (const t of timers) clearTimeout(t);
    },
  };
}
