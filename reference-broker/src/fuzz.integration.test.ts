// Robustness: >= 100,000 random and mutated packets over many connections while good MQTT.js
// clients keep publishing and receiving. The broker must not throw, must keep serving the good
// clients (every message arrives, in order) and its heap must stay bounded.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import mqtt from 'mqtt';
import type { ProtocolVersion } from '../../src/protocol/codec.ts';
import { startBroker } from './index.ts';
import { encodeOrPing, mutate, Rng, randomPacket } from './testing/fuzz.ts';

const TARGET_PACKETS = 100_000;
const FUZZ_CONNECTIONS = 24;
const GOOD_MESSAGES = 1500;

test('fuzzing with random and mutated packets while good clients keep working', {
  timeout: 90_000,
}, async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  const broker = await startBroker({ sysIntervalSeconds: 1, maxQueuedMessages: 200, connectTimeoutMs: 2000 });
  const port = broker.listeners[0]!.port;
  const url = broker.listeners[0]!.url;
  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 100);
  let sent = 0;
  let connections = 0;
  let stop = false;
  const clientIds = Array.from({ length: 40 }, (_, i) => `fz${i}`);

  async function fuzzer(seed: number): Promise<void> {
    const r = new Rng(seed);
    while (!stop && (sent < TARGET_PACKETS || broker.stats().packetsReceived < TARGET_PACKETS)) {
      const v = r.pick([3, 4, 5, 5] as ProtocolVersion[]);
      const s: Socket = connect(port, '127.0.0.1');
      connections++;
      s.on('error', () => {});
      s.on('data', () => {}); // read and discard (some fuzz clients stay slow: see below)
      if (r.int(5) === 0) s.pause(); // a slow consumer that never reads
      const closed = new Promise<void>((res) => s.once('close', () => res()));
      await new Promise<void>((res) => {
        s.once('connect', () => res());
        s.once('error', () => res());
      });
      const parts: Buffer[] = [];
      const first = randomPacket(r, v, clientIds);
      const connectPk = first.cmd === 'connect' ? first : randomPacket(new Rng(seed + 1), v, clientIds);
      parts.push(
        r.int(10) === 0
          ? mutate(r, encodeOrPing(connectPk, v))
          : encodeOrPing(
              {
                ...connectPk,
                cmd: 'connect',
                protocolId: v === 3 ? 'MQIsdp' : 'MQTT',
                protocolVersion: v,
                clientId: r.pick(clientIds),
                keepalive: 0,
              } as never,
              v,
            ),
      );
      // a third of the connections carry mutated packets (and soon get closed); the others send
      // long streams of random well-formed packets that the broker has to process
      const mutating = r.int(3) === 0;
      const n = mutating ? 20 + r.int(60) : 200 + r.int(600);
      for (let i = 0; i < n; i++) {
        const b = encodeOrPing(randomPacket(r, v, clientIds), v);
        parts.push(mutating && r.int(8) === 0 ? mutate(r, b) : b);
      }
      sent += parts.length;
      // split the stream at random points so packets straddle reads
      const all = Buffer.concat(parts);
      let off = 0;
      while (off < all.length && !s.destroyed) {
        const len = 1 + r.int(4096);
        s.write(all.subarray(off, off + len));
        off += len;
      }
      const t = setTimeout(() => s.destroy(), 150 + r.int(300));
      await closed;
      clearTimeout(t);
    }
  }

  // good clients: MQTT.js 3.1.1 and 5.0, QoS 1, sequence numbers checked
  const good = await Promise.all(
    ([4, 5] as const).map(async (version) => {
      const sub = await mqtt.connectAsync(url, {
        protocolVersion: version,
        reconnectPeriod: 0,
        clientId: `good-sub-${version}`,
      });
      const pub = await mqtt.connectAsync(url, {
        protocolVersion: version,
        reconnectPeriod: 0,
        clientId: `good-pub-${version}`,
      });
      await sub.subscribeAsync(`good/${version}/#`, { qos: 1 });
      const got: number[] = [];
      sub.on('message', (_t, p) => got.push(Number(p.toString())));
      return { version, sub, pub, got };
    }),
  );
  const publishing = Promise.all(
    good.map(async (g) => {
      for (let i = 0; i < GOOD_MESSAGES; i++) {
        await g.pub.publishAsync(`good/${g.version}/seq`, String(i), { qos: 1 });
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    }),
  );
  const fuzzers = Array.from({ length: FUZZ_CONNECTIONS }, (_, i) => fuzzer(1000 + i * 7919));
  await Promise.all(fuzzers);
  await publishing;
  stop = true;
  const deadline = Date.now() + 20_000;
  while (good.some((g) => g.got.length < GOOD_MESSAGES) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  clearInterval(sampler);
  for (const g of good) {
    assert.deepEqual(
      g.got,
      Array.from({ length: GOOD_MESSAGES }, (_, i) => i),
      `good client ${g.version} lost or reordered messages`,
    );
    assert.equal(g.sub.connected && g.pub.connected, true, `good client ${g.version} was disconnected`);
    await g.sub.endAsync();
    await g.pub.endAsync();
  }
  const stats = broker.stats();
  await broker.close();
  process.off('uncaughtException', onUncaught);
  assert.ok(sent >= TARGET_PACKETS, `only ${sent} packets sent`);
  assert.ok(stats.packetsReceived >= TARGET_PACKETS, `the broker read only ${stats.packetsReceived} packets`);
  assert.deepEqual(uncaught, []);
  const growthMb = (heapPeak - heapStart) / 1e6;
  assert.ok(growthMb < 400, `heap grew by ${growthMb.toFixed(0)} MB`);
  console.log(
    `fuzz: ${sent} packets sent over ${connections} connections, ${stats.packetsReceived} read by the broker; heap peak +${growthMb.toFixed(0)} MB; ${stats.messagesReceived} messages routed, ${stats.dropped} dropped`,
  );
});
