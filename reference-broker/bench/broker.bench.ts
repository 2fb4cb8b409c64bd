// Side-by-side broker benchmark: the reference broker, aedes and mosquitto, each in its own
// process, under the same loads (1-to-1, 50-to-1, 1-to-100; QoS 0/1/2; 64-byte payloads) driven by
// lean raw-socket clients. Reports delivered msg/s, lost messages and broker CPU (from /proc) per
// delivered message. A rate is never shown without its loss: lost = what the publishers sent during
// the load (warm-up and window) times the subscribers, less what the subscribers received by the end
// of a drain after the publishers stopped (at most 10 s, until nothing more arrives for 1 s).
//   npx tsx reference-broker/bench/broker.bench.ts [--seconds 4] [--brokers reference,aedes,mosquitto]
//       (also reference-acl: the reference broker with a subscribe deny rule, deliveries checked;
//        reference-persist / reference-persist-full: with its SQLite store, sync normal / full)
//       [--sessions clean|persistent] (persistent: every client connects with Clean Session 0, and
//        the reference brokers end a session 1 s after its client left, so loads do not pile up)
//       [--loads 1-to-1,50-to-1,1-to-100] [--qos 0,1,2] [--mosquitto-inflight N] [--broker-defaults]
// By default every broker is configured not to drop where it has a setting for it:
//   mosquitto: max_queued_messages 0 (= unlimited; its default 1000 drops QoS 1/2 messages past 1000
//     queued per client) and max_inflight_messages 100, the publishers' window (--mosquitto-inflight):
//     mosquitto applies that limit to incoming QoS 1/2 too, and a 3.1.1 publisher past it has its
//     messages acknowledged and dropped (measured with its default 20: ~57% of the 1-to-1 QoS 2
//     messages lost; with max_queued_messages 0 and 20 in flight, no QoS 2 flow completes at all);
//     no persistence;
//   the reference broker: maxQueuedMessages 10000000 and maxQueuedBytes 2^40 (the most allowed; its
//     defaults 1000 / 64 MiB drop QoS 1/2 past them). maxWriteBufferBytes stays at its 4 MiB: past it QoS 0
//     to a slow consumer is dropped (counted as lost); raised to 1 GiB, the 50-to-1 QoS 0 load buffered
//     so much that nothing was delivered within the window (measured);
//   aedes: its defaults (it has no cap that drops a delivery: queueLimit only holds packets that arrive
//     before CONNACK).
// --broker-defaults runs each broker with its shipped defaults instead (mosquitto max_queued_messages
// 1000, max_inflight_messages 20); the loss column then shows what those caps drop. QoS 0 publishers
// write as fast as the socket takes, so under overload QoS 0 loss also counts what was still buffered
// when the drain ended. A broker that crashes under a load is restarted for the next.
import { parseArgs } from 'node:util';
import {
  type BrokerProc,
  cpuMs,
  type NodeBroker,
  startMosquitto,
  startNodeBroker,
  withTimeout,
} from './brokers.ts';
import { Publisher, Subscriber, setCleanSession } from './lean-client.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    brokers: { type: 'string', default: 'reference,aedes,mosquitto' },
    loads: { type: 'string', default: '1-to-1,50-to-1,1-to-100' },
    qos: { type: 'string', default: '0,1,2' },
    'mosquitto-inflight': { type: 'string' },
    sessions: { type: 'string', default: 'clean' },
    'broker-defaults': { type: 'boolean', default: false },
  },
});
if (values.sessions !== 'clean' && values.sessions !== 'persistent') {
  console.error(`--sessions ${values.sessions}: allowed: clean, persistent`);
  process.exit(3);
}
const PERSISTENT_SESSIONS = values.sessions === 'persistent';
const DEFAULTS = values['broker-defaults'] === true;
setCleanSession(!PERSISTENT_SESSIONS);
const SECONDS = Number(values.seconds);
const WARMUP_MS = 700;
const PAYLOAD = 64;
const WINDOW = 100;
const DRAIN_MS = 10_000;
const DRAIN_IDLE_MS = 1000;

/** the reference broker's settings that keep it from dropping (see the header) */
const REFERENCE_NO_DROP = { maxQueuedMessages: 10_000_000, maxQueuedBytes: 2 ** 40 };

function nodeBroker(kind: NodeBroker): Promise<BrokerProc> {
  const config: Record<string, unknown> =
    PERSISTENT_SESSIONS && kind !== 'aedes' ? { defaultSessionExpiryInterval: 1 } : {};
  if (!DEFAULTS && kind !== 'aedes') Object.assign(config, REFERENCE_NO_DROP);
  return startNodeBroker(kind, { config });
}

