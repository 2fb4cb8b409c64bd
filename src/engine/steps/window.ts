// Counting windows: `expect: { count, match, within }` on one client and `expectAmong` across clients.
// During the window every packet arriving at those clients is read: matching ones are counted and
// consumed, packet types in `skip` are passed over, anything else fails the step. The step fails as
// soon as the count passes its maximum, and at the end of the window if it is below its minimum.
import { performance } from 'node:perf_hooks';
import type { Packet } from '../../protocol/codec.ts';
import { type CountBounds, countBounds, describeBounds } from '../../scenario/count.ts';
import type { ScenarioClient } from '../client.ts';
import { capture, type Mismatch, matchPacket, matchUnordered } from '../matcher.ts';
import { jsonSafe } from '../transcript.ts';
import { type CaseEnv, isRecord, StepError, StepFailure } from './common.ts';

export interface WindowSpec {
  /** Plain matcher, or { oneOf: [matchers] } (any alternative counts). */
  match: Record<string, unknown>;
  /** Resolved count value: a number or { $range } / { $gte } / { $lte }. */
  count: unknown;
  withinMs: number;
  skip: string[];
  capture: Record<string, string>;
  /** Matchers that must each match a distinct counted packet by the end of the window (`including:`). */
  including?: Array<Record<string, unknown>>;
}

/** A packet against a plain matcher or a oneOf list; undefined when it matches. */
function mismatchOf(match: Record<string, unknown>, packet: Packet): Mismatch | undefined {
  if (!Array.isArray(match.oneOf)) return matchPacket(match, packet);
  let first: Mismatch | undefined;
  for (const alt of match.oneOf) {
    if (!isRecord(alt) || alt.close === true) continue;
    const { capture: _c, ...m } = alt;
    const miss = matchPacket(m, packet);
    if (!miss) return undefined;
    first ??= miss;
  }
  return first ?? { path: '', message: 'no alternative to match' };
}

interface Got {
  client: string;
  packet: Packet;
  t: number;
}

/** Reads the clients' inboxes for the window; returns what was counted (in arrival order). */
export async function countWindow(
  env: CaseEnv,
  clients: ScenarioClient[],
  spec: WindowSpec,
): Promise<Packet[]> {
  const bounds: CountBounds | string = countBounds(spec.count);
  if (typeof bounds === 'string') throw new StepError(`count: ${bounds}`);
  for (const c of clients)
    if (!c.conn) throw new StepError(`client ${c.name} has no connection yet (connect or open it first)`);
  const deadline = performance.now() + spec.withinMs;
  const skip = new Set(spec.skip.map((s) => s.toLowerCase()));
  const want = describeBounds(bounds);
  const names = clients.map((c) => c.name);
  const many = clients.length > 1;
  const expected = jsonSafe({
    ...(many ? { among: names } : {}),
    count: want,
    within: `${spec.withinMs}ms`,
    match: spec.match,
    ...(spec.including ? { including: spec.including } : {}),
  });
  const got: Got[] = [];
  const tally = (): Record<string, number> =>
    Object.fromEntries(names.map((n) => [n, got.filter((g) => g.client === n).length]));
  const actualOf = (): unknown =>
    jsonSafe(
      many
        ? { perClient: tally(), packets: got.map((g) => ({ client: g.client, ...g.packet })) }
        : got.map((g) => g.packet),
    );
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  env.signal.addEventListener('abort', onAbort, { once: true });
  let failure: unknown;
  const fail = (e: unknown): void => {
    failure ??= e;
    controller.abort();
  };
  const where = (c: ScenarioClient): string => (many ? ` at ${c.name}` : '');
  try {
    await Promise.all(
      clients.map(async (c) => {
        for (;;) {
          const item = await c.next(deadline, controller.signal);
          if (item === 'timeout') return;
          // a client that closed its own connection receives nothing more: it simply stops counting
          if (item.kind === 'close' && item.byUs) return;
          if (item.kind !== 'packet') {
            const what =
              item.kind === 'malformed'
                ? `malformed packet from broker${where(c)}: ${item.message}`
                : `connection${where(c)} closed by broker during the window`;
            fail(new StepFailure(`${what} (after ${got.length} of ${want})`, expected, actualOf()));
            return;
          }
          const p = item.packet;
          if (skip.has(p.cmd)) continue;
          const miss = mismatchOf(spec.match, p);
          if (miss) {
            fail(
              new StepFailure(
                `unexpected ${p.cmd}${where(c)} (not counted: ${miss.message})`,
                expected,
                jsonSafe(p),
              ),
            );
            return;
          }
          got.push({ client: c.name, packet: p, t: item.t });
          if (got.length > bounds.max) {
            fail(
              new StepFailure(
                `${got.length} matching packets${many ? ` among ${names.join(', ')}` : ''}, expected ${want} within ${spec.withinMs}ms`,
                expected,
                actualOf(),
              ),
            );
            return;
          }
        }
      }),
    );
  } finally {
    env.signal.removeEventListener('abort', onAbort);
  }
  if (failure !== undefined) throw failure;
  if (env.signal.aborted) throw new StepFailure('aborted');
  if (got.length < bounds.min)
    throw new StepFailure(
      `${got.length} matching packet${got.length === 1 ? '' : 's'}${many ? ` among ${names.join(', ')}` : ''} within ${spec.withinMs}ms, expected ${want}`,
      expected,
      actualOf(),
    );
  got.sort((a, b) => a.t - b.t);
  if (spec.including && spec.including.length > 0) {
    const paired = matchUnordered(
      spec.including,
      got.map((g) => g.packet),
    );
    if ('problem' in paired)
      throw new StepFailure(
        `counted packets lack what 'including' requires: ${paired.problem}`,
        expected,
        actualOf(),
      );
  }
  const first = got[0];
  if (first && Object.keys(spec.capture).length > 0) {
    const { values, missing } = capture(spec.capture, first.packet);
    if (missing.length > 0)
      throw new StepFailure(
        `capture failed: ${missing.join(', ')} not present in ${first.packet.cmd}`,
        spec.capture,
        jsonSafe(first.packet),
      );
    Object.assign(env.vars, values);
  }
  return got.map((g) => g.packet);
}
