// Test helper: a private RabbitMQ node (Debian's rabbitmq-server) with the MQTT plugin, and the Web MQTT plugin
// when it is installed. Everything that could collide with a system RabbitMQ or with another test run is its own:
// node name, Erlang cookie (HOME), data, log and config files in a temp dir, and free 127.0.0.1 ports for AMQP,
// MQTT, MQTT over WebSocket, Erlang distribution and a private epmd. Tests only.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../ports.ts';
import { type Launched, launch } from './launch.ts';
import { skipReason } from './missing.ts';

const RABBITMQ_LIB = '/usr/lib/rabbitmq/lib';
const EPMD = '/usr/bin/epmd';
const INSTALL_HINT =
  'install it with `apt-get install -y rabbitmq-server` (the rabbitmq_mqtt plugin ships with it)';

/** Startup is 10-20 s on a quiet machine; the deadline leaves room for a busy shared one. */
const START_DEADLINE_MS = 90_000;
/** SIGTERM gives the node this long to stop cleanly before the whole process group gets SIGKILL. */
const STOP_GRACE_MS = 20_000;

interface RabbitInstall {
  version: string;
  home: string;
  webMqtt: boolean;
}

export interface RabbitInstance {
  version: string;
  node: string;
  amqp: number;
  mqtt: number;
  /** Port of MQTT over WebSocket (path /ws), when the rabbitmq_web_mqtt plugin is installed. */
  ws?: number;
  dir: string;
  /** a signal to the node's server process */
  signal(sig: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** The installed rabbitmq-server with its MQTT plugin, or why it cannot be used. */
export function findRabbit(lib = RABBITMQ_LIB): RabbitInstall | string {
  if (!existsSync(EPMD)) return `${EPMD} not found (${INSTALL_HINT})`;
  let servers: string[] = [];
  try {
    servers = readdirSync(lib).filter((n) => /^rabbitmq_server-\d/.test(n));
  } catch {
    // not installed
  }
  const dir = servers.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).at(-1);
  if (!dir) return `${lib}/rabbitmq_server-* not found (${INSTALL_HINT})`;
  const home = join(lib, dir);
  const plugins = existsSync(join(home, 'plugins')) ? readdirSync(join(home, 'plugins')) : [];
  if (!plugins.some((p) => p.startsWith('rabbitmq_mqtt-')))
    return `the rabbitmq_mqtt plugin is missing from ${home}/plugins (${INSTALL_HINT})`;
  return {
    version: dir.slice('rabbitmq_server-'.length),
    home,
    webMqtt: plugins.some((p) => p.startsWith('rabbitmq_web_mqtt-')),
  };
}

/** For `test(name, { skip: rabbitSkipReason() }, ...)`: the one rule of ./missing.ts. */
export function rabbitSkipReason(found: RabbitInstall | string = findRabbit()): string | false {
  return skipReason(typeof found === 'string' ? found : undefined);
}

/** Processes still running with this node's environment (beam, epmd, port programs): `pid command` each. */
export function strayProcesses(node: string): string[] {
  const marker = Buffer.from(`RABBITMQ_NODENAME=${node}\0`);
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`).includes(marker)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z /.test(stat)) continue; // a zombie holds no port and no file
      found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function configFile(p: { amqp: number; mqtt: number; ws?: number | undefined; extra: string[] }): string {
  return [
    `listeners.tcp.1 = 127.0.0.1:${p.amqp}`,
    `mqtt.listeners.tcp.1 = 127.0.0.1:${p.mqtt}`,
    // anonymous MQTT clients connect as the default user guest, which RabbitMQ accepts over loopback only
    'mqtt.allow_anonymous = true',
    ...(p.ws ? [`web_mqtt.tcp.port = ${p.ws}`, 'web_mqtt.tcp.ip = 127.0.0.1'] : []),
    'log.console = false',
    'log.file.level = warning',
    ...p.extra,
    '',
  ].join('\n');
}

/** Answers a minimal MQTT 3.1.1 CONNECT with a CONNACK: the node is ready, not only listening. */
function connackFrom(port: number): Promise<boolean> {
  const id = `crucible-ready-${process.pid}`;
  const body = Buffer.concat([
    Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 10, 0, id.length]),
    Buffer.from(id),
  ]);
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), 2000);
    s.once('connect', () => s.write(Buffer.concat([Buffer.from([0x10, body.length]), body])));
    s.once('data', (d: Buffer) => done(d[0] === 0x20 && d[3] === 0));
    s.once('error', () => done(false));
    s.once('close', () => done(false));
  });
}

/** The lines that say why a node failed: its first error lines, then the last lines (bounded either way). */
function tail(text: string): string {
  const lines = text.trim().split('\n');
  const errors = lines.filter((l) => /\[error\]/.test(l)).slice(0, 8);
  const last = lines.slice(-8).filter((l) => !errors.includes(l));
  return [...errors, ...last].map((l) => l.slice(0, 300)).join('\n');
}

/** The private epmd of a node, on its own port, with the node's environment. */
function startEpmd(env: NodeJS.ProcessEnv, dir: string, port: number): Promise<Launched> {
  return launch({
    what: 'epmd',
    argv: [EPMD, '-port', String(port), '-address', '127.0.0.1'],
    env,
    cwd: dir,
    stdout: join(dir, 'log', 'epmd.log'),
    ports: [port],
    deadlineMs: START_DEADLINE_MS,
  });
}

/** The environment of a node: everything that could collide with another node is in its own dir and ports. */
function nodeEnv(dir: string, node: string, ports: { amqp: number; dist: number; epmd: number }) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir, // the node's own Erlang cookie
    LANG: 'C.UTF-8',
    RABBITMQ_NODENAME: node,
    RABBITMQ_BASE: dir,
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(ports.amqp),
    RABBITMQ_DIST_PORT: String(ports.dist),
    ERL_EPMD_PORT: String(ports.epmd),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_CRASH_DUMP: join(dir, 'log', 'erl_crash.dump'),
  };
}

/**
 * Starts a private epmd, then the node (each under the launcher's watchdog, in a process group of its own).
 * stop() stops the node with SIGTERM, then its epmd, and removes the dir. `config` lines are appended to the
 * generated rabbitmq.conf.
 */
export async function startRabbit(opts: { config?: string[] } = {}): Promise<RabbitInstance> {
  const install = findRabbit();
  if (typeof install === 'string') throw new Error(`rabbitmq cannot start: ${install}`);
  const dir = mkdtempSync(join(tmpdir(), 'crucible-rabbit-'));
  const [amqp, mqtt, dist, epmd] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const ws = install.webMqtt ? await freePort() : undefined;
  const node = `crucible-${process.pid}-${amqp}@localhost`;
  for (const sub of ['mnesia', 'log']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'rabbitmq.conf'), configFile({ amqp, mqtt, ws, extra: opts.config ?? [] }));
  writeFileSync(join(dir, 'enabled_plugins'), `[rabbitmq_mqtt${ws ? ',rabbitmq_web_mqtt' : ''}].\n`);
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  writeFileSync(join(dir, 'advanced.config'), '[].\n');
  const env = nodeEnv(dir, node, { amqp, dist, epmd });
  let epmdPeer: Launched;
  try {
    epmdPeer = await startEpmd(env, dir, epmd);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const read = (name: string): string => {
    try {
      return tail(readFileSync(join(dir, 'log', name), 'utf8'));
    } catch {
      return ''; // not written yet
    }
  };
  let server: Launched;
  try {
    server = await launch({
      what: `rabbitmq ${install.version} (node ${node})`,
      argv: [join(install.home, 'sbin', 'rabbitmq-server')],
      env,
      cwd: dir,
      stdout: join(dir, 'log', 'server.out'),
      ready: () => connackFrom(mqtt),
      deadlineMs: START_DEADLINE_MS,
      pollMs: 250,
      graceMs: STOP_GRACE_MS,
      explain: (stderr) => [read('server.out'), read(`${node}.log`), tail(stderr)].filter(Boolean).join('\n'),
    });
  } catch (err) {
    await epmdPeer.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stop = async (): Promise<void> => {
    await server.stop();
    await epmdPeer.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    version: install.version,
    node,
    amqp,
    mqtt,
    ...(ws ? { ws } : {}),
    dir,
    signal: server.signal,
    stop,
  };
}
