// Validation of packets (send, connect, publish ...) and matchers (expect, connack, suback ...).
import { hexToBytes } from '../protocol/raw.ts';
import { type Checker, isObj, type Obj, show, typeName } from './context.ts';
import { checkIncluding, countBounds } from './count.ts';
import type { MatcherSpec, PacketSpec } from './model.ts';
import { didYouMean, type Path } from './problems.ts';
import { hasVarRef } from './vars.ts';
import {
  fieldsOf,
  PACKET_CMDS,
  PREDICATES,
  PROPERTY_NAMES,
  SUBSCRIPTION_FIELDS,
  WILL_FIELDS,
} from './vocabulary.ts';

const NUMERIC_RANGES: Record<string, [number, number]> = {
  qos: [0, 2],
  messageId: [0, 65535],
  reasonCode: [0, 255],
  returnCode: [0, 255],
  keepalive: [0, 65535],
  protocolVersion: [0, 255],
};

/** Checks hex text; records a problem positioned inside the scalar where possible. */
export function checkHex(ck: Checker, v: unknown, path: Path, what: string): void {
  if (typeof v !== 'string') {
    ck.problem(path, `${what} must be a hex string, got ${typeName(v)}`);
    return;
  }
  try {
    // `${...}` is only known at run time: checked with a neutral stand-in (a byte outside strings,
    // text inside them), so the structure around it (quotes, str"", len()) is still checked
    hexToBytes(hasVarRef(v) ? v.replace(/\$\{[^}\n]*\}/g, '00') : v);
  } catch (err) {
    const e = err as Error & { line?: number; column?: number };
    const at = ck.src.locate(path);
    const block = ck.src.isBlockScalar(path);
    const lineOff = (e.line ?? 1) - 1;
    const line = block ? at.line + 1 + lineOff : at.line + lineOff;
    // block scalar lines are indented in the file; flow scalars start after their opening quote
    const indent = block ? (/^\s*/.exec(ck.src.lineText(line))?.[0].length ?? 0) : 0;
    const column = block
      ? indent + (e.column ?? 1)
      : lineOff === 0
        ? at.column + (e.column ?? 1)
        : (e.column ?? 1);
    const msg = e.message.replace(/ at line \d+, column \d+$/, '');
    ck.problems.push({
      file: ck.file,
      line,
      column,
      field: path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, ''),
      message: `invalid hex in ${what}: ${msg}`,
      hint: `hex digit pairs, "text", str"text" (2-byte length + text), len( ... ) (length prefix); '#' starts a comment`,
    });
  }
}

function checkCmd(ck: Checker, v: unknown, path: Path): string | undefined {
  if (hasVarRef(v)) return undefined;
  if (typeof v === 'string' && (PACKET_CMDS as readonly string[]).includes(v)) return v;
  ck.problem(
    path,
    `unknown packet type ${show(v)}`,
    typeof v === 'string' ? didYouMean(v, PACKET_CMDS) : `expected one of: ${PACKET_CMDS.join(', ')}`,
  );
  return undefined;
}

function checkProperties(ck: Checker, v: unknown, path: Path, matcher: boolean): void {
  const props = ck.obj(v, path, 'properties');
  if (!props) return;
  if (matcher && isPredicate(props)) {
    checkPredicate(ck, props, path);
    return;
  }
  for (const [k, pv] of Object.entries(props)) {
    if (!PROPERTY_NAMES.includes(k)) {
      ck.problem([...path, k], `unknown property '${k}'`, didYouMean(k, PROPERTY_NAMES), true);
      continue;
    }
    if (k === 'userProperties' && !matcher) {
      const up = ck.obj(pv, [...path, k], 'userProperties');
      if (!up) continue;
      for (const [uk, uv] of Object.entries(up)) {
        const ok = typeof uv === 'string' || (Array.isArray(uv) && uv.every((x) => typeof x === 'string'));
        if (!ok) ck.problem([...path, k, uk], `user property '${uk}' must be a string or a list of strings`);
      }
    }
    if (matcher) checkMatchValue(ck, pv, [...path, k]);
  }
}

