// Connection storm: N clients open TCP connections to 127.0.0.1 at once (as fast as one lean client
// process can: storm-client.ts), send CONNECT (clean session, unique client ids, keep alive 60) and
// wait for CONNACK. Per broker and size: connections per second (first connect() to last CONNACK),
// CONNACK latency p50/p90/p99/max (from that client's connect() call to its CONNACK) and every failure
// (refused, reset, timeout, non-zero CONNACK, other socket errors), and the broker's CPU time (the storm
// and the clients' resets at its end). Each broker runs in its own process,
// started fresh for each size: the reference broker as `crucible broker` runs it (its defaults, with the
// start-up warm-up), aedes with its defaults, mosquitto with `max_connections -1`; node-floor (not in
// the default set) is a bare Node.js socket server that answers every read with a CONNACK: the cost of
// Node's own sockets, below which no broker on Node.js can go.
// A single storm on a shared 2-core machine moves by ±30 %, so each size runs --rounds times, the
// brokers in a rotated order each round, and the summary gives each figure's median over the rounds
// (conn/s also its range) and how many rounds had a tail of 1 s or more: a SYN retransmission, the
// mark of a listen queue that overflowed (mosquitto listens with a backlog of 100); the kernel's count of
// such overflows (TcpExt ListenOverflows, /proc/net/netstat) during each storm is shown too.
//   npx tsx reference-broker/bench/connect-storm.bench.ts [--sizes 1000,10000] [--mqtt5] [--rounds 5]
//       [--brokers reference,aedes,mosquitto] [--batch 100] [--deadline 60] (seconds, per storm)
//       [--tree /path/to/checkout] (adds the broker `tree`: that checkout's reference broker, run like
//       `reference`, to compare before and after side by side in one run)
//       [--cpu-prof dir] (the reference broker writes a V8 CPU profile of each storm there)
import { type ChildProcess, execSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BrokerProc, cpuMs, startMosquitto, startNodeBroker } from './brokers.ts';
import type { StormResult } from './storm-client.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    brokers: { type: 'string', default: 'reference,aedes,mosquitto' },
    rounds: { type: 'string', default: '5' },
    mqtt5: { type: 'boolean', default: false },
    batch: { type: 'string', default: '100' },
    deadline: { type: 'string', default: '60' },
    tree: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const SIZES = String(values.sizes).split(',').map(Number);
const VERSION = values.mqtt5 ? 5 : 4;
const BATCH = Number(values.batch);
const DEADLINE_MS = Number(values.deadline) * 1000;
const TREE = values.tree ? resolve(values.tree) : undefined;
const ROUNDS = Number(values.rounds);
const BROKERS = String(values.brokers).split(',');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error(`--rounds must be a whole number of at least 1, not ${values.rounds}`);
  process.exit(3);
}

function limits(): { nofile: number; somaxconn: number } {
  let nofile = Number.NaN;
  let somaxconn = Number.NaN;
  try {
    nofile = Number(execSync('ulimit -n', { encoding: 'utf8', shell: '/bin/sh' }).trim());
  } catch {}
  try {
    somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
  } catch {}
  return { nofile, somaxconn };
}

/** The reference broker as `crucible broker` runs it, from this checkout or another one. */
async function startReference(tree: string | undefined): Promise<BrokerProc> {
  const b = await startNodeBroker('reference', {
    config: { sysIntervalSeconds: 10 }, // the shipped default ($SYS on)
    warmUp: true,
    tree,
    execArgv: values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'])] : [],
  });
  return tree ? { ...b, name: 'tree' } : b;
}

const starters: Record<string, () => Promise<BrokerProc | undefined>> = {
  reference: () => startReference(undefined),
  ...(TREE ? { tree: () => startReference(TREE) } : {}),
  aedes: () => startNodeBroker('aedes'),
  'node-floor': () => startNodeBroker('node-floor'),
  mosquitto: () => startMosquitto(['max_connections -1', 'persistence false']),
};

function runClient(port: number, n: number): Promise<StormResult> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = fork(
      join(import.meta.dirname, 'storm-client.ts'),
      [port, n, VERSION, BATCH, DEADLINE_MS].map(String),
      { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('storm client did not report'));
    }, DEADLINE_MS + 30_000);
    child.once('message', (m: StormResult) => {
      clearTimeout(t);
      resolvePromise(m);
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`storm client exited with ${code}`));
    });
  });
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Row {
  broker: string;
  n: number;
  r: StormResult;
  /** the broker process's CPU time during the storm */
  brokerCpuMs: number;
  /** connections the kernel dropped at the broker's full listen queue during the storm (SYN retried) */
  overflows: number;
}

function failures(r: StormResult): string {
  const other = Object.entries(r.other).map(([k, v]) => `${k} ${v}`);
  const total = r.n - r.ok;
  const parts = [
    `refused ${r.refused}`,
    `reset ${r.reset}`,
    `timeout ${r.timeout}`,
    `CONNACK≠0 ${r.rejected}`,
    ...other,
  ];
  return `${total} (${parts.join(', ')})`;
}

