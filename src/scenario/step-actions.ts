// Step actions with structured values: sendMutated, expectClose, subscribe, unsubscribe; shared helpers.
import { type Checker, type Obj, show } from './context.ts';
import { DURATION_HINT, parseDurationMs } from './duration.ts';
import { checkMatcher } from './matchers.ts';
import type { PacketSpec, StepAction } from './model.ts';
import { checkHex, checkPacket, checkSubscription } from './packets.ts';
import { didYouMean, type Path } from './problems.ts';
import type { StepEnv } from './steps.ts';
import { MUTATION_OPS } from './vocabulary.ts';

/** The one tolerance on top of every window the spec gives a number for (keep alive: 1.5 x the keep alive):
 *  timer scheduling and a shared machine. Not wider: a broker whose coarse timers close later than the spec's
 *  number deviates, and the report must say so (docs/scenario-format.md, Timing windows). */
export const TIMING_TOLERANCE_MS = 1000;
/** Step budget for `within: keepAlive` (keep alives of up to 10 s in cases). */
const KEEP_ALIVE_WINDOW_CAP_MS = 16_000;

export function duration(ck: Checker, v: unknown, path: Path, what: string): number | undefined {
  const ms = parseDurationMs(v);
  if (ms === undefined)
    ck.problem(path, `malformed duration ${show(v)}${what === 'wait' ? ' for wait' : ''}`, DURATION_HINT);
  return ms;
}

