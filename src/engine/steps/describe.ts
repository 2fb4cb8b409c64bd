// How steps put what arrived into words, and where captured values go.
import type { Packet } from '../../protocol/codec.ts';
import type { InboxItem } from '../client.ts';
import { capture } from '../matcher.ts';
import { jsonSafe } from '../transcript.ts';
import { type CaseEnv, StepFailure } from './common.ts';

export function describeItem(item: InboxItem | 'timeout', ms: number, what: string): StepFailure {
  if (item === 'timeout')
    return new StepFailure(`no packet within ${ms}ms (expected ${what})`, undefined, 'nothing received');
  if (item.kind === 'malformed') {
    return new StepFailure(
      `malformed packet from broker: ${item.message}`,
      undefined,
      item.raw ? { $hex: item.raw.subarray(0, 256).toString('hex') } : undefined,
    );
  }
  if (item.kind === 'close') {
    return new StepFailure(
      item.byUs
        ? `connection already closed by the client (expected ${what})`
        : `connection closed by broker (expected ${what})`,
      undefined,
      item.error ? `closed: ${item.error}` : 'closed',
    );
  }
  return new StepFailure(`unexpected ${item.packet.cmd}`, undefined, jsonSafe(item.packet));
}

/** "PUBACK id 1", "SUBACK id 3", "PUBLISH qos 1 id 2 on a/b": enough to tell packets apart in a message. */
export function describePacket(p: Packet): string {
  const x = p as { messageId?: number; qos?: number; topic?: string; reasonCode?: number };
  const parts = [p.cmd.toUpperCase()];
  if (p.cmd === 'publish') parts.push(`qos ${x.qos ?? 0}`);
  if (x.messageId !== undefined) parts.push(`id ${x.messageId}`);
  if (p.cmd === 'publish' && x.topic !== undefined) parts.push(`on ${x.topic}`);
  if (p.cmd !== 'publish' && typeof x.reasonCode === 'number' && x.reasonCode !== 0)
    parts.push(`reason 0x${x.reasonCode.toString(16).padStart(2, '0')}`);
  return parts.join(' ');
}

export function storeCapture(env: CaseEnv, spec: Record<string, string>, packet: Packet): void {
  if (Object.keys(spec).length === 0) return;
  const { values, missing } = capture(spec, packet);
  if (missing.length > 0)
    throw new StepFailure(
      `capture failed: ${missing.join(', ')} not present in ${packet.cmd}`,
      spec,
      jsonSafe(packet),
    );
  Object.assign(env.vars, values);
}
