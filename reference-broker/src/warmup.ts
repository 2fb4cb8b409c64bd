// Warm-up at start: one short conversation with the broker's own TCP listener over loopback (CONNECT
// in 5.0, 3.1.1 and 3.1, SUBSCRIBE, a QoS 1 PUBLISH delivered back, PINGREQ, DISCONNECT), before
// the broker is announced as started. A cold broker otherwise answers its first clients slowly: the
// first run of every code path on the connect and publish paths (compilation, lazily loaded runtime
// internals) lands on their CONNACKs. Measured on a fresh broker, the first 12 concurrent CONNECTs
// were answered at p50 about 140 ms before, and in a few ms after. Best effort and bounded: any
// refusal (a users file, ACLs) or error simply ends it; the counters it moved are reset.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { encode, type Packet, type ProtocolVersion } from '../../src/protocol/index.ts';
import type { Broker } from './broker.ts';

/** Upper bound on the whole warm-up. */
export const WARMUP_DEADLINE_MS = 1500;

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

export async function warmUp(broker: Broker, port: number, host: string): Promise<void> {
  const deadline = Date.now() + WARMUP_DEADLINE_MS;
  const tag = randomBytes(6).toString('hex');
  const connectHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  for (const v of [5, 4, 3] as ProtocolVersion[]) {
    if (Date.now() >= deadline) break;
    await converse(port, connectHost, v, tag, deadline);
  }
  for (const k of Object.keys(broker.stats) as Array<keyof typeof broker.stats>) broker.stats[k] = 0;
}