export function without(o: Obj, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

export function parseSendMutated(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  const o = ck.obj(v, at, 'sendMutated');
  if (!o) return undefined;
  ck.unknownKeys(o, at, ['packet', 'mutate'], 'sendMutated');
  const packet =
    o.packet === undefined ? undefined : checkPacket(ck, o.packet, [...at, 'packet'], { requireCmd: true });
  if (o.packet === undefined) ck.problem(at, 'sendMutated needs a packet: { cmd: ..., ... }');
  const mutate: Array<Record<string, unknown>> = [];
  if (!Array.isArray(o.mutate) || o.mutate.length === 0) {
    ck.problem([...at, 'mutate'], 'mutate must be a non-empty list of { op: ... }');
  } else {
    const ops = Object.keys(MUTATION_OPS);
    o.mutate.forEach((m, i) => {
      const mp = [...at, 'mutate', i];
      const mo = ck.obj(m, mp, 'mutation');
      if (!mo) return;
      if (typeof mo.op !== 'string' || !MUTATION_OPS[mo.op]) {
        ck.problem(
          [...mp, 'op'],
          `unknown mutation op ${show(mo.op)}`,
          typeof mo.op === 'string' ? didYouMean(mo.op, ops) : `expected one of: ${ops.join(', ')}`,
        );
        return;
      }
      const spec = MUTATION_OPS[mo.op]!;
      ck.unknownKeys(mo, mp, ['op', ...spec.required, ...spec.optional], `${mo.op} mutation`);
      for (const a of spec.required)
        if (mo[a] === undefined) ck.problem(mp, `mutation '${mo.op}' needs '${a}'`);
      if (mo.op === 'addProperty' && mo.value === undefined && mo.hex === undefined)
        ck.problem(mp, "mutation 'addProperty' needs 'value' or 'hex'");
      for (const a of [...spec.required, ...spec.optional]) {
        const av = mo[a];
        if (av === undefined) continue;
        if (a === 'hex') checkHex(ck, av, [...mp, a], `${mo.op} mutation`);
        else if (a === 'field') ck.str(av, [...mp, a], 'field');
        else if (a === 'section') ck.oneOf(av, [...mp, a], 'section', ['will'] as const);
        else if (a !== 'value' || (mo.op !== 'protocolName' && mo.op !== 'addProperty'))
          ck.num(av, [...mp, a], a, 0);
      }
      mutate.push(mo);
    });
  }
  return packet ? { kind: 'sendMutated', packet, mutate } : undefined;
}

export function parseExpectClose(ck: Checker, v: unknown, at: Path, env: StepEnv): StepAction | undefined {
  const o = ck.obj(v, at, 'expectClose', true);
  if (!o) return undefined;
  ck.unknownKeys(o, at, ['within', 'disconnect', 'reasonCode', 'allowPackets'], 'expectClose');
  // `within: keepAlive`: the spec's window (1.5 x keep alive) plus the one documented tolerance, at run time
  const keepAlive = o.within === 'keepAlive';
  const withinMs = keepAlive
    ? KEEP_ALIVE_WINDOW_CAP_MS
    : o.within === undefined
      ? env.defaultTimeoutMs
      : duration(ck, o.within, [...at, 'within'], 'within');
  const disconnect =
    o.disconnect === undefined
      ? 'optional'
      : ck.oneOf(o.disconnect, [...at, 'disconnect'], 'disconnect', [
          'optional',
          'required',
          'forbidden',
        ] as const);
  let reasonCodes: number[] | undefined;
  if (o.reasonCode !== undefined) {
    const list = Array.isArray(o.reasonCode) ? o.reasonCode : [o.reasonCode];
    reasonCodes = [];
    list.forEach((c, i) => {
      const p = Array.isArray(o.reasonCode) ? [...at, 'reasonCode', i] : [...at, 'reasonCode'];
      const n = ck.num(c, p, 'reasonCode', 0, 255);
      if (typeof n === 'number') reasonCodes!.push(n);
    });
  }
  const allowPackets =
    o.allowPackets === undefined ? false : ck.bool(o.allowPackets, [...at, 'allowPackets'], 'allowPackets');
  if (withinMs === undefined || disconnect === undefined) return undefined;
  return {
    kind: 'expectClose',
    withinMs,
    disconnect,
    reasonCodes,
    allowPackets: allowPackets === true,
    ...(keepAlive ? { keepAlive } : {}),
  };
}

export function parseSubscribe(ck: Checker, v: unknown, at: Path, env: StepEnv): StepAction | undefined {
  const o = ck.obj(v, at, 'subscribe');
  if (!o) return undefined;
  const perFilter = ['topic', 'qos', 'nl', 'rap', 'rh'];
  ck.unknownKeys(o, at, [...perFilter, 'subscriptions', 'messageId', 'properties', 'suback'], 'subscribe');
  let subscriptions: unknown[];
  if (o.subscriptions !== undefined) {
    for (const k of perFilter)
      if (o[k] !== undefined)
        ck.problem([...at, k], `use either '${k}' or 'subscriptions', not both`, undefined, true);
    if (!Array.isArray(o.subscriptions) || o.subscriptions.length === 0) {
      ck.problem([...at, 'subscriptions'], 'subscriptions must be a non-empty list of { topic, qos }');
      subscriptions = [];
    } else {
      o.subscriptions.forEach((s, i) => {
        checkSubscription(ck, s, [...at, 'subscriptions', i]);
      });
      subscriptions = o.subscriptions;
    }
  } else {
    const one: Obj = {};
    for (const k of perFilter) if (o[k] !== undefined) one[k] = o[k];
    if (o.topic === undefined) ck.problem(at, 'subscribe needs a topic (or subscriptions: [...])');
    else checkSubscription(ck, one, at);
    if (one.qos === undefined) one.qos = 0;
    subscriptions = [one];
  }
  const packet: PacketSpec = { cmd: 'subscribe', subscriptions };
  if (o.messageId !== undefined)
    packet.messageId = ck.num(o.messageId, [...at, 'messageId'], 'messageId', 1, 65535);
  if (o.properties !== undefined) {
    checkPacket(ck, { properties: o.properties }, at, { fixedCmd: 'subscribe' });
    packet.properties = o.properties;
  }
  const suback =
    o.suback === undefined
      ? undefined
      : checkMatcher(ck, o.suback, [...at, 'suback'], env.captures, { fixedCmd: 'suback' });
  return { kind: 'subscribe', packet, suback };
}

export function parseUnsubscribe(ck: Checker, v: unknown, at: Path, env: StepEnv): StepAction | undefined {
  const o = ck.obj(v, at, 'unsubscribe');
  if (!o) return undefined;
  ck.unknownKeys(o, at, ['topic', 'unsubscriptions', 'messageId', 'properties', 'unsuback'], 'unsubscribe');
  let unsubscriptions: unknown[] = [];
  if (o.unsubscriptions !== undefined) {
    if (
      !Array.isArray(o.unsubscriptions) ||
      o.unsubscriptions.length === 0 ||
      !o.unsubscriptions.every((x) => typeof x === 'string')
    )
      ck.problem([...at, 'unsubscriptions'], 'unsubscriptions must be a non-empty list of topic filters');
    else unsubscriptions = o.unsubscriptions;
  } else if (typeof o.topic === 'string') unsubscriptions = [o.topic];
  else if (Array.isArray(o.topic) && o.topic.every((x) => typeof x === 'string')) unsubscriptions = o.topic;
  else ck.problem(at, 'unsubscribe needs a topic (or unsubscriptions: [...])');
  const packet: PacketSpec = { cmd: 'unsubscribe', unsubscriptions };
  if (o.messageId !== undefined)
    packet.messageId = ck.num(o.messageId, [...at, 'messageId'], 'messageId', 1, 65535);
  if (o.properties !== undefined) {
    checkPacket(ck, { properties: o.properties }, at, { fixedCmd: 'unsubscribe' });
    packet.properties = o.properties;
  }
  const unsuback =
    o.unsuback === undefined
      ? undefined
      : checkMatcher(ck, o.unsuback, [...at, 'unsuback'], env.captures, { fixedCmd: 'unsuback' });
  return { kind: 'unsubscribe', packet, unsuback };
}
