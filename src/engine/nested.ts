// Nested matchers: a `oneOf` whose alternatives are themselves unordered sets, counts or `oneOf`s ("either two
// copies in any order, or one copy"), and unordered items or count matches written as a `oneOf` of packets.
// The engine reads packets one at a time; after each one every alternative says whether the packets so far
// complete it, could still complete it, or rule it out. The scenario validator refuses every shape outside
// this grammar (src/scenario/packets.ts, checkMatcher), so what validates, runs.
import { type Mismatch, matchPacket } from './matcher.ts';

export type MatchNode =
  | { kind: 'packet'; matcher: Record<string, unknown>; capture: Record<string, string> }
  | { kind: 'close' }
  | { kind: 'oneOf'; alts: MatchNode[]; capture: Record<string, string> }
  | { kind: 'unordered'; items: MatchNode[]; capture: Record<string, string> }
  | { kind: 'count'; n: number; match: MatchNode; capture: Record<string, string> };

/** A capture to store: its spec and the packet it reads from. */
export type CaptureAt = [spec: Record<string, string>, packet: object];

export type Progress =
  | { status: 'complete'; captures: CaptureAt[] }
  | { status: 'partial' }
  | { status: 'dead'; why: string };

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function captureOf(m: Record<string, unknown>): Record<string, string> {
  if (!isMap(m.capture)) return {};
  return Object.fromEntries(Object.entries(m.capture).map(([k, v]) => [k, String(v)]));
}

function compound(m: unknown): boolean {
  return isMap(m) && (Array.isArray(m.oneOf) || Array.isArray(m.unordered) || m.count !== undefined);
}

/** True when the expect needs this module: some alternative, item or count match is itself compound. */
export function isNested(spec: Record<string, unknown>): boolean {
  const inner = [
    ...(Array.isArray(spec.oneOf) ? spec.oneOf : []),
    ...(Array.isArray(spec.unordered) ? spec.unordered : []),
    ...(spec.count !== undefined && isMap(spec.match) ? [spec.match] : []),
  ];
  return inner.some(compound);
}

export function compileNode(m: unknown): MatchNode {
  if (!isMap(m)) return { kind: 'packet', matcher: { cmd: m }, capture: {} };
  if (m.close === true) return { kind: 'close' };
  const capture = captureOf(m);
  if (Array.isArray(m.oneOf)) return { kind: 'oneOf', alts: m.oneOf.map(compileNode), capture };
  if (Array.isArray(m.unordered)) return { kind: 'unordered', items: m.unordered.map(compileNode), capture };
  if (m.count !== undefined && isMap(m.match))
    return { kind: 'count', n: Number(m.count), match: compileNode(m.match), capture };
  const { capture: _c, skip: _s, ...matcher } = m;
  return { kind: 'packet', matcher, capture };
}

/** Whether a close of the connection, with `packets` read so far, satisfies the node. */
export function acceptsClose(node: MatchNode, packets: readonly object[]): boolean {
  if (packets.length > 0) return false;
  if (node.kind === 'close') return true;
  return node.kind === 'oneOf' && node.alts.some((a) => acceptsClose(a, packets));
}

const withOwn = (
  node: { capture: Record<string, string> },
  caps: CaptureAt[],
  first?: object,
): CaptureAt[] => (Object.keys(node.capture).length > 0 && first ? [...caps, [node.capture, first]] : caps);

/** Assigns every packet to a distinct item (small n, backtracking); the captures of one assignment. */
function assign(items: MatchNode[], packets: readonly object[]): CaptureAt[] | undefined {
  const used = new Array<boolean>(items.length).fill(false);
  const caps: CaptureAt[] = [];
  const place = (j: number): boolean => {
    if (j === packets.length) return true;
    for (let i = 0; i < items.length; i++) {
      if (used[i]) continue;
      const p = progress(items[i] as MatchNode, [packets[j] as object]);
      if (p.status !== 'complete') continue;
      used[i] = true;
      caps.push(...p.captures);
      if (place(j + 1)) return true;
      used[i] = false;
      caps.length -= p.captures.length;
    }
    return false;
  };
  return place(0) ? caps : undefined;
}

