// Warm-up at start, on a TCP listener of its own on 127.0.0.1 before the configured listeners open:
// one short conversation (CONNECT in 5.0, 3.1.1 and 3.1, SUBSCRIBE, a QoS 1 PUBLISH delivered back,
// PINGREQ, DISCONNECT), then the connect path in process (warmup-loop.ts), then a burst of plain
// connects over sockets (see burst). A cold broker
// otherwise answers its first clients slowly: the first run of every code path on the connect and
// publish paths (compilation, lazily loaded runtime internals) lands on their CONNACKs. Measured on a
// fresh broker, the first 12 concurrent CONNECTs were answered at p50 about 140 ms before, and in a few
// ms after. Best effort and bounded: any refusal (a users file, ACLs) or error simply ends it; the
// counters it moved are reset.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { encode, type Packet, type ProtocolVersion } from '../../src/protocol/index.ts';
import type { Broker } from './broker.ts';
import { startListener } from './listeners.ts';
import { plainConnect, warmUpLoop } from './warmup-loop.ts';

/** Upper bound on the whole warm-up. */
export const WARMUP_DEADLINE_MS = 1500;
const DISCONNECT = Buffer.from([0xe0, 0x00]);

function conversation(version: ProtocolVersion, tag: string): Packet[] {
  const topic = `crucible-warmup/${tag}/${version}`;
  const id = version === 3 ? `warm${tag.slice(0, 8)}${version}` : `crucible-warmup-${tag}-${version}`;
  const v5 = version === 5;
  return [
    {
      cmd: 'connect',
      protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: version,
      clientId: id,
      clean: true,
      keepalive: 30,
      will: { topic: `${topic}/will`, payload: Buffer.from('w'), qos: 0, retain: false },
      ...(v5 ? { properties: { sessionExpiryInterval: 0, receiveMaximum: 10 } } : {}),
    },
    { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 1 }] },
    { cmd: 'publish', topic, payload: Buffer.from('warm'), qos: 1, messageId: 2, retain: false, dup: false },
    { cmd: 'pingreq' },
    { cmd: 'disconnect' },
  ] as Packet[];
}

/** One conversation: send everything, wait until the broker closes or the deadline passes. */
function converse(port: number, host: string, version: ProtocolVersion, tag: string, deadline: number) {
  return new Promise<void>((resolve) => {
    const s = net.connect({ port, host, noDelay: true });
    const timer = setTimeout(() => s.destroy(), Math.max(1, deadline - Date.now()));
    const packets = conversation(version, tag).map((p) => encode(p, version));
    let got = 0;
    s.on('connect', () => s.write(packets[0] as Buffer));
    s.on('data', (d) => {
      got += d.length;
      // after CONNACK: the rest; the PUBLISH comes back to us, its PUBACK too, then PINGRESP
      if (got > 0 && packets.length > 1) {
        const [, ...rest] = packets.splice(0);
        for (const p of rest.slice(0, -1)) s.write(p);
        const last = rest.at(-1);
        setTimeout(() => (last ? s.end(last) : s.end()), 5);
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The connect burst: WARMUP_BURST connections, WARMUP_WAVE at a time, each a CONNECT (5.0 and 3.1.1 in
 * turn, the plain shape of handlers/connect-fast.ts), its CONNACK and DISCONNECT. The three conversations
 * run the code paths once; a storm of connects needs them compiled by the optimizing tier, which takes
 * thousands of runs: measured with reference-broker/bench/connect-storm.bench.ts, the broker's CPU time
 * per connection in a storm of 1,000 fell from ~280 us cold to ~140 us after 3,000 earlier connections.
 * Ends at the deadline, or at the first refusal (a users file, a connection limit).
 */
export const WARMUP_BURST = 1000;
const WARMUP_WAVE = 100;

/** One connection of the burst; false when it was refused or failed (the burst then stops). */
function burstOne(port: number, host: string, pk: Buffer, deadline: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect({ port, host, noDelay: true });
    const timer = setTimeout(() => s.destroy(), Math.max(1, deadline - Date.now()));
    let ok = false;
    s.write(pk);
    s.once('data', (d: Buffer) => {
      ok = d[0] === 0x20 && d[3] === 0;
      s.end(DISCONNECT);
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(ok);
    });
  });
}

async function burst(port: number, host: string, tag: string, deadline: number): Promise<void> {
  // a wave starts only with time left for it: one cut short at the deadline leaves connections behind
  const last = deadline - 300;
  for (let done = 0; done < WARMUP_BURST && Date.now() < last; done += WARMUP_WAVE) {
    const wave: Array<Promise<boolean>> = [];
    for (let i = done; i < done + WARMUP_WAVE; i++) {
      const pk = plainConnect(i % 2 === 0 ? 5 : 4, `crucible-warmup-${tag}-b${i}`);
      wave.push(burstOne(port, host, pk, deadline));
    }
    if ((await Promise.all(wave)).includes(false)) return;
  }
}

export async function warmUp(broker: Broker, port: number, host: string): Promise<void> {
  const deadline = Date.now() + WARMUP_DEADLINE_MS;
  const tag = randomBytes(6).toString('hex');
  const connectHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  for (const v of [5, 4, 3] as ProtocolVersion[]) {
    if (Date.now() >= deadline) break;
    await converse(port, connectHost, v, tag, deadline);
  }
  await warmUpLoop(broker, tag, deadline); // the broker's own code, in process (warmup-loop.ts)
  await burst(port, connectHost, tag, deadline);
  for (const k of Object.keys(broker.stats) as Array<keyof typeof broker.stats>) broker.stats[k] = 0;
}

/** The warm-up on a TCP listener of its own on 127.0.0.1, closed after it (best effort). */
export async function warmUpAside(broker: Broker): Promise<void> {
  let l: Awaited<ReturnType<typeof startListener>>;
  try {
    l = await startListener(broker, { kind: 'tcp', host: '127.0.0.1', port: 0 });
  } catch {
    return;
  }
  // its own traffic is not the user's: with --trace it would be some 18,000 lines before their client's
  const logger = broker.logger;
  broker.logger = () => {};
  try {
    await warmUp(broker, l.port, l.host);
  } finally {
    broker.logger = logger;
    void l.close(); // stops accepting now; its last sockets close on their own
  }
}
