// Micro-benchmark: our Decoder / encode vs mqtt-packet's parser / generate, PUBLISH, v4 and v5,
// 64-byte payload, short topic. Run: npx tsx src/protocol/codec.bench.ts
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';
import { Bench } from 'tinybench';
import { Decoder, encode, type ProtocolVersion } from './codec.ts';

const PER_ITER = 100; // PUBLISH packets per pushed stream chunk

function samplePacket(version: ProtocolVersion): IPublishPacket {
  const p: IPublishPacket = {
    cmd: 'publish',
    topic: 'bench/t/1',
    qos: 1,
    messageId: 42,
    retain: false,
    dup: false,
    payload: Buffer.alloc(64, 0x61),
  };
  if (version === 5) p.properties = { messageExpiryInterval: 60, userProperties: { k: 'v' } };
  return p;
}

const bench = new Bench({ time: 800, warmup: true });
let checksum = 0;
const sinks: (() => number)[] = [];
const pairs: { label: string; ours: string; theirs: string; perOp: number }[] = [];

for (const version of [4, 5] as const) {
  const pk = samplePacket(version);
  const one = mqttPacket.generate(pk, { protocolVersion: version });
  const stream = Buffer.concat(Array.from({ length: PER_ITER }, () => one));
  let sink = 0;
  sinks.push(() => sink);
  const ourDecoder = new Decoder(version, {
    packet: () => {
      sink++;
    },
    error: (e) => {
      throw e;
    },
  });
  const theirParser = mqttPacket.parser({ protocolVersion: version });
  theirParser.on('packet', () => {
    sink++;
  });
  const simple: Packet = { ...pk, properties: undefined } as unknown as Packet;
  if (version === 5) delete (simple as { properties?: unknown }).properties;

  bench
    .add(`decode v${version} crucible Decoder`, () => ourDecoder.push(stream))
    .add(`decode v${version} mqtt-packet parser`, () => {
      theirParser.parse(stream);
    })
    .add(`encode v${version} crucible encode`, () => {
      sink += encode(simple, version).length;
    })
    .add(`encode v${version} mqtt-packet generate`, () => {
      sink += mqttPacket.generate(simple, { protocolVersion: version }).length;
    });
  if (version === 5) {
    bench
      .add('encode v5+props crucible encode', () => {
        sink += encode(pk, version).length;
      })
      .add('encode v5+props mqtt-packet generate', () => {
        sink += mqttPacket.generate(pk, { protocolVersion: version }).length;
      });
  }
  pairs.push(
    {
      label: `decode PUBLISH v${version}`,
      ours: `decode v${version} crucible Decoder`,
      theirs: `decode v${version} mqtt-packet parser`,
      perOp: PER_ITER,
    },
    {
      label: `encode PUBLISH v${version}`,
      ours: `encode v${version} crucible encode`,
      theirs: `encode v${version} mqtt-packet generate`,
      perOp: 1,
    },
  );
  if (version === 5) {
    pairs.push({
      label: 'encode PUBLISH v5 with properties',
      ours: 'encode v5+props crucible encode',
      theirs: 'encode v5+props mqtt-packet generate',
      perOp: 1,
    });
  }
}

await bench.run();
checksum += sinks.reduce((a, f) => a + f(), 0);

function rate(name: string, perOp: number): number {
  const task = bench.tasks.find((t) => t.name === name);
  const r = task?.result as { throughput?: { mean?: number }; hz?: number } | undefined;
  const hz = r?.throughput?.mean ?? r?.hz ?? 0;
  return hz * perOp;
}

console.log(
  `PUBLISH, 64-byte payload, topic 'bench/t/1', QoS 1; decode = stream of ${PER_ITER} packets per push`,
);
console.table(
  pairs.map((p) => {
    const ours = rate(p.ours, p.perOp);
    const theirs = rate(p.theirs, p.perOp);
    return {
      case: p.label,
      'crucible packets/s': Math.round(ours).toLocaleString('en-US'),
      'mqtt-packet packets/s': Math.round(theirs).toLocaleString('en-US'),
      ratio: theirs > 0 ? `${(ours / theirs).toFixed(2)}x` : 'n/a',
    };
  }),
);
console.log(`(work checksum ${checksum})`);
