// Side-by-side broker benchmark: the reference broker, aedes 1.2.0 and mosquitto, each in its own
// process, under the same loads (1-to-1, 50-to-1, 1-to-100; QoS 0/1/2; 64-byte payloads) driven by
// lean raw-socket clients. Reports delivered msg/s and broker CPU (from /proc) per delivered message.
//   npx tsx reference-broker/bench/broker.bench.ts [--seconds 4] [--brokers reference,aedes,mosquitto]
//       (also reference-acl: the reference broker with a subscribe deny rule, deliveries checked;
//        reference-persist / reference-persist-full: with its SQLite store, sync normal / full)
//       [--sessions clean|persistent] (persistent: every client connects with Clean Session 0, and
//        the reference brokers end a session 1 s after its client left, so loads do not pile up)
//       [--loads 1-to-1,50-to-1,1-to-100] [--qos 0,1,2] [--mosquitto-inflight 20]
// mosquitto runs with its defaults (max_inflight_messages 20, max_queued_messages 1000, no persistence);
// the reference broker and aedes with theirs. A broker that crashes under a load is restarted for the next.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../../src/transport/testing/ports.ts';
import { Publisher, Subscriber, setCleanSession } from './lean-client.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    brokers: { type: 'string', default: 'reference,aedes,mosquitto' },
    loads: { type: 'string', default: '1-to-1,50-to-1,1-to-100' },
    qos: { type: 'string', default: '0,1,2' },
    'mosquitto-inflight': { type: 'string', default: '20' },
    sessions: { type: 'string', default: 'clean' },
  },
});
if (values.sessions !== 'clean' && values.sessions !== 'persistent') {
  console.error(`--sessions ${values.sessions}: allowed: clean, persistent`);
  process.exit(3);
}
const PERSISTENT_SESSIONS = values.sessions === 'persistent';
setCleanSession(!PERSISTENT_SESSIONS);
const SECONDS = Number(values.seconds);
const WARMUP_MS = 700;
const PAYLOAD = 64;
const WINDOW = 100;
const CLK_TCK = 100; // Linux USER_HZ

interface BrokerProc {
  name: string;
  port: number;
  pid: number;
  alive(): boolean;
  stop(): void;
}

function cpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN; // process gone
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK; // utime + stime
}

type NodeBroker = 'reference' | 'reference-acl' | 'reference-persist' | 'reference-persist-full' | 'aedes';

async function startNodeBroker(kind: NodeBroker): Promise<BrokerProc> {
  const extra = PERSISTENT_SESSIONS && kind !== 'aedes' ? { defaultSessionExpiryInterval: 1 } : {};
  const child: ChildProcess = fork(
    join(import.meta.dirname, 'broker-child.ts'),
    [kind, JSON.stringify(extra)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${kind} did not start`)), 20000);
    child.once('message', (m: { port: number }) => {
      clearTimeout(t);
      resolve(m.port);
    });
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  child.on('error', () => {}); // IPC reset when the child dies
  return {
    name: kind === 'aedes' ? 'aedes 1.2.0' : kind,
    port,
    pid: child.pid!,
    alive: () => !exited,
    stop: () => child.kill(),
  };
}

async function startMosquitto(): Promise<BrokerProc | undefined> {
  const bin = '/usr/sbin/mosquitto';
  if (!existsSync(bin)) {
    console.error('mosquitto not found (apt package mosquitto): skipped');
    return undefined;
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000\nmax_inflight_messages ${Number(values['mosquitto-inflight'])}\nlog_type none\n`,
  );
  const child = spawn(bin, ['-c', conf], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const ok = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
  }
  return { name: 'mosquitto 2.0.11', port, pid: child.pid!, alive: () => !exited, stop: () => child.kill() };
}

interface Load {
  name: string;
  pubs: number;
  subs: number;
}
const LOADS: Load[] = [
  { name: '1-to-1', pubs: 1, subs: 1 },
  { name: '50-to-1', pubs: 50, subs: 1 },
  { name: '1-to-100', pubs: 1, subs: 100 },
];

interface Row {
  crashed: boolean;
  broker: string;
  load: string;
  qos: number;
  rate: number;
  cpuUsPerMsg: number;
}

/** Waits until the broker has worked off what earlier loads left in its socket buffers (idle CPU). */
async function settle(b: BrokerProc): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = cpuMs(b.pid);
  while (Date.now() < deadline && b.alive()) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpuMs(b.pid);
    if (now - last <= 30) return;
    last = now;
  }
}