/** How far `packets` (in arrival order) get through `node`. */
export function progress(node: MatchNode, packets: readonly object[]): Progress {
  const n = packets.length;
  switch (node.kind) {
    case 'close':
      return { status: 'dead', why: n === 0 ? 'waiting for a close' : 'got a packet instead of a close' };
    case 'packet': {
      if (n === 0) return { status: 'partial' };
      if (n > 1) return { status: 'dead', why: 'one packet expected, more arrived' };
      const m: Mismatch | undefined = matchPacket(node.matcher, packets[0] as object);
      if (m) return { status: 'dead', why: m.message };
      const caps: CaptureAt[] = Object.keys(node.capture).length
        ? [[node.capture, packets[0] as object]]
        : [];
      return { status: 'complete', captures: caps };
    }
    case 'oneOf': {
      const whys: string[] = [];
      let partial = false;
      for (const [i, alt] of node.alts.entries()) {
        const p = progress(alt, packets);
        if (p.status === 'complete')
          return { status: 'complete', captures: withOwn(node, p.captures, packets[0]) };
        if (p.status === 'partial') partial = true;
        else whys.push(`[${i + 1}] ${p.why}`);
      }
      return partial ? { status: 'partial' } : { status: 'dead', why: `matched none of: ${whys.join('; ')}` };
    }
    case 'unordered': {
      if (n > node.items.length)
        return { status: 'dead', why: `${node.items.length} packets expected, ${n} arrived` };
      const caps = assign(node.items, packets);
      if (!caps)
        return {
          status: 'dead',
          why: `unordered set of ${node.items.length}: packet ${n} pairs with no remaining item`,
        };
      return n === node.items.length
        ? { status: 'complete', captures: withOwn(node, caps, packets[0]) }
        : { status: 'partial' };
    }
    case 'count': {
      if (n > node.n) return { status: 'dead', why: `${node.n} packets expected, ${n} arrived` };
      const caps: CaptureAt[] = [];
      for (const [i, p] of packets.entries()) {
        const one = progress(node.match, [p]);
        if (one.status !== 'complete')
          return {
            status: 'dead',
            why: `packet ${i + 1} of ${node.n}: ${one.status === 'dead' ? one.why : ''}`,
          };
        if (i === 0) caps.push(...one.captures);
      }
      return n === node.n
        ? { status: 'complete', captures: withOwn(node, caps, packets[0]) }
        : { status: 'partial' };
    }
  }
}

/**
 * The outcome after reading `packets`: done with the first `used` of them (the rest go back to the inbox),
 * keep reading, or fail. `best` remembers the longest prefix that completed, so an earlier alternative still
 * in progress may take more packets, and a later one that already completed wins at the deadline.
 */
export function decide(
  node: MatchNode,
  packets: readonly object[],
  best: { used: number; captures: CaptureAt[] } | undefined,
):
  | { kind: 'done'; used: number; captures: CaptureAt[] }
  | { kind: 'more'; best: { used: number; captures: CaptureAt[] } | undefined }
  | { kind: 'fail'; why: string } {
  const p = progress(node, packets);
  if (p.status === 'complete') {
    const stillOpen =
      node.kind === 'oneOf' && node.alts.some((a) => progress(a, packets).status === 'partial');
    const hit = { used: packets.length, captures: p.captures };
    // an alternative listed before the complete one may still grow: read on (the step deadline bounds it)
    if (stillOpen && earlierPartial(node, packets)) return { kind: 'more', best: hit };
    return { kind: 'done', ...hit };
  }
  if (p.status === 'partial') return { kind: 'more', best };
  if (best) return { kind: 'done', ...best };
  return { kind: 'fail', why: p.why };
}

function earlierPartial(node: MatchNode & { kind: 'oneOf' }, packets: readonly object[]): boolean {
  for (const alt of node.alts) {
    const s = progress(alt, packets).status;
    if (s === 'complete') return false;
    if (s === 'partial') return true;
  }
  return false;
}
