// Benchmark (b): generator CPU per message at the same QoS 0 rate: crucible vs an equivalent MQTT.js script
// (same publishers, one subscriber, same payload size, a latency histogram per delivered message), and the raw
// floor: pre-encoded packets written in batches with no parsing or measurement at all.
// Brokers side by side: BENCH_BROKERS=mosquitto,reference (default both).
// Usage: npx tsx src/load/bench/cpu.bench.ts [totalRate=20000] [seconds=8] [publishers=10] [batchMs=1] (the timer tick of all three)
import mqtt from 'mqtt';
import { newHistogram, recordMs } from '../../metrics/histogram.ts';
import { runLoad } from '../index.ts';
import { clock } from '../payload.ts';
import { benchBrokers } from '../peers.ts';
import { profileFrom } from '../testing.ts';
import { publishTemplate, subscribePacket } from '../wire.ts';
import { openRawClient, settle, table, waitFor } from './common.ts';

const RATE = Number(process.argv[2] ?? 20_000);
const SECONDS = Number(process.argv[3] ?? 8);
const PUBS = Number(process.argv[4] ?? 10);
const SIZE = 64;
const TICK_MS = Number(process.argv[5] ?? 1);

type Row = Record<string, string | number>;
const row = (name: string, sent: number, delivered: number, cpuUs: number, p99: number | string): Row => ({
  generator: name,
  'offered msg/s': RATE,
  sent,
  delivered,
  'CPU s': (cpuUs / 1e6).toFixed(2),
  'CPU us/msg': (cpuUs / sent).toFixed(2),
  'deliver p99 ms': p99,
});

/** readBatchMs > 0: the subscriber reads in batches (one wake-up per window instead of one per segment). */
async function crucible(url: string, readBatchMs = 0): Promise<Row> {
  await settle();
  const profile = profileFrom(`kind: load
id: cpu
duration: ${SECONDS}s
batch: ${TICK_MS}ms
${readBatchMs > 0 ? `readBatch: ${readBatchMs}ms` : ''}
groups:
  - { name: pubs, count: ${PUBS}, publish: { topic: "bench/cpu/{i}", qos: 0, totalRate: ${RATE}/s, payload: ${SIZE} } }
  - { name: sub, count: 1, subscribe: [ "bench/cpu/+" ] }
`);
  const r = await runLoad(profile, { brokerUrl: url, workers: 0 });
  // CPU of the process from the start of publishing to the end of the drain (startup and reporting excluded).
  const cpu = r.counters['generator.cpuUs.run'] ?? 0;
  return row(
    readBatchMs > 0
      ? `crucible (lean clients, reads batched ${readBatchMs}ms)`
      : 'crucible (lean clients, in-process)',
    r.groups[0]?.sent ?? 0,
    r.groups[1]?.delivered ?? 0,
    cpu,
    r.latency['deliver.intended']?.p99 ?? '-',
  );
}

async function mqttjs(url: string): Promise<Row> {
  await settle();
  const hist = newHistogram();
  let got = 0;
  const sub = mqtt.connect(url, { clientId: 'cpu-sub', reconnectPeriod: 0 });
  sub.on('message', (_t, payload: Buffer) => {
    got++;
    recordMs(hist, clock() - payload.readDoubleBE(10));
  });
  await new Promise<void>((resolve) => sub.on('connect', () => sub.subscribe('bench/mq/+', () => resolve())));
  const pubs: mqtt.MqttClient[] = [];
  for (let i = 0; i < PUBS; i++)
    pubs.push(mqtt.connect(url, { clientId: `cpu-pub-${i}`, reconnectPeriod: 0 }));
  await waitFor(() => pubs.every((p) => p.connected), 10_000);
  const c0 = process.cpuUsage();
  let sent = 0;
  const start = clock();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const el = clock() - start;
      if (el >= SECONDS * 1000) return resolve();
      // Same pacing as the others: everything due by now goes out (catching up after late timers).
      const due = Math.floor((el * RATE) / 1000);
      while (sent < due) {
        const payload = Buffer.alloc(SIZE);
        payload.writeUInt32BE(sent, 6);
        payload.writeDoubleBE(clock(), 10);
        (pubs[sent % PUBS] as mqtt.MqttClient).publish(`bench/mq/${sent % PUBS}`, payload, { qos: 0 });
        sent++;
      }
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
  await waitFor(() => got >= sent, 10_000);
  const cpu = process.cpuUsage(c0);
  for (const p of [...pubs, sub]) p.end(true);
  return row('MQTT.js', sent, got, cpu.user + cpu.system, hist.getValueAtPercentile(99) / 1000);
}

async function rawFloor(url: string): Promise<Row> {
  await settle();
  const open = (id: string) => openRawClient(url, id);
  const sub = await open('floor-sub');
  sub.write(subscribePacket(1, [{ filter: 'bench/floor/+', qos: 0 }], 4));
  await new Promise((r) => sub.once('data', r));
  let bytes = 0;
  sub.on('data', (d: Buffer) => {
    bytes += d.length;
  });
  const pubs = await Promise.all([...Array(PUBS).keys()].map((i) => open(`floor-pub-${i}`)));
  const tpl = pubs.map((_, i) => publishTemplate(`bench/floor/${i}`, 0, false, SIZE, i, 4).bytes);
  const len = (tpl[0] as Buffer).length;
  const c0 = process.cpuUsage();
  const start = clock();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const el = clock() - start;
      if (el >= SECONDS * 1000) return resolve();
      const per = Math.floor((Math.floor((el * RATE) / 1000) - sent) / PUBS);
      if (per > 0) {
        pubs.forEach((p, i) => {
          const b = Buffer.allocUnsafe(per * len);
          for (let k = 0; k < per; k++) (tpl[i] as Buffer).copy(b, k * len);
          p.write(b);
        });
        sent += per * PUBS;
      }
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
  await waitFor(() => bytes >= sent * len, 10_000);
  const cpu = process.cpuUsage(c0);
  for (const p of [...pubs, sub]) p.destroy();
  return row(
    'raw floor (pre-encoded writes, no parsing)',
    sent,
    Math.round(bytes / len),
    cpu.user + cpu.system,
    '-',
  );
}

for (const b of benchBrokers()) {
  const broker = await b.start();
  try {
    const rows = [
      await rawFloor(broker.url),
      await crucible(broker.url),
      await mqttjs(broker.url),
      await crucible(broker.url, 2),
    ].map((r) => ({ broker: b.name, ...r }));
    console.log(table(rows));
    const us = (r: Row) => Number(r['CPU us/msg']);
    const [f, c, m, cb] = rows.map(us) as [number, number, number, number];
    console.log(`${b.name}: CPU per message, crucible / MQTT.js: ${(c / m).toFixed(3)} (target <= 0.333)`);
    console.log(`${b.name}: CPU per message, crucible with batched reads / MQTT.js: ${(cb / m).toFixed(3)}`);
    console.log(
      `${b.name}: generator overhead above the raw floor, crucible / MQTT.js: ${((c - f) / (m - f)).toFixed(3)}\n`,
    );
  } finally {
    await broker.stop();
  }
}
process.exit(0);