function checkPayload(ck: Checker, v: unknown, path: Path, matcher: boolean): void {
  if (typeof v === 'string' || typeof v === 'number' || v === null) return;
  const forms = `text, { hex: "..." }, { size: N }${matcher ? ' or a predicate' : ''}`;
  if (!isObj(v)) {
    ck.problem(path, `payload must be ${forms}, got ${typeName(v)}`);
    return;
  }
  const keys = Object.keys(v);
  if (matcher && isPredicate(v)) checkPredicate(ck, v, path);
  else if (keys.length === 1 && keys[0] === 'hex') checkHex(ck, v.hex, [...path, 'hex'], 'payload');
  else if (keys.length === 1 && keys[0] === 'size') ck.num(v.size, [...path, 'size'], 'payload size', 0);
  else ck.problem(path, `payload must be ${forms}`);
}

/** A packet to send: mqtt-packet field names; `fixedCmd` when the action implies the type. */
export function checkPacket(
  ck: Checker,
  value: unknown,
  path: Path,
  opts: { fixedCmd?: string; requireCmd?: boolean; extraKeys?: readonly string[]; what?: string },
): PacketSpec | undefined {
  const p = ck.obj(value, path, opts.what ?? 'packet', true);
  if (!p) return undefined;
  let cmd = opts.fixedCmd;
  if (p.cmd !== undefined) {
    const c = checkCmd(ck, p.cmd, [...path, 'cmd']);
    if (opts.fixedCmd && c && c !== opts.fixedCmd) {
      ck.problem([...path, 'cmd'], `cmd must be '${opts.fixedCmd}' here, got '${c}'`);
    }
    cmd ??= c;
  } else if (opts.requireCmd) {
    ck.problem(path, 'packet needs a cmd', `e.g. cmd: publish (one of ${PACKET_CMDS.join(', ')})`);
  }
  // a cmd coming from a variable (`cmd: "${first}"`) may carry fields of several packet types
  const cmdFromVar = hasVarRef(ck.written([...path, 'cmd']));
  const fieldCmd = cmdFromVar ? undefined : cmd;
  const allowed = [...fieldsOf(fieldCmd), ...(opts.extraKeys ?? [])];
  ck.unknownKeys(p, path, allowed, fieldCmd ? `${fieldCmd} field` : 'packet field');
  for (const [k, v] of Object.entries(p)) {
    const at = [...path, k];
    const range = NUMERIC_RANGES[k];
    if (range && v !== undefined) ck.num(v, at, k, range[0], range[1]);
    else if (k === 'properties') checkProperties(ck, v, at, false);
    else if (k === 'payload') checkPayload(ck, v, at, false);
    else if (k === 'topic' || k === 'clientId' || k === 'protocolId') {
      if (typeof v !== 'string') ck.problem(at, `${k} must be a string, got ${typeName(v)}`);
    } else if (k === 'will') {
      const w = ck.obj(v, at, 'will');
      if (w) {
        ck.unknownKeys(w, at, WILL_FIELDS, 'will');
        if (w.topic === undefined) ck.problem(at, 'will needs a topic');
        if (w.properties !== undefined) checkProperties(ck, w.properties, [...at, 'properties'], false);
        if (w.payload !== undefined) checkPayload(ck, w.payload, [...at, 'payload'], false);
        if (w.qos !== undefined) ck.num(w.qos, [...at, 'qos'], 'qos', 0, 2);
      }
    } else if (k === 'subscriptions') {
      if (!Array.isArray(v) || v.length === 0) ck.problem(at, 'subscriptions must be a non-empty list');
      else
        v.forEach((s, i) => {
          checkSubscription(ck, s, [...at, i]);
        });
    } else if (k === 'unsubscriptions') {
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string'))
        ck.problem(at, 'unsubscriptions must be a non-empty list of topic filters');
    } else if (['clean', 'dup', 'retain', 'sessionPresent', 'bridgeMode'].includes(k)) ck.bool(v, at, k);
  }
  return p;
}

export function checkSubscription(ck: Checker, v: unknown, path: Path): void {
  const s = ck.obj(v, path, 'subscription');
  if (!s) return;
  ck.unknownKeys(s, path, SUBSCRIPTION_FIELDS, 'subscription');
  if (typeof s.topic !== 'string')
    ck.problem([...path, 'topic'], 'a subscription needs a topic filter string');
  if (s.qos !== undefined) ck.num(s.qos, [...path, 'qos'], 'qos', 0, 2);
  if (s.rh !== undefined) ck.num(s.rh, [...path, 'rh'], 'rh', 0, 2);
  if (s.nl !== undefined) ck.bool(s.nl, [...path, 'nl'], 'nl');
  if (s.rap !== undefined) ck.bool(s.rap, [...path, 'rap'], 'rap');
}

