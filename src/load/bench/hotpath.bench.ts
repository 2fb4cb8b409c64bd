// Micro-benchmark of the load hot paths: PUBLISH out (template copy + patch vs encoding each packet),
// PUBLISH in (minimal parser + header vs src/protocol's Decoder), latency recording (FastRecorder vs
// hdr-histogram-js recordValue), the delivery ledger. Run: npx tsx src/load/bench/hotpath.bench.ts
import { Bench } from 'tinybench';
import { newHistogram } from '../../metrics/histogram.ts';
import { LedgerRecorder } from '../../metrics/ledger.ts';
import { FastRecorder } from '../../metrics/recorder.ts';
import type { Packet } from '../../protocol/codec.ts';
import { Decoder, encode } from '../../protocol/codec.ts';
import { newPublishFields } from '../../protocol/publish-fields.ts';
import { clock, patchHeader, readHeader } from '../payload.ts';
import { publishTemplate, readPublish } from '../wire.ts';

const N = 100; // messages per operation
const tpl = publishTemplate('bench/sensors/42', 1, false, 64, 42, 4);
const arena = Buffer.allocUnsafe(N * tpl.bytes.length);
const stream = Buffer.concat(Array.from({ length: N }, () => tpl.bytes));
let sink = 0;

const ip = newPublishFields();
const hd = { publisher: 0, seq: 0, intended: 0, actual: 0 };
const decoder = new Decoder(4, {
  packet: (p) => {
    sink += (p as { payload: Buffer }).payload.length;
  },
  error: (e) => {
    throw e;
  },
});
const fast = new FastRecorder(3_600_000_000);
const hdr = newHistogram();
const ledger = new LedgerRecorder(16);
let seq = 0;

const bench = new Bench({ time: 800, warmup: true });
bench
  .add('out: template copy + patch (crucible)', () => {
    const now = clock();
    for (let k = 0; k < N; k++) {
      const off = k * tpl.bytes.length;
      tpl.bytes.copy(arena, off);
      arena.writeUInt16BE((k % 65535) + 1, off + tpl.packetIdOffset);
      patchHeader(arena, off + tpl.payloadOffset, seq++, now, now);
    }
  })
  .add('out: encode each PUBLISH (src/protocol encode)', () => {
    const payload = Buffer.allocUnsafe(64);
    for (let k = 0; k < N; k++) {
      payload.writeUInt32BE(seq++, 6);
      sink += encode(
        {
          cmd: 'publish',
          topic: 'bench/sensors/42',
          qos: 1,
          messageId: (k % 65535) + 1,
          retain: false,
          dup: false,
          payload,
        } as Packet,
        4,
      ).length;
    }
  })
  .add('in: minimal parser + header (crucible)', () => {
    let off = 0;
    while (off < stream.length) {
      const rl = stream[off + 1] as number; // < 128 here
      readPublish(stream, (stream[off] as number) & 15, off + 2, off + 2 + rl, false, ip);
      readHeader(stream, ip.payloadStart, off + 2 + rl, hd);
      sink += hd.seq;
      off += 2 + rl;
    }
  })
  .add('in: src/protocol Decoder (mqtt-packet parse)', () => decoder.push(stream))
  .add('record: FastRecorder.recordMs', () => {
    for (let k = 0; k < N; k++) fast.recordMs(0.137 * k);
  })
  .add('record: hdr-histogram-js recordValue', () => {
    for (let k = 0; k < N; k++) hdr.recordValue(Math.round(137 * k));
  })
  .add('ledger: record (publisher, stream, seq)', () => {
    for (let k = 0; k < N; k++) ledger.record(k & 7, k & 15, seq++, 1);
  });

await bench.run();
const rate = (name: string): number => {
  const r = bench.tasks.find((t) => t.name === name)?.result as
    | { throughput?: { mean?: number }; hz?: number }
    | undefined;
  return (r?.throughput?.mean ?? r?.hz ?? 0) * N;
};
console.log(`per message, ${N} messages per operation (PUBLISH QoS 1, 64-byte payload)`);
console.table(
  bench.tasks.map((t) => ({
    task: t.name,
    'messages/s': Math.round(rate(t.name)).toLocaleString('en-US'),
    'ns/message': (1e9 / rate(t.name)).toFixed(1),
  })),
);
console.log(`(checksum ${sink})`);
