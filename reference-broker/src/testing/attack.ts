// Attack material for the standing attack suite (attack.integration.test.ts): a seeded generator of
// hostile byte streams, built by hand rather than through a codec so every field can lie. Each
// stream is one connection: random bytes, bit flips, truncation, lying lengths, property floods,
// deep and long topics (will, publish, subscribe, retained, shared), output floods from a client
// that never reads, and sockets that never finish their CONNECT.

import { Prng as SharedPrng } from '../../../src/protocol/testing/prng.ts';

/** The shared seeded PRNG of the tests (src/protocol/testing/prng.ts), with the names these generators use. */
export class Prng extends SharedPrng {
  below(n: number): number {
    return this.int(n);
  }
  chance(p: number): boolean {
    return this.bool(p);
  }
  fill(n: number): Buffer {
    return this.bytes(n);
  }
}

export const ATTACK_KINDS = [
  'random',
  'bitflip',
  'truncated',
  'length-lie',
  'property-flood',
  'deep-topic',
  'long-topic',
  'output-flood',
  'slow-connect',
] as const;
type AttackKind = (typeof ATTACK_KINDS)[number];

export interface AttackPlan {
  kind: AttackKind;
  /** byte chunks to write, in order */
  chunks: Buffer[];
  /** packets (whole or mangled) the chunks carry, for the figures */
  packets: number;
  /** the client stops reading (its socket is paused) */
  noRead: boolean;
  /** keep the socket open after the last chunk instead of closing it */
  linger: boolean;
}

// ---- raw frame building ----

function vbi(n: number, overlong = false): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  if (overlong && out.length < 4) {
    out[out.length - 1]! |= 0x80;
    out.push(0);
  }
  return Buffer.from(out);
}

function str(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const len = Buffer.allocUnsafe(2);
  len.writeUInt16BE(Math.min(b.length, 65535));
  return Buffer.concat([len, b.subarray(0, 65535)]);
}

function frame(header: number, body: Buffer, lie?: { length: number; overlong?: boolean }): Buffer {
  return Buffer.concat([Buffer.from([header]), vbi(lie?.length ?? body.length, lie?.overlong), body]);
}

function props(p: Buffer | undefined): Buffer {
  const b = p ?? Buffer.alloc(0);
  return Buffer.concat([vbi(b.length), b]);
}

/** n User Property pairs (0x26), repeated names included. */
function userProps(r: Prng, n: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) parts.push(Buffer.from([0x26]), str(`k${r.below(8)}`), str(`v${i}`));
  return Buffer.concat(parts);
}

interface ConnectOpts {
  version: 4 | 5;
  clientId: string;
  will?: { topic: string; payload: Buffer; qos: number; retain: boolean };
  properties?: Buffer | undefined;
  keepAlive?: number;
}

function connectFrame(o: ConnectOpts): Buffer {
  let flags = 0x02; // clean
  if (o.will) flags |= 0x04 | (o.will.qos << 3) | (o.will.retain ? 0x20 : 0);
  const parts: Buffer[] = [str('MQTT'), Buffer.from([o.version, flags, 0, o.keepAlive ?? 0])];
  if (o.version === 5) parts.push(props(o.properties));
  parts.push(str(o.clientId));
  if (o.will) {
    if (o.version === 5) parts.push(props(undefined));
    parts.push(str(o.will.topic), str(o.will.payload));
  }
  return frame(0x10, Buffer.concat(parts));
}

function publishFrame(
  version: 4 | 5,
  topic: string,
  qos: number,
  id: number,
  payload: Buffer,
  opts: { retain?: boolean; properties?: Buffer } = {},
): Buffer {
  const parts: Buffer[] = [str(topic)];
  if (qos > 0) parts.push(Buffer.from([id >> 8, id & 0xff]));
  if (version === 5) parts.push(props(opts.properties));
  parts.push(payload);
  return frame(0x30 | (qos << 1) | (opts.retain ? 1 : 0), Buffer.concat(parts));
}

function subscribeFrame(version: 4 | 5, id: number, filters: string[], properties?: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([id >> 8, id & 0xff])];
  if (version === 5) parts.push(props(properties));
  for (const f of filters) parts.push(str(f), Buffer.from([1]));
  return frame(0x82, Buffer.concat(parts));
}

