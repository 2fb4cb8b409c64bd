// Benchmark (c): highest delivered rate against mosquitto (QoS 0, one publisher to one subscriber), crucible vs a
// raw pre-encoded socket writer (the practical limit). Both are paced the same way (1 ms batches at the offered
// rate, skipping while more than 8 MB wait in the socket) over a sweep of offered rates; the delivered rate is the
// median per-second count at the subscriber (first and last second left out). A fresh broker serves each run.
// Usage: npx tsx src/load/bench/throughput.bench.ts [seconds=8] [rates=50000,75000,100000,150000] [workers=1] [repeats=1]
// Brokers side by side: BENCH_BROKERS=mosquitto,reference (default both; fresh broker per run).
// crucible runs twice per rate: reading eagerly (default) and with `readBatch: 1ms`.
// With repeats > 1 the two sides alternate and each keeps its best median (the box may be shared).
import { runLoad } from '../index.ts';
import { clock } from '../payload.ts';
import { benchBrokers } from '../peers.ts';
import { profileFrom } from '../testing.ts';
import { publishTemplate, subscribePacket } from '../wire.ts';
import { openRawClient, settle, table } from './common.ts';

const SECONDS = Number(process.argv[2] ?? 8);
const RATES = (process.argv[3] ?? '50000,75000,100000,150000').split(',').map(Number);
const WORKERS = Number(process.argv[4] ?? 1);
const REPEATS = Number(process.argv[5] ?? 1);
const SIZE = 32;

/** Median of per-second delivered counts, leaving out the first and last second. */
function steady(perSecond: number[]): number {
  const mid = perSecond.slice(1, -1).sort((a, b) => a - b);
  return mid[Math.floor(mid.length / 2)] ?? 0;
}

async function raw(url: string, offered: number): Promise<number[]> {
  const open = (id: string) => openRawClient(url, id);
  const sub = await open('tp-raw-sub');
  sub.write(subscribePacket(1, [{ filter: 'bench/tp/raw', qos: 0 }], 4));
  await new Promise((r) => sub.once('data', r));
  const tpl = publishTemplate('bench/tp/raw', 0, false, SIZE, 0, 4).bytes;
  let bytes = 0;
  const perSecond: number[] = [];
  sub.on('data', (d: Buffer) => {
    bytes += d.length;
  });
  const pub = await open('tp-raw-pub');
  const start = clock();
  let sent = 0;
  let last = 0;
  let nextSecond = start + 1000;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = clock();
      if (now >= nextSecond) {
        perSecond.push(Math.round((bytes - last) / tpl.length));
        last = bytes;
        nextSecond += 1000;
      }
      if (now - start >= SECONDS * 1000) return resolve();
      const due = Math.floor(((now - start) * offered) / 1000) - sent;
      if (due > 0) {
        if (pub.writableLength < 8 * 1024 * 1024) {
          const b = Buffer.allocUnsafe(due * tpl.length);
          for (let k = 0; k < due; k++) tpl.copy(b, k * tpl.length);
          pub.write(b);
        }
        sent += due;
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  pub.destroy();
  sub.destroy();
  return perSecond;
}

async function crucible(
  url: string,
  offered: number,
  readBatch = '0ms',
): Promise<{ perSecond: number[]; sendLagP99: number; skipped: number }> {
  const profile = profileFrom(`kind: load
id: throughput
duration: ${SECONDS}s
drain: 2s
readBatch: ${readBatch}
groups:
  - { name: pub, count: 1, publish: { topic: "bench/tp/c", qos: 0, totalRate: ${offered}/s, payload: ${SIZE} } }
  - { name: sub, count: 1, subscribe: [ "bench/tp/c" ] }
`);
  const r = await runLoad(profile, { brokerUrl: url, workers: WORKERS });
  return {
    perSecond: r.series.delivered.slice(0, SECONDS),
    sendLagP99: r.generator.sendLagMs.p99,
    skipped: (r.counters['skipped.disconnected'] ?? 0) + (r.counters['skipped.inflight'] ?? 0),
  };
}

for (const b of benchBrokers()) {
  const rows: Array<Record<string, string | number>> = [];
  let rawBest = 0;
  let cBest = 0;
  let rbBest = 0;
  for (const rate of RATES) {
    let r1 = 0;
    let r2 = 0;
    let ps: number[] = [];
    let c = { perSecond: [] as number[], sendLagP99: 0, skipped: 0 };
    let r3 = 0;
    for (let rep = 0; rep < REPEATS; rep++) {
      let m = await b.start();
      await settle();
      const p1 = await raw(m.url, rate);
      await m.stop();
      m = await b.start();
      await settle();
      const c1 = await crucible(m.url, rate);
      await m.stop();
      m = await b.start();
      await settle();
      const c2 = await crucible(m.url, rate, '1ms');
      await m.stop();
      if (steady(p1) > r1) {
        r1 = steady(p1);
        ps = p1;
      }
      if (steady(c1.perSecond) > r2) {
        r2 = steady(c1.perSecond);
        c = c1;
      }
      r3 = Math.max(r3, steady(c2.perSecond));
    }
    rbBest = Math.max(rbBest, r3);
    rawBest = Math.max(rawBest, r1);
    cBest = Math.max(cBest, r2);
    rows.push({
      broker: b.name,
      'offered msg/s': rate,
      'raw writer delivered/s': r1,
      'crucible delivered/s': r2,
      'crucible readBatch 1ms delivered/s': r3,
      'crucible send lag p99 ms': c.sendLagP99,
      'crucible skipped': c.skipped,
      'raw per second': ps.join(' '),
      'crucible per second': c.perSecond.join(' '),
    });
  }
  console.log(table(rows));
  console.log(
    `${b.name}: highest delivered rate: raw writer ${rawBest}/s, crucible ${cBest}/s (${(cBest / rawBest).toFixed(3)} of the raw writer), crucible with readBatch 1ms ${rbBest}/s (${(rbBest / rawBest).toFixed(3)}); target >= 0.9\n`,
  );
}
process.exit(0);
