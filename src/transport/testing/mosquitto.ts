// Test helper: starts a private mosquitto (tcp, ws, tls, wss, and a TLS listener requiring client
// certificates) on free 127.0.0.1 ports with a throwaway config and certificates. Tests only.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCert } from './certs.ts';
import { freePort } from './ports.ts';

export { freePort };

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

export interface MosquittoInstance {
  tcp: number;
  ws: number;
  tls: number;
  wss: number;
  /** TLS listener that requires a client certificate signed by `clientCert`. */
  mtls: number;
  dir: string;
  /** Server certificate (self-signed, CN/SAN 127.0.0.1): also the CA to trust. */
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  stop(): Promise<void>;
}

/** Why mosquitto cannot be used here, or undefined when it can. */
export function mosquittoMissing(): string | undefined {
  if (!existsSync(MOSQUITTO_BIN))
    return `${MOSQUITTO_BIN} not found (install it with \`apt-get install -y mosquitto\`)`;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    return 'openssl not found (install it with `apt-get install -y openssl`)';
  }
  return undefined;
}

/** For `test(name, { skip: skipReason() }, ...)`: throws under CI (any non-empty CI) when a peer is missing. */
export function mosquittoSkipReason(): string | false {
  const why = mosquittoMissing();
  if (!why) return false;
  if (process.env.CI) throw new Error(`integration peer missing: ${why}`);
  return why;
}

function waitForPort(port: number, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`mosquitto did not listen on ${port} in time`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startMosquitto(): Promise<MosquittoInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-mosq-'));
  const server = selfSignedCert(dir, 'server');
  const client = selfSignedCert(dir, 'client');
  const [tcp, ws, tls, wss, mtls] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const conf = [
    // as root mosquitto would switch to user 'mosquitto', which cannot read our 0700 temp dir
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'per_listener_settings false',
    'allow_anonymous true',
    'persistence false',
    `log_dest file ${join(dir, 'mosquitto.log')}`,
    `listener ${tcp} 127.0.0.1`,
    `listener ${ws} 127.0.0.1`,
    'protocol websockets',
    `listener ${tls} 127.0.0.1`,
    `certfile ${server.cert}`,
    `keyfile ${server.key}`,
    `listener ${wss} 127.0.0.1`,
    'protocol websockets',
    `certfile ${server.cert}`,
    `keyfile ${server.key}`,
    `listener ${mtls} 127.0.0.1`,
    `certfile ${server.cert}`,
    `keyfile ${server.key}`,
    `cafile ${client.cert}`,
    'require_certificate true',
    '',
  ].join('\n');
  const confFile = join(dir, 'mosquitto.conf');
  writeFileSync(confFile, conf);
  // Watchdog: mosquitto runs under a small shell that kills it as soon as our end of its stdin
  // pipe closes, which also happens when this test process dies without calling stop().
  const script = [
    'exec 3<&0',
    '"$0" -c "$1" </dev/null &',
    'm=$!',
    'echo "$m"',
    '(cat <&3 >/dev/null; kill "$m" 2>/dev/null) &',
    'wait "$m"',
  ].join('\n');
  const child: ChildProcess = spawn('/bin/sh', ['-c', script, MOSQUITTO_BIN, confFile], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let brokerPid = 0;
  child.stdout?.once('data', (d: Buffer) => {
    brokerPid = Number.parseInt(d.toString(), 10) || 0;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (signal: NodeJS.Signals) => {
    if (brokerPid > 0) {
      try {
        process.kill(brokerPid, signal);
      } catch {
        // already gone
      }
    }
  };
  const deadline = Date.now() + 10_000;
  try {
    await Promise.race([
      Promise.all([tcp, ws, tls, wss, mtls].map((p) => waitForPort(p, deadline))),
      exited.then(() => {
        throw new Error(`mosquitto exited: ${stderr}`);
      }),
    ]);
  } catch (err) {
    kill('SIGKILL');
    child.stdin?.end();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    tcp,
    ws,
    tls,
    wss,
    mtls,
    dir,
    caFile: server.cert,
    clientCertFile: client.cert,
    clientKeyFile: client.key,
    async stop() {
      if (child.exitCode === null) {
        child.stdin?.end(); // the watchdog sends SIGTERM
        const t = setTimeout(() => kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