let runSeq = 0;
async function runLoad(b: BrokerProc, load: Load, qos: number): Promise<Row> {
  await settle(b);
  const base = `bench/${++runSeq}`;
  const subs: Subscriber[] = [];
  for (let i = 0; i < load.subs; i++)
    subs.push(await withTimeout(Subscriber.create(b.port, `${base}/#`, qos), 5000, 'subscribe'));
  const pubs: Publisher[] = [];
  for (let i = 0; i < load.pubs; i++) {
    pubs.push(
      await withTimeout(Publisher.create(b.port, `${base}/${i}`, qos, PAYLOAD, WINDOW), 5000, 'connect'),
    );
  }
  for (const p of pubs) p.start();
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const count = () => subs.reduce((n, s) => n + s.received, 0);
  const c0 = count();
  const cpu0 = cpuMs(b.pid);
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const c1 = count();
  const cpu1 = b.alive() ? cpuMs(b.pid) : cpu0;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const crashed = !b.alive();
  for (const p of pubs) p.close();
  for (const s of subs) s.close();
  await new Promise((r) => setTimeout(r, 300));
  const delivered = c1 - c0;
  return {
    crashed,
    broker: b.name,
    load: load.name,
    qos,
    rate: delivered / secs,
    cpuUsPerMsg: delivered > 0 && !crashed ? ((cpu1 - cpu0) * 1000) / delivered : Number.NaN,
  };
}

// a broker that crashes mid-load resets our sockets; that load is reported as crashed
process.on('uncaughtException', (e) => {
  if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET' && (e as NodeJS.ErrnoException).code !== 'EPIPE')
    throw e;
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
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
const rows: Row[] = [];
const wanted = String(values.brokers).split(',');
const starters: Record<string, () => Promise<BrokerProc | undefined>> = {
  reference: () => startNodeBroker('reference'),
  'reference-acl': () => startNodeBroker('reference-acl'),
  'reference-persist': () => startNodeBroker('reference-persist'),
  'reference-persist-full': () => startNodeBroker('reference-persist-full'),
  aedes: () => startNodeBroker('aedes'),
  mosquitto: startMosquitto,
};
const started = Date.now();
for (const name of wanted) {
  const start = starters[name];
  if (!start) {
    console.error(`unknown broker ${name}; allowed: ${Object.keys(starters).join(', ')}`);
    process.exit(3);
  }
  let b = await start();
  if (!b) continue;
  try {
    for (const load of LOADS.filter((l) => String(values.loads).split(',').includes(l.name))) {
      for (const qos of String(values.qos).split(',').map(Number)) {
        let r: Row;
        try {
          r = await runLoad(b, load, qos);
        } catch (e) {
          console.error(`${b.name} ${load.name} QoS ${qos}: ${(e as Error).message}`);
          r = { crashed: true, broker: b.name, load: load.name, qos, rate: 0, cpuUsPerMsg: Number.NaN };
        }
        if (r.crashed) {
          b.stop();
          await new Promise((res) => setTimeout(res, 300));
          b = (await start())!;
        }
        rows.push(r);
        console.log(
          `${r.broker.padEnd(18)} ${r.load.padEnd(9)} QoS ${qos}  ${Math.round(r.rate).toString().padStart(9)} msg/s  ${r.cpuUsPerMsg.toFixed(2).padStart(7)} µs CPU/msg${r.crashed ? '  (broker crashed)' : ''}`,
        );
      }
    }
  } finally {
    b.stop();
  }
}

console.log(`\n| broker | load | QoS | delivered msg/s | broker CPU µs/msg |\n|---|---|---|---:|---:|`);
for (const r of rows) {
  const rate = r.crashed ? `${Math.round(r.rate)} (crashed)` : `${Math.round(r.rate)}`;
  console.log(`| ${r.broker} | ${r.load} | ${r.qos} | ${rate} | ${r.cpuUsPerMsg.toFixed(2)} |`);
}
const ref = rows.filter((r) => r.broker === 'reference');
for (const other of ['aedes 1.2.0', 'mosquitto 2.0.11']) {
  const o = rows.filter((r) => r.broker === other);
  if (o.length === 0 || ref.length === 0) continue;
  const ratios = ref
    .map((r) => {
      const m = o.find((x) => x.load === r.load && x.qos === r.qos);
      return m ? `${r.load}/QoS${r.qos} ${(r.rate / m.rate).toFixed(2)}x` : '';
    })
    .filter(Boolean);
  console.log(`\nreference vs ${other} (delivered msg/s): ${ratios.join(', ')}`);
}
for (const other of ['reference-persist', 'reference-persist-full']) {
  // the cost of persistence: the persistent broker's throughput as a share of the memory default's
  const o = rows.filter((r) => r.broker === other);
  if (o.length === 0 || ref.length === 0) continue;
  const ratios = o
    .map((r) => {
      const m = ref.find((x) => x.load === r.load && x.qos === r.qos);
      return m ? `${r.load}/QoS${r.qos} ${(r.rate / m.rate).toFixed(2)}x` : '';
    })
    .filter(Boolean);
  console.log(`\n${other} vs reference (memory) (delivered msg/s): ${ratios.join(', ')}`);
}
console.log(
  `\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s, ${SECONDS} s per load, ${PAYLOAD}-byte payloads, QoS 1/2 window ${WINDOW}, ${PERSISTENT_SESSIONS ? 'persistent' : 'clean'} sessions`,
);
process.exit(0);