// ---- topics ----

/** A topic of many levels (a wildcard filter when filter is true). */
function deepTopic(r: Prng, maxLevels: number, filter: boolean): string {
  const n = 2 + r.below(Math.max(1, maxLevels - 1));
  const levels: string[] = ['atk'];
  for (let i = 1; i < n; i++) levels.push(filter && r.chance(0.1) ? '+' : r.pick(['a', 'b', '', 'x']));
  if (filter && r.chance(0.5)) levels.push('#');
  return levels.join('/');
}

function longTopic(r: Prng): string {
  const n = r.chance(0.2) ? 65535 - 8 : 256 + r.below(8192);
  return `atk/${'L'.repeat(n)}`.slice(0, 65535);
}

function shortTopic(r: Prng): string {
  return `atk/${r.pick(['a', 'b', 'c'])}/${r.below(50)}`;
}

// ---- attacks ----

/** bytes one ordinary attack connection sends at most; long floods and hogs get a budget of their own */
const MAX_BYTES_PER_CONNECTION = 2 * 1024 * 1024;

function session(r: Prng, version: 4 | 5, clientId: string, maxLevels: number): Buffer[] {
  const out = [connectFrame({ version, clientId, keepAlive: r.pick([0, 5, 60]) })];
  out.push(subscribeFrame(version, 1, [shortTopic(r), r.pick(['atk/#', 'atk/+/+', '$share/g/atk/#'])]));
  for (let i = 0; i < 4; i++) {
    const topic = r.chance(0.2) ? deepTopic(r, Math.min(maxLevels, 64), false) : shortTopic(r);
    out.push(
      publishFrame(version, topic, r.below(3), i + 1, r.fill(r.below(200)), { retain: r.chance(0.2) }),
    );
  }
  return out;
}

/** What a planner writes into: the plan, the PRNG, and the connection's fixed choices. */
interface PlanContext {
  r: Prng;
  plan: AttackPlan;
  add: (b: Buffer, packets?: number) => void;
  version: 4 | 5;
  clientId: string;
  maxLevels: number;
  budget: number;
}

