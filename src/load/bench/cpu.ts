// Benchmark (b): generator CPU per message at the same QoS 0 rate, crucible vs an equivalent MQTT.js script
// (same publishers, subscriber, payload size, and a latency histogram recorded per delivered message).
// Usage: npx tsx src/load/bench/cpu.ts [totalRate=20000] [seconds=5] [publishers=10]
import mqtt from 'mqtt';
import { newHistogram, recordMs } from '../../metrics/histogram.ts';
import { runLoad } from '../index.ts';
import { clock } from '../payload.ts';
import { startMosquitto } from '../peers.ts';
import { profileFrom } from '../testing.ts';
import { settle, table, waitFor } from './common.ts';

const RATE = Number(process.argv[2] ?? 20_000);
const SECONDS = Number(process.argv[3] ?? 5);
const PUBS = Number(process.argv[4] ?? 10);
const SIZE = 64;

const broker = await startMosquitto();
const rows: Array<Record<string, string | number>> = [];
try {
  // crucible, clients in this thread (so process CPU is the generator's only).
  await settle();
  const profile = profileFrom(`kind: load
id: cpu
duration: ${SECONDS}s
groups:
  - { name: pubs, count: ${PUBS}, publish: { topic: "bench/cpu/{i}", qos: 0, totalRate: ${RATE}/s, payload: ${SIZE} } }
  - { name: sub, count: 1, subscribe: [ "bench/cpu/+" ] }
`);
  const c0 = process.cpuUsage();
  const w0 = clock();
  const r = await runLoad(profile, { brokerUrl: broker.url, workers: 0 });
  const cpu = process.cpuUsage(c0);
  const wall = (clock() - w0) / 1000;
  const sent = r.groups[0]?.sent ?? 0;
  const delivered = r.groups[1]?.delivered ?? 0;
  const cUs = (r.counters['generator.cpuUs.run'] ?? cpu.user + cpu.system) / sent;
  rows.push({ generator: 'crucible', 'offered msg/s': RATE, sent, delivered, 'CPU s': ((cpu.user + cpu.system) / 1e6).toFixed(2), 'wall s': wall.toFixed(1), 'CPU us/msg': cUs.toFixed(2), 'deliver p99 ms': r.latency['deliver.intended']?.p99 ?? '-' });

  // MQTT.js: the same traffic with a 5 ms timer per publisher, the subscriber decoding the timestamp.
  await settle();
  const hist = newHistogram();
  let got = 0;
  const sub = mqtt.connect(broker.url, { clientId: 'cpu-sub', reconnectPeriod: 0 });
  sub.on('message', (_t, payload: Buffer) => {
    got++;
    recordMs(hist, clock() - payload.readDoubleBE(10));
  });
  await new Promise<void>((resolve) => sub.on('connect', () => sub.subscribe('bench/mq/+', () => resolve())));
  const pubs: mqtt.MqttClient[] = [];
  for (let i = 0; i < PUBS; i++) pubs.push(mqtt.connect(broker.url, { clientId: `cpu-pub-${i}`, reconnectPeriod: 0 }));
  await waitFor(() => pubs.every((p) => p.connected), 10_000);
  const c1 = process.cpuUsage();
  const w1 = clock();
  let sent2 = 0;
  const tickMs = 5;
  const perTick = RATE / PUBS / (1000 / tickMs);
  const credit = new Array<number>(PUBS).fill(0);
  const start = clock();
  const timers = pubs.map((p, i) =>
    setInterval(() => {
      if (clock() - start >= SECONDS * 1000) return;
      credit[i] = (credit[i] as number) + perTick;
      while ((credit[i] as number) >= 1) {
        credit[i] = (credit[i] as number) - 1;
        const payload = Buffer.alloc(SIZE);
        payload.writeUInt32BE(sent2, 6);
        payload.writeDoubleBE(clock(), 10);
        p.publish(`bench/mq/${i}`, payload, { qos: 0 });
        sent2++;
      }
    }, tickMs),
  );
  await new Promise((r2) => setTimeout(r2, SECONDS * 1000));
  for (const t of timers) clearInterval(t);
  await waitFor(() => got >= sent2, 5000);
  const cpu2 = process.cpuUsage(c1);
  const wall2 = (clock() - w1) / 1000;
  const mUs = (cpu2.user + cpu2.system) / sent2;
  rows.push({ generator: 'MQTT.js', 'offered msg/s': RATE, sent: sent2, delivered: got, 'CPU s': ((cpu2.user + cpu2.system) / 1e6).toFixed(2), 'wall s': wall2.toFixed(1), 'CPU us/msg': mUs.toFixed(2), 'deliver p99 ms': hist.getValueAtPercentile(99) / 1000 });
  for (const p of [...pubs, sub]) p.end(true);
  console.log(table(rows));
  console.log(`\nratio (CPU per message, crucible / MQTT.js): ${(cUs / mUs).toFixed(3)}; target <= 0.333`);
} finally {
  await broker.stop();
}
process.exit(0);
