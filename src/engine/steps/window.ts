// Counting windows: `expect: { count, match, within }` on one client and `expectAmong` across clients.
// During the window every packet arriving at those clients is read: matching ones are counted and
// consumed, packet types in `skip` are passed over, anything else fails the step. The step fails as
// soon as the count passes its maximum, and at the end of the window if it is below its minimum.
import { performance } from 'node:perf_hooks';
import type { Packet } from '../../protocol/codec.ts';
import { type CountBounds, countBounds, describeBounds } from '../../scenario/count.ts';
import type { ScenarioClient } from '../client.ts';
import { type Mismatch, matchPacket, matchUnordered } from '../matcher.ts';
import { jsonSafe } from '../transcript.ts';
import { type CaseEnv, isRecord, StepError, StepFailure } from './common.ts';
import { storeCapture } from './describe.ts';

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

/** One open window: its bounds, what a failure reports as expected, and what was counted so far. */
interface Window {
  bounds: CountBounds;
  /** The bounds in words, e.g. "2..3". */
  want: string;
  names: string[];
  many: boolean;
  expected: unknown;
  deadline: number;
  skip: Set<string>;
  got: Got[];
  /** What was counted, for a failure's "actual". */
  actualOf(): unknown;
}

/** Reads the clients' inboxes for the window; returns what was counted (in arrival order). */
export async function countWindow(
  env: CaseEnv,
  clients: ScenarioClient[],
  spec: WindowSpec,
): Promise<Packet[]> {
  const w = openWindow(clients, spec);
  await readWindow(env, clients, w, spec);
  return closeWindow(env, w, spec);
}

function openWindow(clients: ScenarioClient[], spec: WindowSpec): Window {
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
  return { bounds, want, names, many, expected, deadline, skip, got, actualOf };
}

/** Reads every client until the deadline; the first failure (at any client) ends the window for all. */
async function readWindow(
  env: CaseEnv,
  clients: ScenarioClient[],
  w: Window,
  spec: WindowSpec,
): Promise<void> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  env.signal.addEventListener('abort', onAbort, { once: true });
  let failure: unknown;
  const fail = (e: unknown): void => {
    failure ??= e;
    controller.abort();
  };
  try {
    await Promise.all(clients.map((c) => readClient(c, w, spec, controller.signal, fail)));
  } finally {
    env.signal.removeEventListener('abort', onAbort);
  }
  if (failure !== undefined) throw failure;
}

/** One client's inbox during the window: count, skip, or fail (unexpected packet, close, over the max). */
async function readClient(
  c: ScenarioClient,
  w: Window,
  spec: WindowSpec,
  signal: AbortSignal,
  fail: (e: unknown) => void,
): Promise<void> {
  const where = w.many ? ` at ${c.name}` : '';
  for (;;) {
    const item = await c.next(w.deadline, signal);
    if (item === 'timeout') return;
    // a client that closed its own connection receives nothing more: it simply stops counting
    if (item.kind === 'close' && item.byUs) return;
    if (item.kind !== 'packet') {
      const what =
        item.kind === 'malformed'
          ? `malformed packet from broker${where}: ${item.message}`
          : `connection${where} closed by broker during the window`;
      fail(new StepFailure(`${what} (after ${w.got.length} of ${w.want})`, w.expected, w.actualOf()));
      return;
    }
    const p = item.packet;
    if (w.skip.has(p.cmd)) continue;
    const miss = mismatchOf(spec.match, p);
    if (miss) {
      fail(
        new StepFailure(
          `unexpected ${p.cmd}${where} (not counted: ${miss.message})`,
          w.expected,
          jsonSafe(p),
        ),
      );
      return;
    }
    w.got.push({ client: c.name, packet: p, t: item.t });
    if (w.got.length > w.bounds.max) {
      fail(
        new StepFailure(
          `${w.got.length} matching packets${w.many ? ` among ${w.names.join(', ')}` : ''}, expected ${w.want} within ${spec.withinMs}ms`,
          w.expected,
          w.actualOf(),
        ),
      );
      return;
    }
  }
}

/** The end of the window: under the minimum fails, then `including:`, then captures from the first packet. */
function closeWindow(env: CaseEnv, w: Window, spec: WindowSpec): Packet[] {
  const { got } = w;
  if (env.signal.aborted) throw new StepFailure('aborted');
  if (got.length < w.bounds.min)
    throw new StepFailure(
      `${got.length} matching packet${got.length === 1 ? '' : 's'}${w.many ? ` among ${w.names.join(', ')}` : ''} within ${spec.withinMs}ms, expected ${w.want}`,
      w.expected,
      w.actualOf(),
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
        w.expected,
        w.actualOf(),
      );
  }
  const first = got[0];
  if (first) storeCapture(env, spec.capture, first.packet);
  return got.map((g) => g.packet);
}