/** One planner per attack kind; each draws from the PRNG in a fixed order, so a seed replays the same bytes. */
const PLANNERS: Record<AttackKind, (c: PlanContext) => void> = {
  random: ({ r, add, version, clientId }) => {
    add(connectFrame({ version, clientId }));
    const n = 1 + r.below(32);
    for (let i = 0; i < n; i++) add(r.fill(1 + r.below(4096)));
  },
  bitflip: ({ r, add, version, clientId, maxLevels }) => {
    const frames = session(r, version, clientId, maxLevels);
    const flipConnect = r.chance(0.3);
    for (const [i, f] of frames.entries()) {
      const b = Buffer.from(f);
      if (i > 0 || flipConnect) {
        const flips = 1 + r.below(6);
        for (let k = 0; k < flips; k++) b[r.below(b.length)]! ^= 1 << r.below(8);
      }
      add(b);
    }
  },
  truncated: ({ r, add, version, clientId, maxLevels }) => {
    const frames = session(r, version, clientId, maxLevels);
    const cut = r.below(frames.length);
    for (let i = 0; i < cut; i++) add(frames[i]!);
    const f = frames[cut]!;
    add(f.subarray(0, 1 + r.below(Math.max(1, f.length - 1))));
  },
  'length-lie': ({ r, plan, add, version, clientId, budget }) => {
    if (r.chance(0.2) || budget > MAX_BYTES_PER_CONNECTION) {
      // before CONNECT: a CONNECT claiming up to 256 MB, then as much of it as the budget allows
      const claim = 268435455 - r.below(1 << 20);
      add(Buffer.concat([Buffer.from([0x10]), vbi(claim)]));
      const body = r.fill(64 * 1024);
      for (let sent = 0; sent < budget; sent += body.length) add(body, 0);
      plan.linger = true;
      return;
    }
    add(connectFrame({ version, clientId }));
    const n = 1 + r.below(6);
    for (let i = 0; i < n; i++) {
      const body = publishFrame(version, shortTopic(r), 1, i + 1, r.fill(r.below(64))).subarray(2);
      const lie = r.pick([
        { length: body.length + 1 + r.below(1000) },
        { length: Math.max(0, body.length - 1 - r.below(8)) },
        { length: 268435455 },
        { length: body.length, overlong: true },
        { length: r.below(128) },
      ]);
      add(frame(0x32, body, lie));
    }
  },
  'property-flood': ({ r, add, clientId }) => {
    const p = userProps(r, 200 + r.below(4000));
    add(connectFrame({ version: 5, clientId, properties: r.chance(0.3) ? p : undefined }));
    add(publishFrame(5, shortTopic(r), 1, 1, r.fill(16), { properties: p }));
    // duplicated single-valued properties (Payload Format Indicator, Message Expiry) and many subscription ids
    const dup = Buffer.from([0x01, 0x00, 0x01, 0x01, 0x02, 0, 0, 0, 9, 0x02, 0, 0, 0, 9]);
    add(publishFrame(5, shortTopic(r), 0, 0, r.fill(8), { properties: dup }));
    const ids: Buffer[] = [];
    for (let i = 0; i < 50; i++) ids.push(Buffer.from([0x0b]), vbi(1 + r.below(268435455)));
    add(subscribeFrame(5, 2, ['atk/#'], Buffer.concat(ids)));
    add(subscribeFrame(5, 3, ['atk/p'], p));
  },
  'deep-topic': ({ r, add, version, clientId, maxLevels }) => {
    const deep = deepTopic(r, maxLevels, false);
    const will = { topic: deep, payload: r.fill(8), qos: r.below(2), retain: r.chance(0.5) };
    add(connectFrame({ version, clientId, will }));
    const filter = r.chance(0.5) ? deep : deepTopic(r, maxLevels, true);
    add(subscribeFrame(version, 1, [filter, `$share/g/${filter}`]));
    add(publishFrame(version, deep, r.below(2), 1, r.fill(8), { retain: r.chance(0.5) }));
    // ends without DISCONNECT: the deep will is published
  },
  'long-topic': ({ r, add, version, clientId }) => {
    const long = longTopic(r);
    add(
      connectFrame({ version, clientId, will: { topic: long, payload: r.fill(4), qos: 0, retain: false } }),
    );
    add(subscribeFrame(version, 1, [long, `${long.slice(0, 200)}/#`]));
    add(publishFrame(version, long, r.below(2), 1, r.fill(8), { retain: r.chance(0.3) }));
  },
  'output-flood': ({ plan, add, version, clientId, budget }) => {
    // never reads, keeps asking for answers (PUBACK, PINGRESP, PUBCOMP, deliveries to itself)
    plan.noRead = true;
    add(connectFrame({ version, clientId }));
    // its own topic only (outside atk/): the flood is about its output, not fan-out to other attackers
    const own = `flood/${clientId}`;
    add(subscribeFrame(version, 1, [own]));
    const unit = Buffer.concat([
      publishFrame(version, own, 1, 7, Buffer.alloc(64, 0x61)),
      Buffer.from([0xc0, 0x00, 0x62, 0x02, 0x00, 0x09]),
    ]);
    const perChunk = Math.floor(65536 / unit.length);
    const chunk = Buffer.concat(Array.from({ length: perChunk }, () => unit));
    const chunks = Math.floor(budget / chunk.length);
    for (let i = 0; i < chunks; i++) add(chunk, perChunk * 3);
  },
  'slow-connect': ({ r, plan, add, version, clientId }) => {
    const f = connectFrame({ version, clientId });
    add(f.subarray(0, 1 + r.below(f.length - 1)));
    plan.linger = true; // the connect timeout must close it
  },
};

/** The plan of one hostile connection. */
export function attackPlan(
  r: Prng,
  kind: AttackKind,
  clientId: string,
  maxLevels: number,
  budget = MAX_BYTES_PER_CONNECTION,
): AttackPlan {
  const version: 4 | 5 = r.chance(0.6) ? 5 : 4;
  const plan: AttackPlan = { kind, chunks: [], packets: 0, noRead: r.chance(0.15), linger: false };
  const add = (b: Buffer, packets = 1) => {
    plan.chunks.push(b);
    plan.packets += packets;
  };
  PLANNERS[kind]({ r, plan, add, version, clientId, maxLevels, budget });
  return plan;
}
