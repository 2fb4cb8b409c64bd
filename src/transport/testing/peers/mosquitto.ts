// A private mosquitto on free 127.0.0.1 ports with a throwaway config in a directory of its own (never 1883):
// every listener the transports need (tcp, ws, tls, wss, and TLS requiring client certificates), or one tcp
// listener tuned for load runs and benchmarks. Tests and benchmarks only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { selfSignedCert } from '../certs.ts';
import { freePort } from '../ports.ts';
import { launch } from './launch.ts';
import { binaryMissing, skipReason } from './missing.ts';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

/** Why mosquitto cannot be used here (and how to install it), or undefined when it can. */
export function mosquittoMissing(opts: { tls?: boolean } = {}): string | undefined {
  const missing = binaryMissing(MOSQUITTO_BIN, 'mosquitto');
  if (missing || opts.tls === false) return missing;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    return 'openssl not found (install it with `apt-get install -y openssl`)';
  }
  return undefined;
}

export interface MosquittoPeer {
  url: string;
  port: number;
  /** a signal to mosquitto itself (SIGSTOP / SIGCONT) */
  signal(sig: NodeJS.Signals): void;
  stop(): Promise<void>;
}

interface MosquittoInstance extends MosquittoPeer {
  tcp: number;
  ws: number;
  tls: number;
  wss: number;
  /** TLS listener that requires a client certificate signed by `clientCertFile`. */
  mtls: number;
  dir: string;
  /** Server certificate (self-signed, CN/SAN 127.0.0.1): also the CA to trust. */
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

/** The settings of load runs: no connection limit, deep queues, no in-flight window, no log. */
const LOAD_SETTINGS = [
  'max_connections -1',
  'max_queued_messages 100000',
  'max_inflight_messages 0',
  'log_type none',
];

/** Writes mosquitto.conf into dir and starts mosquitto on it; ready once every port listens. */
export async function runMosquitto(
  dir: string,
  lines: string[],
  ports: number[],
  fdLimit?: number,
): Promise<MosquittoPeer> {
  const conf = join(dir, 'mosquitto.conf');
  // as root mosquitto would switch to user 'mosquitto', which cannot read our 0700 temp dir
  writeFileSync(conf, `${[`user ${userInfo().username}`, ...lines].join('\n')}\n`);
  const port = ports[0] as number;
  const p = await launch({
    what: 'mosquitto',
    argv: [MOSQUITTO_BIN, '-c', conf],
    ports,
    deadlineMs: 10_000,
    dir,
    ...(fdLimit ? { fdLimit } : {}),
  });
  return { url: `mqtt://127.0.0.1:${port}`, port, signal: p.signal, stop: p.stop };
}

/** One tcp listener with the load settings and `extra` config lines. */
export async function startLoadMosquitto(
  opts: { fdLimit?: number; extra?: string[] } = {},
): Promise<MosquittoPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-mosq-'));
  const port = await freePort();
  const lines = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    ...LOAD_SETTINGS,
    ...(opts.extra ?? []),
  ];
  return runMosquitto(dir, lines, [port], opts.fdLimit);
}

/** Every listener (tcp, ws, tls, wss, mTLS) with mosquitto's default limits and a log file in `dir`. */
export async function startMosquitto(): Promise<MosquittoInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-mosq-'));
  const server = selfSignedCert(dir, 'server');
  const client = selfSignedCert(dir, 'client');
  const ports = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const [tcp, ws, tls, wss, mtls] = ports as [number, number, number, number, number];
  const certs = [`certfile ${server.cert}`, `keyfile ${server.key}`];
  const lines = [
    'per_listener_settings false',
    'allow_anonymous true',
    'persistence false',
    `log_dest file ${join(dir, 'mosquitto.log')}`,
    `listener ${tcp} 127.0.0.1`,
    `listener ${ws} 127.0.0.1`,
    'protocol websockets',
    `listener ${tls} 127.0.0.1`,
    ...certs,
    `listener ${wss} 127.0.0.1`,
    'protocol websockets',
    ...certs,
    `listener ${mtls} 127.0.0.1`,
    ...certs,
    `cafile ${client.cert}`,
    'require_certificate true',
  ];
  const peer = await runMosquitto(dir, lines, ports);
  return {
    ...peer,
    tcp,
    ws,
    tls,
    wss,
    mtls,
    dir,
    caFile: server.cert,
    clientCertFile: client.cert,
    clientKeyFile: client.key,
  };
}

/** For `test(name, { skip: mosquittoSkipReason() }, ...)`, with every listener (so openssl too). */
export function mosquittoSkipReason(): string | false {
  return skipReason(mosquittoMissing());
}

/** The URL of one of a mosquitto's listeners: mqtt://, ws://.../mqtt or mqtts:// on 127.0.0.1. */
export function mosquittoUrl(m: MosquittoInstance, scheme: 'tcp' | 'ws' | 'tls'): string {
  if (scheme === 'ws') return `ws://127.0.0.1:${m.ws}/mqtt`;
  return scheme === 'tls' ? `mqtts://127.0.0.1:${m.tls}` : `mqtt://127.0.0.1:${m.tcp}`;
}

/**
 * A private mosquitto (every listener) for the tests of the enclosing describe(): started in before(), stopped in
 * after(). The object is filled in when before() has run.
 */
export function useMosquitto(): MosquittoInstance {
  const m = {} as MosquittoInstance;
  before(async () => {
    Object.assign(m, await startMosquitto());
  });
  after(async () => {
    await m.stop?.();
  });
  return m;
}
