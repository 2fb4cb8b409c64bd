// expect with a nested matcher (src/engine/nested.ts), read packet by packet.
import type { Packet } from '../../protocol/codec.ts';
import type { InboxItem, ScenarioClient } from '../client.ts';
import { acceptsClose, type CaptureAt, compileNode, decide } from '../nested.ts';
import { jsonSafe } from '../transcript.ts';
import { type CaseEnv, StepFailure } from './common.ts';
import { describeItem, describePacket, storeCapture } from './describe.ts';

/** A nested matcher (src/engine/nested.ts): packets are read one by one until the matcher is decided; packets
 *  read beyond the decided prefix go back to the inbox for later steps. */
export async function expectNested(
  env: CaseEnv,
  client: ScenarioClient,
  spec: Record<string, unknown>,
  skipSet: Set<string>,
  deadline: number,
  timeoutMs: number,
): Promise<Packet[]> {
  const node = compileNode(spec);
  const expected = jsonSafe(spec);
  const got: Array<InboxItem & { kind: 'packet' }> = [];
  let best: { used: number; captures: CaptureAt[] } | undefined;
  const finish = (used: number, captures: CaptureAt[]): Packet[] => {
    client.putBack(got.slice(used));
    for (const [cap, packet] of captures) storeCapture(env, cap, packet as Packet);
    return got.slice(0, used).map((i) => i.packet);
  };
  for (;;) {
    const item = await client.next(deadline, env.signal);
    if (item !== 'timeout' && item.kind === 'packet' && skipSet.has(item.packet.cmd)) continue;
    const packets = got.map((i) => i.packet);
    if (item !== 'timeout' && item.kind === 'close' && !item.byUs && acceptsClose(node, packets)) return [];
    if (item === 'timeout' || item.kind !== 'packet') {
      if (best) return finish(best.used, best.captures);
      if (got.length === 0 || item !== 'timeout') {
        const f = describeItem(item, timeoutMs, 'packets matching one of the alternatives');
        throw new StepFailure(f.message, expected, got.length ? jsonSafe(packets) : f.actual);
      }
      // say what arrived: the packets so far complete no alternative
      throw new StepFailure(
        `got ${packets.map(describePacket).join(', ')}, then nothing within ${timeoutMs}ms: no alternative is complete`,
        expected,
        jsonSafe(packets),
      );
    }
    got.push(item);
    const d = decide(node, [...packets, item.packet], best);
    if (d.kind === 'done') return finish(d.used, d.captures);
    if (d.kind === 'fail') throw new StepFailure(d.why, expected, jsonSafe([...packets, item.packet]));
    best = d.best;
  }
}
