// The step actions that carry one packet or a plain value: connect, open, send, sendRaw, expect,
// expectNothing, disconnect, drop, wait, publish. (Structured ones are in step-actions.ts, fault steps in
// step-fault.ts; parallel, barrier and set, which need the step parser, in steps.ts.)
import { type Checker, isObj } from './context.ts';
import { checkMatcher } from './matchers.ts';
import type { MatcherSpec, StepAction, WsFrame } from './model.ts';
import { checkCmdList, checkHex, checkPacket } from './packets.ts';
import type { Path } from './problems.ts';
import { duration, without } from './step-actions.ts';
import type { StepEnv } from './steps.ts';

function transportOf(ck: Checker, v: unknown, path: Path): 'tcp' | 'ws' | undefined {
  return v === undefined ? undefined : ck.oneOf(v, path, 'transport', ['tcp', 'ws'] as const);
}

const WS_FRAMES = ['binary', 'text', 'unmasked'] as const;

function frameOf(ck: Checker, v: unknown, path: Path): WsFrame | undefined {
  return v === undefined ? undefined : ck.oneOf(v, path, 'frame', WS_FRAMES);
}

/** `sendRaw: "hex"` or `sendRaw: { hex: "...", frame: text | unmasked | binary }`. */
export function parseSendRaw(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  if (!isObj(v)) {
    checkHex(ck, v, at, 'sendRaw');
    return typeof v === 'string' ? { kind: 'sendRaw', hex: v } : undefined;
  }
  ck.unknownKeys(v, at, ['hex', 'frame'], 'sendRaw');
  if (v.hex === undefined) {
    ck.problem(at, "sendRaw needs 'hex' (the bytes)", 'e.g. sendRaw: { hex: "c0 00", frame: text }');
    return undefined;
  }
  checkHex(ck, v.hex, [...at, 'hex'], 'sendRaw.hex');
  const frame = frameOf(ck, v.frame, [...at, 'frame']);
  if (typeof v.hex !== 'string') return undefined;
  return { kind: 'sendRaw', hex: v.hex, ...(frame ? { frame } : {}) };
}

/** `connect: { ...CONNECT fields, connack?: matcher | none, transport? }` */
export function parseConnect(ck: Checker, v: unknown, at: Path, env: StepEnv): StepAction | undefined {
  const p = checkPacket(ck, v, at, {
    fixedCmd: 'connect',
    extraKeys: ['connack', 'transport'],
    what: 'connect',
  });
  if (!p) return undefined;
  let connack: MatcherSpec | 'none' | undefined;
  if (p.connack === 'none') connack = 'none';
  else if (p.connack !== undefined)
    connack = checkMatcher(ck, p.connack, [...at, 'connack'], env.captures, { fixedCmd: 'connack' });
  const transport = transportOf(ck, p.transport, [...at, 'transport']);
  return {
    kind: 'connect',
    packet: without(p, ['connack', 'transport']),
    connack,
    ...(transport ? { transport } : {}),
  };
}

/** `open: {}` or `open: { transport }`: a connection without a CONNECT */
export function parseOpen(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  const o = ck.obj(v, at, 'open', true);
  if (!o) return undefined;
  ck.unknownKeys(o, at, ['transport'], 'open');
  const transport = transportOf(ck, o.transport, [...at, 'transport']);
  return { kind: 'open', ...(transport ? { transport } : {}) };
}

/** `send: { cmd, ...fields, frame? }` */
export function parseSend(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  const p = checkPacket(ck, v, at, { requireCmd: true, extraKeys: ['frame'] });
  if (!p) return undefined;
  const frame = frameOf(ck, p.frame, [...at, 'frame']);
  return { kind: 'send', packet: without(p, ['frame']), ...(frame ? { frame } : {}) };
}

/** `expect: matcher` (with `count` + `within`: a counting window; `skip`) */
export function parseExpect(ck: Checker, v: unknown, at: Path, env: StepEnv): StepAction | undefined {
  const m = checkMatcher(ck, v, at, env.captures, { allowWithin: true });
  if (!m) return undefined;
  const skip = m.skip === undefined ? [] : checkCmdList(ck, m.skip, [...at, 'skip'], 'skip');
  const withinMs =
    m.within === undefined || m.count === undefined
      ? undefined
      : duration(ck, m.within, [...at, 'within'], 'within');
  return {
    kind: 'expect',
    matcher: without(m, ['skip', 'within']),
    skip,
    ...(withinMs !== undefined ? { withinMs } : {}),
  };
}

/** `expectNothing: { for, except? }` */
export function parseExpectNothing(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  const o = ck.obj(v, at, 'expectNothing');
  if (!o) return undefined;
  ck.unknownKeys(o, at, ['for', 'except'], 'expectNothing');
  if (o.for === undefined) ck.problem(at, "expectNothing needs 'for'", 'e.g. expectNothing: { for: 500ms }');
  const forMs = o.for === undefined ? undefined : duration(ck, o.for, [...at, 'for'], 'for');
  const except = o.except === undefined ? [] : checkCmdList(ck, o.except, [...at, 'except'], 'except');
  return forMs === undefined ? undefined : { kind: 'expectNothing', forMs, except };
}

/** `disconnect: { ...DISCONNECT fields }` */
export function parseDisconnect(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  const p = checkPacket(ck, v, at, { fixedCmd: 'disconnect', what: 'disconnect' });
  return p ? { kind: 'disconnect', packet: p } : undefined;
}

/** `drop: {}`: close the connection abruptly */
export function parseDrop(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  const o = ck.obj(v, at, 'drop', true);
  if (o) ck.unknownKeys(o, at, [], 'drop');
  return { kind: 'drop' };
}

/** `wait: <duration>` */
export function parseWait(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  const ms = duration(ck, v, at, 'wait');
  return ms === undefined ? undefined : { kind: 'wait', ms };
}

/** `publish: { topic, ...PUBLISH fields, ack? }` */
export function parsePublish(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  const p = checkPacket(ck, v, at, { fixedCmd: 'publish', extraKeys: ['ack'], what: 'publish' });
  if (!p) return undefined;
  if (p.topic === undefined) ck.problem(at, 'publish needs a topic');
  const ack = p.ack === undefined ? true : ck.bool(p.ack, [...at, 'ack'], 'ack');
  return { kind: 'publish', packet: { cmd: 'publish', ...without(p, ['ack']) }, ack: ack !== false };
}
