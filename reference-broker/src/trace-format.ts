// One-line descriptions of packets for --trace output.
import type { Packet } from '../../src/protocol/codec.ts';
import type { InPublish } from './wire.ts';

export function describe(p: Packet): string {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'length' || v === undefined || v === null) continue;
    o[k] = Buffer.isBuffer(v) ? (v.length > 64 ? `<${v.length} bytes>` : v.toString('utf8')) : v;
  }
  return `${p.cmd.toUpperCase()} ${JSON.stringify(o)}`;
}

export function describeIn(p: InPublish): string {
  if (p.error) return `PUBLISH (invalid: ${p.error})`;
  const payload = p.payload.length > 256 ? `<${p.payload.length} bytes>` : p.payload.toString('utf8');
  return `PUBLISH ${JSON.stringify({ topic: p.topic, qos: p.qos, retain: p.retain, dup: p.dup, messageId: p.packetId || undefined, topicAlias: p.topicAlias || undefined, payload })}`;
}
