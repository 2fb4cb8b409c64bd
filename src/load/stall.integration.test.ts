// Coordinated omission: the broker process is frozen (SIGSTOP) for 1 s during a constant-rate run. An open-model
// generator keeps its schedule, so the latency measured from the intended send time must show the stall: max at
// least the stall, and the slow share of the distribution matching the share of messages scheduled during it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHistogram } from '../metrics/histogram.ts';
import { startLoadMosquitto } from '../transport/testing/peers/mosquitto.ts';
import { runLoad } from './index.ts';
import { needMosquitto, profileFrom } from './testing.ts';

const RATE = 500;
const DURATION_MS = 4000;
const STALL_MS = 1000;

test('a 1 s broker freeze shows in intended-time latency (no coordinated omission)', async (t) => {
  if (!needMosquitto(t)) return;
  const m = await startLoadMosquitto();
  let frozeAt = 0;
  try {
    const profile = profileFrom(`kind: load
id: stall
duration: ${DURATION_MS}ms
drain: 5s
groups:
  - { name: pub, count: 1, publish: { topic: "stall/{run}", qos: 0, rate: ${RATE}/s, payload: 32 } }
  - { name: sub, count: 1, subscribe: [ "stall/{run}" ] }
`);
    const r = await runLoad(profile, {
      brokerUrl: m.url,
      workers: 1,
      onProgress: (p) => {
        // Freeze once, about 1.5 s into the run (after the first progress report), for STALL_MS.
        if (frozeAt !== 0 || p.phase === 'start' || p.phase === 'connect' || p.elapsedMs < 900) return;
        frozeAt = p.elapsedMs;
        setTimeout(() => {
          m.signal('SIGSTOP');
          setTimeout(() => m.signal('SIGCONT'), STALL_MS);
        }, 500);
      },
    });
    assert.ok(frozeAt > 0, 'the broker was frozen during the run');
    const sent = r.groups[0]!.sent;
    assert.equal(sent, (RATE * DURATION_MS) / 1000, 'the generator kept its schedule during the freeze');
    assert.equal(r.ledger.lost, 0);
    const lat = r.latency['deliver.intended']!;
    assert.equal(lat.count, sent);
    // The first message scheduled after SIGSTOP may be due up to one send interval after it, so it waits at
    // least the stall less that interval.
    const interval = 1000 / RATE;
    assert.ok(lat.max >= STALL_MS - interval, `max ${lat.max} ms must include the ${STALL_MS} ms stall`);
    // Messages scheduled during the stall waited between STALL_MS and 0 ms (linearly): the stalled share of
    // the run is STALL_MS / DURATION_MS = 25 %, so about half of them (12.5 % of all) waited more than STALL_MS/2
    // and p99 sits near the top of the stall.
    const h = decodeHistogram(lat.encoded);
    const share = STALL_MS / DURATION_MS;
    let lo = 0;
    let hi = 100;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (h.getValueAtPercentile(mid) > (STALL_MS / 2) * 1000) hi = mid;
      else lo = mid;
    }
    const above = 1 - hi / 100;
    assert.ok(
      above >= share / 2 - 0.05,
      `share waiting > ${STALL_MS / 2} ms is ${above}, expected about ${share / 2}`,
    );
    assert.ok(
      lat.p99 >= STALL_MS * (1 - 0.01 / share) - 150,
      `p99 ${lat.p99} ms consistent with a ${STALL_MS} ms stall over ${share * 100}% of the run`,
    );
    // The same run measured from the actual send time shows it too (the generator never waited), and the
    // generator's own send lag stays small: the broker was slow, not the generator.
    assert.ok(r.latency['deliver.actual']!.max >= STALL_MS * 0.9);
    assert.ok(r.latency.sendLag!.p99 < lat.p99);
    // The per-second latency series shows the stall in the second(s) it happened.
    assert.equal(r.series.max?.length, r.series.t.length);
    assert.ok(Math.max(...(r.series.max ?? []).map((v) => v ?? 0)) >= STALL_MS * 0.9);
  } finally {
    await m.stop();
  }
});