/** milliseconds with one decimal; '-' when there is no figure */
const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(1));
const rateOf = (r: StormResult): number => (r.ok > 0 ? (r.ok * 1000) / r.spanMs : 0);

function line(row: Row): string {
  const { r } = row;
  const rate = Math.round(rateOf(r));
  const lat = r.latencies;
  return `| ${row.broker} | ${row.n} | ${rate} | ${ms(pct(lat, 50))} | ${ms(pct(lat, 90))} | ${ms(pct(lat, 99))} | ${ms(lat.at(-1) ?? Number.NaN)} | ${failures(r)} | ${row.overflows} | ${Math.round(row.brokerCpuMs)} | ${Math.round(r.clientCpuMs)} / ${r.ok > 0 ? Math.round(r.spanMs) : '-'} |`;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One broker and size over its rounds: medians, the range of conn/s, the worst tail, all failures. */
function summary(rs: Row[]): string {
  const at = (p: number) => median(rs.map((x) => pct(x.r.latencies, p)));
  const rates = rs.map((x) => rateOf(x.r));
  const worst = Math.max(...rs.map((x) => x.r.latencies.at(-1) ?? Number.NaN));
  const tails = rs.filter((x) => (x.r.latencies.at(-1) ?? 0) >= 1000).length;
  const failed = rs.reduce((a, x) => a + x.r.n - x.r.ok, 0);
  const overflows = rs.reduce((a, x) => a + x.overflows, 0);
  const cpu = Math.round(median(rs.map((x) => x.brokerCpuMs)));
  return `| ${rs[0]!.broker} | ${rs[0]!.n} | ${rs.length} | ${Math.round(median(rates))} (${Math.round(Math.min(...rates))}-${Math.round(Math.max(...rates))}) | ${ms(at(50))} | ${ms(at(90))} | ${ms(at(99))} | ${ms(worst)} | ${tails} | ${overflows} | ${failed} | ${cpu} |`;
}

const { nofile, somaxconn } = limits();
console.log(
  `ulimit -n ${nofile}, net.core.somaxconn ${somaxconn}, MQTT ${VERSION === 5 ? '5.0' : '3.1.1'}, batches of ${BATCH} connect() per turn, deadline ${DEADLINE_MS / 1000} s${TREE ? `, broker tree = the reference broker of ${TREE}` : ''}`,
);
for (const name of BROKERS) {
  if (!starters[name]) {
    console.error(`unknown broker ${name}; allowed: ${Object.keys(starters).join(', ')}`);
    process.exit(3);
  }
}

/** The kernel's count of connections dropped because a listen queue was full (TcpExt ListenOverflows,
 *  machine-wide: each storm runs alone, so its difference is that storm's); NaN where it cannot be read. */
function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
    const names = lines[i]!.split(' ');
    const values = lines[i + 1]!.split(' ');
    return Number(values[names.indexOf('ListenOverflows')]);
  } catch {
    return Number.NaN;
  }
}

/** One storm of n clients against a fresh process of the broker; undefined when it could not run. */
async function stormOnce(name: string, n: number): Promise<Row | undefined> {
  const b = await starters[name]!();
  if (!b) return undefined;
  try {
    const cpu0 = cpuMs(b.pid);
    const over0 = listenOverflows();
    const r = await runClient(b.port, n);
    return { broker: b.name, n, r, brokerCpuMs: cpuMs(b.pid) - cpu0, overflows: listenOverflows() - over0 };
  } catch (e) {
    console.error(`${b.name} ${n}: ${(e as Error).message}`);
    return undefined;
  } finally {
    await b.stop();
    await new Promise((r) => setTimeout(r, 500));
  }
}

const rows: Row[] = [];
console.log(
  '| broker | clients | conn/s | p50 ms | p90 ms | p99 ms | max ms | failures | listen overflows | broker CPU ms | client CPU ms / span ms |\n|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|',
);
for (const n of SIZES) {
  if (!(nofile >= n + 100))
    console.error(
      `ulimit -n ${nofile} is too low for ${n} connections (each process needs ${n} + ~100): expect EMFILE`,
    );
  for (let round = 0; round < ROUNDS; round++) {
    // rotated, so that no broker always runs first (or right after another's storm)
    const order = BROKERS.map((_, i) => BROKERS[(i + round) % BROKERS.length]!);
    for (const name of order) {
      const row = await stormOnce(name, n);
      if (!row) continue;
      rows.push(row);
      console.log(line(row));
    }
  }
}
console.log(`\nMedians over ${ROUNDS} round(s):\n`);
console.log(
  '| broker | clients | rounds | conn/s median (min-max) | p50 ms | p90 ms | p99 ms | max ms | rounds with a 1 s tail | listen overflows | failed connections | broker CPU ms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
);
for (const n of SIZES) {
  const names = [...new Set(rows.filter((r) => r.n === n).map((r) => r.broker))];
  for (const broker of names) console.log(summary(rows.filter((r) => r.n === n && r.broker === broker)));
}
process.exit(0);
