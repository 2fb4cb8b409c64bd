// Benchmark (a): memory per idle connection from one process, crucible lean clients vs MQTT.js clients.
// Each side runs in its own child process (so one side's freed memory never hides the other's growth); the
// clients CONNECT and SUBSCRIBE to one topic each, then sit idle while memory is measured after GC.
// Usage: npx tsx src/load/bench/connections.bench.ts [crucibleCount=10000] [mqttjsCount=2000]
// Brokers side by side: BENCH_BROKERS=mosquitto,reference (default both).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import type { FromWorker } from '../messages.ts';
import { benchBrokers } from '../peers.ts';
import { LoadWorker } from '../runner.ts';
import { profileFrom } from '../testing.ts';
import { kb, type Mem, memory, table, waitFor } from './common.ts';

const N = Number(process.argv[2] ?? 10_000);
const M = Number(process.argv[3] ?? 2_000);
const SIDE = process.argv[4];
const BROKER = process.argv[5] ?? 'mosquitto';

type Row = Record<string, string | number>;
const perConn = (a: Mem, b: Mem, n: number) => ({
  rss: (b.rss - a.rss) / n,
  heap: (b.heapUsed - a.heapUsed) / n,
  ext: (b.external - a.external) / n,
});

async function crucible(url: string): Promise<Row> {
  const profile = profileFrom(`kind: load
id: conns
duration: 1s
groups:
  - { name: idle, count: ${N}, keepAlive: 600, connect: { rate: 5000/s }, subscribe: [ "bench/idle/{i}" ] }
  - { name: pub, count: 1, publish: { topic: "bench/none", qos: 0, rate: 1/s } }
`);
  let ready: Extract<FromWorker, { type: 'ready' }> | undefined;
  const before = await memory();
  const t0 = Date.now();
  const w = new LoadWorker(
    {
      profile,
      runId: 'b',
      brokerUrl: url,
      shard: { index: 0, count: 1 },
      worker: { index: 0, count: 1 },
      localAddresses: 0,
    },
    (m) => {
      if (m.type === 'ready') ready = m;
    },
  );
  w.handle({ type: 'connect' });
  await waitFor(() => ready !== undefined, 120_000);
  const secs = (Date.now() - t0) / 1000;
  const d = perConn(before, await memory(), N + 1);
  w.handle({ type: 'finish' });
  await new Promise((r) => setTimeout(r, 1000));
  return {
    client: 'crucible lean',
    connections: ready?.connected ?? 0,
    failed: ready?.failed ?? -1,
    'connect s': secs.toFixed(1),
    'RSS KB/conn': kb(d.rss),
    'heap KB/conn': kb(d.heap),
    'external KB/conn': kb(d.ext),
  };
}

async function mqttjs(url: string): Promise<Row> {
  const before = await memory();
  const clients: mqtt.MqttClient[] = [];
  let subscribed = 0;
  const t0 = Date.now();
  for (let i = 0; i < M; i++) {
    const c = mqtt.connect(url, {
      clientId: `mqttjs-${i}`,
      keepalive: 600,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
    c.on('connect', () => c.subscribe(`bench/idle/${i}`, () => subscribed++));
    c.on('error', () => {});
    clients.push(c);
    if (i % 500 === 499) await waitFor(() => subscribed > i - 250, 30_000);
  }
  await waitFor(() => subscribed === M, 60_000);
  const secs = (Date.now() - t0) / 1000;
  const d = perConn(before, await memory(), M);
  for (const c of clients) c.end(true);
  return {
    client: 'MQTT.js',
    connections: subscribed,
    failed: M - subscribed,
    'connect s': secs.toFixed(1),
    'RSS KB/conn': kb(d.rss),
    'heap KB/conn': kb(d.heap),
    'external KB/conn': kb(d.ext),
  };
}

if (SIDE === undefined) {
  const self = fileURLToPath(import.meta.url);
  for (const b of benchBrokers()) {
    const rows = ['crucible', 'mqttjs'].map((side) => {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', self, String(N), String(M), side, b.name],
        { encoding: 'utf8' },
      );
      return { broker: b.name, ...(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Row) } as Row;
    });
    console.log(table(rows));
    const [c, m] = rows.map((r) => Number(r['RSS KB/conn'])) as [number, number];
    const [ch, mh] = rows.map((r) => Number(r['heap KB/conn'])) as [number, number];
    console.log(
      `${b.name}: per connection, crucible / MQTT.js: RSS ${(c / m).toFixed(3)}, heap ${(ch / mh).toFixed(3)}; target: crucible <= 8 KB\n`,
    );
  }
} else {
  const broker = await (
    benchBrokers().find((b) => b.name === BROKER) ?? {
      start: () => Promise.reject(new Error(`unknown broker ${BROKER}`)),
    }
  ).start();
  try {
    console.log(JSON.stringify(SIDE === 'crucible' ? await crucible(broker.url) : await mqttjs(broker.url)));
  } finally {
    await broker.stop();
  }
}
process.exit(0);