/** A map whose keys all start with `$`: predicates, all of which must hold. */
function isPredicate(v: Obj): boolean {
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function checkPredicate(ck: Checker, v: Obj, path: Path): void {
  for (const [key, arg] of Object.entries(v)) checkOnePredicate(ck, key, arg, [...path, key]);
}

function checkOnePredicate(ck: Checker, key: string, arg: unknown, at: Path): void {
  if (!(PREDICATES as readonly string[]).includes(key)) {
    ck.problem(at, `unknown predicate '${key}'`, didYouMean(key, PREDICATES), true);
    return;
  }
  if (hasVarRef(arg)) return;
  switch (key) {
    case '$range':
      if (!Array.isArray(arg) || arg.length !== 2 || !arg.every((x) => typeof x === 'number' || hasVarRef(x)))
        ck.problem(at, '$range takes [min, max] (numbers, inclusive)');
      break;
    case '$gte':
    case '$gt':
    case '$lte':
    case '$lt':
      ck.num(arg, at, key);
      break;
    case '$regex':
      if (typeof arg !== 'string') ck.problem(at, '$regex takes a regular expression string');
      else {
        try {
          new RegExp(arg);
        } catch (err) {
          ck.problem(at, `invalid regular expression: ${(err as Error).message}`);
        }
      }
      break;
    case '$present':
    case '$absent':
    case '$any':
      ck.bool(arg, at, key);
      break;
    case '$in':
      if (!Array.isArray(arg) || arg.length === 0) ck.problem(at, '$in takes a non-empty list of values');
      break;
    case '$not':
    case '$eq':
      checkMatchValue(ck, arg, at);
      break;
  }
}

/** A value inside a matcher: scalar, predicate, nested partial object or list. */
export function checkMatchValue(ck: Checker, v: unknown, path: Path): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      checkMatchValue(ck, x, [...path, i]);
    });
    return;
  }
  if (!isObj(v)) return;
  if (isPredicate(v)) {
    checkPredicate(ck, v, path);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$'))
      ck.problem(
        [...path, k],
        `predicate '${k}' cannot be mixed with field keys in one map`,
        undefined,
        true,
      );
    else checkMatchValue(ck, x, [...path, k]);
  }
}

export const MATCHER_META_KEYS = ['oneOf', 'unordered', 'count', 'match', 'capture', 'skip', 'within'];

/** `capture: { name: dotted.path }`; names are added to `captures`. */
export function checkCapture(
  ck: Checker,
  v: unknown,
  path: Path,
  captures: Set<string>,
): Record<string, string> {
  const cap = ck.obj(v, path, 'capture');
  const out: Record<string, string> = {};
  for (const [name, p] of Object.entries(cap ?? {})) {
    if (typeof p !== 'string' || p === '')
      ck.problem([...path, name], `capture '${name}' needs a dotted field path, e.g. properties.topicAlias`);
    else out[name] = p;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name))
      ck.problem([...path, name], `'${name}' is not a valid variable name`, undefined, true);
    captures.add(name);
  }
  return out;
}

/**
 * A count: a whole number, or over a counting window (`windowed`) also 0 and ranges
 * ({ $range: [1, 2] }, { $gte: 1 }, { $lte: 2 }). A `${var}` is checked at run time.
 */
export function checkCount(ck: Checker, v: unknown, path: Path, windowed: boolean): void {
  if (hasVarRef(v)) return;
  const b = countBounds(v);
  if (typeof b === 'string') {
    ck.problem(path, b, 'e.g. count: 1, or count: { $range: [1, 2] } with within: 500ms');
    return;
  }
  if (windowed) return;
  if (typeof v !== 'number')
    ck.problem(path, 'a count range needs a counting window', 'add within: 500ms next to count');
  else if (v < 1)
    ck.problem(path, 'count 0 needs a counting window', 'add within: 500ms, or use expectNothing');
}

