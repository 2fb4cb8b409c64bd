// The brokers the load benchmarks run against, side by side, from the peer launchers of the tests
// (src/transport/testing/peers/): a private mosquitto, the reference broker as its own process, or RabbitMQ.
import { type MosquittoPeer, startLoadMosquitto } from '../transport/testing/peers/mosquitto.ts';
import { startRabbit } from '../transport/testing/peers/rabbitmq.ts';
import { startReferenceBroker } from '../transport/testing/peers/reference-process.ts';

/** A private RabbitMQ node with its MQTT plugin (MQTT 3.1.1; its own node name, ports and data dir). */
async function startRabbitPeer(): Promise<MosquittoPeer> {
  const r = await startRabbit();
  return { url: `mqtt://127.0.0.1:${r.mqtt}`, port: r.mqtt, signal: r.signal, stop: r.stop };
}

/** Brokers the benchmarks run against, side by side: BENCH_BROKERS=mosquitto,reference (default), or rabbitmq. */
export function benchBrokers(): Array<{ name: string; start: () => Promise<MosquittoPeer> }> {
  const names = (process.env.BENCH_BROKERS ?? 'mosquitto,reference').split(',').map((s) => s.trim());
  const starters: Record<string, () => Promise<MosquittoPeer>> = {
    reference: () => startReferenceBroker(),
    rabbitmq: () => startRabbitPeer(),
  };
  return names.map((name) => ({
    name,
    start: starters[name] ?? (() => startLoadMosquitto({ fdLimit: 65536 })),
  }));
}