function mosquitto(): Promise<BrokerProc | undefined> {
  const lines = ['persistence false'];
  const inflight = values['mosquitto-inflight'] ?? (DEFAULTS ? undefined : String(WINDOW));
  if (inflight !== undefined) lines.push(`max_inflight_messages ${Number(inflight)}`);
  if (!DEFAULTS) lines.push('max_queued_messages 0');
  return startMosquitto(lines);
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
  /** messages sent x subscribers, for the whole load (warm-up and window) */
  expected: number;
  /** expected less received after the drain; negative = duplicates */
  lost: number;
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
  for (const p of pubs) p.stop();
  const expected = pubs.reduce((n, p) => n + p.sent, 0) * subs.length;
  await drain(count, expected);
  const received = count();
  for (const p of pubs) p.close();
  for (const s of subs) s.close();
  await new Promise((r) => setTimeout(r, 300));
  const crashed = !b.alive(); // also when it fell over as the load's clients left
  const delivered = c1 - c0;
  return {
    crashed,
    broker: b.name,
    load: load.name,
    qos,
    rate: delivered / secs,
    expected,
    lost: expected - received,
    cpuUsPerMsg: delivered > 0 && !crashed ? ((cpu1 - cpu0) * 1000) / delivered : Number.NaN,
  };
}

/** After the publishers stopped: until everything sent arrived, nothing arrived for DRAIN_IDLE_MS, or DRAIN_MS. */
async function drain(count: () => number, expected: number): Promise<void> {
  const deadline = Date.now() + DRAIN_MS;
  let last = count();
  let lastChange = Date.now();
  while (Date.now() < deadline && last < expected && Date.now() - lastChange < DRAIN_IDLE_MS) {
    await new Promise((r) => setTimeout(r, 100));
    const now = count();
    if (now !== last) lastChange = Date.now();
    last = now;
  }
}

/** lost messages with their share of what was expected; negative loss is shown as duplicates */
function lossText(r: Row): string {
  if (r.expected === 0) return '-';
  if (r.lost < 0) return `0 (+${-r.lost} duplicates)`;
  return `${r.lost} (${((100 * r.lost) / r.expected).toFixed(r.lost === 0 ? 0 : 2)}%)`;
}

// a broker that crashes mid-load resets our sockets; that load is reported as crashed
process.on('uncaughtException', (e) => {
  if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET' && (e as NodeJS.ErrnoException).code !== 'EPIPE')
    throw e;
});

const rows: Row[] = [];
const wanted = String(values.brokers).split(',');
const starters: Record<string, () => Promise<BrokerProc | undefined>> = {
  reference: () => nodeBroker('reference'),
  'reference-acl': () => nodeBroker('reference-acl'),
  'reference-persist': () => nodeBroker('reference-persist'),
  'reference-persist-full': () => nodeBroker('reference-persist-full'),
  aedes: () => nodeBroker('aedes'),
  mosquitto,
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
          r = {
            crashed: true,
            broker: b.name,
            load: load.name,
            qos,
            rate: 0,
            expected: 0,
            lost: 0,
            cpuUsPerMsg: Number.NaN,
          };
        }
        if (r.crashed) {
          await b.stop();
          await new Promise((res) => setTimeout(res, 300));
          b = (await start())!;
        }
        rows.push(r);
        console.log(
          `${r.broker.padEnd(18)} ${r.load.padEnd(9)} QoS ${qos}  ${Math.round(r.rate).toString().padStart(9)} msg/s  lost ${lossText(r).padStart(18)}  ${r.cpuUsPerMsg.toFixed(2).padStart(7)} µs CPU/msg${r.crashed ? '  (broker crashed)' : ''}`,
        );
      }
    }
  } finally {
    await b.stop();
  }
}

console.log(
  `\n${DEFAULTS ? "each broker's shipped defaults" : 'every broker configured not to drop (see the header of this file)'}`,
);
console.log(
  `\n| broker | load | QoS | delivered msg/s | lost (of sent x subscribers) | broker CPU µs/msg |\n|---|---|---|---:|---:|---:|`,
);
for (const r of rows) {
  const rate = r.crashed ? `${Math.round(r.rate)} (crashed)` : `${Math.round(r.rate)}`;
  console.log(
    `| ${r.broker} | ${r.load} | ${r.qos} | ${rate} | ${lossText(r)} | ${r.cpuUsPerMsg.toFixed(2)} |`,
  );
}
const ref = rows.filter((r) => r.broker === 'reference');
for (const other of [...new Set(rows.map((r) => r.broker))].filter((n) => /^(aedes|mosquitto) /.test(n))) {
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
  `\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s, ${SECONDS} s per load (rates over the window, loss over the whole load and its drain), ${PAYLOAD}-byte payloads, QoS 1/2 window ${WINDOW}, ${PERSISTENT_SESSIONS ? 'persistent' : 'clean'} sessions`,
);
process.exit(0);