/**
 * A matcher: partial packet with predicates, or oneOf / unordered / count. Capture names are added
 * to `captures`. `fixedCmd` when the context implies the packet type (connack, suback ...).
 */
export function checkMatcher(
  ck: Checker,
  value: unknown,
  path: Path,
  captures: Set<string>,
  opts: {
    fixedCmd?: string;
    allowClose?: boolean;
    extraKeys?: readonly string[];
    /** `within:` (a counting window) is allowed next to `count` (top-level expect only). */
    allowWithin?: boolean;
  } = {},
): MatcherSpec | undefined {
  const m = ck.obj(value, path, 'matcher', opts.fixedCmd !== undefined);
  if (!m) return undefined;
  if (m.capture !== undefined) checkCapture(ck, m.capture, [...path, 'capture'], captures);
  if (m.skip !== undefined) checkCmdList(ck, m.skip, [...path, 'skip'], 'skip');
  if (opts.allowClose && m.close !== undefined) {
    if (m.close !== true)
      ck.problem([...path, 'close'], 'close must be true (the broker closes instead of answering)');
    ck.unknownKeys(m, path, ['close'], 'close alternative');
    return m;
  }
  const variants = ['oneOf', 'unordered', 'count'].filter((k) => m[k] !== undefined);
  if (variants.length > 1) ck.problem(path, `a matcher may use only one of ${variants.join(', ')}`);
  if (m.oneOf !== undefined || m.unordered !== undefined) {
    const key = m.oneOf !== undefined ? 'oneOf' : 'unordered';
    ck.unknownKeys(m, path, [key, 'capture', 'skip'], key);
    const list = m[key];
    if (!Array.isArray(list) || list.length === 0)
      ck.problem([...path, key], `${key} must be a non-empty list of matchers`);
    else
      list.forEach((alt, i) => {
        checkMatcher(ck, alt, [...path, key, i], captures, { ...opts, allowClose: key === 'oneOf' });
      });
    return m;
  }
  if (m.count !== undefined) {
    const keys = ['count', 'match', 'capture', 'skip', ...(opts.allowWithin ? ['within', 'including'] : [])];
    ck.unknownKeys(m, path, keys, 'count');
    checkCount(ck, m.count, [...path, 'count'], opts.allowWithin === true && m.within !== undefined);
    if (m.match === undefined) ck.problem(path, 'count needs a match: { ... } matcher');
    else checkMatcher(ck, m.match, [...path, 'match'], captures);
    if (m.including !== undefined) checkIncluding(ck, m, path, (x, at) => checkMatcher(ck, x, at, captures));
    return m;
  }
  if (opts.allowWithin && m.within !== undefined)
    ck.problem(
      [...path, 'within'],
      "'within' is the counting window of a count",
      'e.g. { count: { $range: [1, 2] }, match: {...}, within: 500ms }',
    );
  let cmd = opts.fixedCmd;
  if (m.cmd !== undefined) {
    const c = checkCmd(ck, m.cmd, [...path, 'cmd']);
    cmd ??= c;
  }
  const allowed = [
    ...fieldsOf(cmd),
    'capture',
    'skip',
    ...(opts.extraKeys ?? []),
    ...(opts.allowWithin && m.within !== undefined ? ['within'] : []),
  ];
  ck.unknownKeys(m, path, allowed, cmd ? `${cmd} matcher` : 'matcher');
  for (const [k, v] of Object.entries(m)) {
    if (
      k === 'capture' ||
      k === 'skip' ||
      k === 'cmd' ||
      k === 'within' ||
      (opts.extraKeys ?? []).includes(k)
    )
      continue;
    const at = [...path, k];
    if (k === 'payload') checkPayload(ck, v, at, true);
    else if (k === 'properties') checkProperties(ck, v, at, true);
    else checkMatchValue(ck, v, at);
  }
  return m;
}

export function checkCmdList(ck: Checker, v: unknown, path: Path, what: string): string[] {
  if (!Array.isArray(v)) {
    ck.problem(path, `${what} must be a list of packet types, e.g. [pingresp]`);
    return [];
  }
  const out: string[] = [];
  v.forEach((c, i) => {
    const ok = checkCmd(ck, c, [...path, i]);
    if (ok) out.push(ok);
  });
  return out;
}
