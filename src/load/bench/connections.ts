// Benchmark (a): memory per idle connection from one process, crucible lean clients vs MQTT.js clients.
// Usage: npx tsx src/load/bench/connections.ts [crucibleCount=10000] [mqttjsCount=2000]
import mqtt from 'mqtt';
import type { FromWorker } from '../messages.ts';
import { startMosquitto } from '../peers.ts';
import { LoadWorker } from '../runner.ts';
import { profileFrom } from '../testing.ts';
import { kb, type Mem, memory, table, waitFor } from './common.ts';

const N = Number(process.argv[2] ?? 10_000);
const M = Number(process.argv[3] ?? 2_000);

const broker = await startMosquitto({ fdLimit: 65536 });
const rows: Array<Record<string, string | number>> = [];
const delta = (a: Mem, b: Mem, n: number) => ({
  rss: (b.rss - a.rss) / n,
  heap: (b.heapUsed - a.heapUsed) / n,
  ext: (b.external - a.external) / n,
});

try {
  // crucible: one LoadWorker in this thread holding N subscriber connections (CONNECT + SUBSCRIBE done, idle).
  const profile = profileFrom(`kind: load
id: conns
duration: 1s
groups:
  - { name: idle, count: ${N}, keepAlive: 600, connect: { rate: ${process.env.CRATE ?? '5000/s'} }, subscribe: [ "bench/idle/{i}" ] }
  - { name: pub, count: 1, publish: { topic: "bench/none", qos: 0, rate: 1/s } }
`);
  let ready: Extract<FromWorker, { type: 'ready' }> | undefined;
  const before = await memory();
  const t0 = Date.now();
  const w = new LoadWorker(
    {
      profile,
      runId: 'b',
      brokerUrl: broker.url,
      shard: { index: 0, count: 1 },
      worker: { index: 0, count: 1 },
      localAddresses: Number(process.env.LADDR ?? 0),
    },
    (m) => {
      if (m.type === 'ready') ready = m;
    },
  );
  w.handle({ type: 'connect' });
  await waitFor(() => ready !== undefined, 120_000);
  const connectS = (Date.now() - t0) / 1000;
  const after = await memory();
  const d = delta(before, after, N + 1);
  rows.push({
    client: 'crucible lean',
    connections: ready?.connected ?? 0,
    failed: ready?.failed ?? -1,
    'connect s': connectS.toFixed(1),
    'RSS KB/conn': kb(d.rss),
    'heap KB/conn': kb(d.heap),
    'external KB/conn': kb(d.ext),
  });
  let closed = false;
  const w2 = w as unknown as { post: (m: FromWorker) => void };
  void w2;
  w.handle({ type: 'finish' });
  await new Promise((r) => setTimeout(r, 1500));
  closed = true;
  void closed;

  // MQTT.js: M clients, same CONNECT + SUBSCRIBE, idle.
  const before2 = await memory();
  const clients: mqtt.MqttClient[] = [];
  let subscribed = 0;
  const t1 = Date.now();
  for (let i = 0; i < M; i++) {
    const c = mqtt.connect(broker.url, {
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
  const connectS2 = (Date.now() - t1) / 1000;
  const after2 = await memory();
  const d2 = delta(before2, after2, M);
  rows.push({
    client: 'MQTT.js',
    connections: subscribed,
    failed: M - subscribed,
    'connect s': connectS2.toFixed(1),
    'RSS KB/conn': kb(d2.rss),
    'heap KB/conn': kb(d2.heap),
    'external KB/conn': kb(d2.ext),
  });
  for (const c of clients) c.end(true);
  console.log(table(rows));
  console.log(
    `\nratio (RSS per connection, crucible / MQTT.js): ${(d.rss / d2.rss).toFixed(3)}; target: crucible <= 8 KB per connection`,
  );
} finally {
  await broker.stop();
}
process.exit(0);
