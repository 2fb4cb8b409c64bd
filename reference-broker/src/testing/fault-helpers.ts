// Raw-client helpers of the broker's fault-switch tests: subscribe, publish, and "what comes first" checks.
import type { Packet } from '../../../src/protocol/codec.ts';
import { RawClient } from './support.ts';

export type P = Record<string, unknown>;
export const rec = (p: Packet) => p as unknown as P;
export const props = (p: Packet) => (rec(p).properties ?? {}) as P;
export const pub = (topic: string, payload: string, extra: P = {}) =>
  ({ cmd: 'publish', topic, qos: 0, payload: Buffer.from(payload), ...extra }) as unknown as Packet;

export async function sub(
  port: number,
  v: 4 | 5,
  topic: string,
  qos: 0 | 1 | 2,
  fields: P = {},
  opts: P = {},
): Promise<RawClient> {
  const [c] = await RawClient.connect(port, v, fields);
  c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos, ...opts }] } as unknown as Packet);
  await c.next('suback');
  return c;
}

export async function pingFirst(c: RawClient): Promise<Packet> {
  c.send({ cmd: 'pingreq' });
  return c.next();
}
