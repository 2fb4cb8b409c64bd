// Validation of matchers (expect, connack, suback ...): partial packets with predicates, and the oneOf /
// unordered / count shapes the engine runs (src/engine/nested.ts), with captures and counts.
import type { Checker } from './context.ts';
import { checkIncluding, countBounds } from './count.ts';
import type { MatcherSpec } from './model.ts';
import { checkCmd, checkCmdList, checkMatchValue, checkPayload, checkProperties } from './packets.ts';
import type { Path } from './problems.ts';
import { hasVarRef } from './vars.ts';
import { fieldsOf } from './vocabulary.ts';

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
type MatcherOpts = NonNullable<Parameters<typeof checkMatcher>[4]>;

/** A oneOf / unordered / count where the engine runs only one packet: a problem, and true. */
function refusedShape(ck: Checker, variants: string[], shape: string, path: Path): boolean {
  const refused = variants.filter((k) => (shape === 'plain' ? true : shape === 'one' && k !== 'oneOf'));
  if (refused.length === 0) return false;
  ck.problem(
    path,
    `${refused.join(', ')} cannot stand here: this matcher ${shape === 'plain' ? 'is one packet' : 'stands for one packet'}`,
    shape === 'plain'
      ? 'write the packet matcher itself'
      : 'write a packet matcher or a oneOf of packet matchers',
  );
  return true;
}

/** The alternatives of a oneOf, or the items of an unordered set. */
function checkAlternatives(
  ck: Checker,
  m: Record<string, unknown>,
  path: Path,
  captures: Set<string>,
  opts: MatcherOpts,
  shape: 'any' | 'one' | 'plain',
): void {
  const key = m.oneOf !== undefined ? 'oneOf' : 'unordered';
  ck.unknownKeys(m, path, [key, 'capture', 'skip'], key);
  const list = m[key];
  // what the engine runs inside (src/engine/nested.ts): oneOf alternatives may nest further at the top,
  // unordered items and the alternatives of a one-packet oneOf are single packets
  const inner: MatcherOpts = {
    nested: true,
    ...(opts.fixedCmd !== undefined ? { fixedCmd: opts.fixedCmd } : {}),
    allowClose: key === 'oneOf' && (shape === 'any' || opts.fixedCmd !== undefined),
    shape: key === 'unordered' ? 'one' : shape === 'any' ? 'any' : 'plain',
  };
  if (!Array.isArray(list) || list.length === 0)
    ck.problem([...path, key], `${key} must be a non-empty list of matchers`);
  else
    list.forEach((alt, i) => {
      checkMatcher(ck, alt, [...path, key, i], captures, inner);
    });
}

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
    /** Inside another matcher: `skip` belongs to the whole expect, not to an alternative or item. */
    nested?: boolean;
    /** What the engine can run here (src/engine/nested.ts): `any` (expect), `one` packet (an unordered item, a
     *  count's match: a packet matcher or a oneOf of them), `plain` (one packet matcher, or a close). An ack
     *  context (fixedCmd) is `one` with close alternatives. */
    shape?: 'any' | 'one' | 'plain';
  } = {},
): MatcherSpec | undefined {
  const shape = opts.shape ?? (opts.fixedCmd !== undefined ? 'one' : 'any');
  const m = ck.obj(value, path, 'matcher', opts.fixedCmd !== undefined);
  if (!m) return undefined;
  if (m.capture !== undefined) checkCapture(ck, m.capture, [...path, 'capture'], captures);
  if (m.skip !== undefined && opts.nested)
    ck.problem(
      [...path, 'skip'],
      'skip applies to the whole expect, not to one alternative or item',
      'put skip next to the outer oneOf / unordered / count',
    );
  else if (m.skip !== undefined) checkCmdList(ck, m.skip, [...path, 'skip'], 'skip');
  if (opts.allowClose && m.close !== undefined) {
    if (m.close !== true)
      ck.problem([...path, 'close'], 'close must be true (the broker closes instead of answering)');
    ck.unknownKeys(m, path, ['close'], 'close alternative');
    return m;
  }
  const variants = ['oneOf', 'unordered', 'count'].filter((k) => m[k] !== undefined);
  if (variants.length > 1) ck.problem(path, `a matcher may use only one of ${variants.join(', ')}`);
  if (refusedShape(ck, variants, shape, path)) return m;
  if (m.oneOf !== undefined || m.unordered !== undefined) {
    checkAlternatives(ck, m, path, captures, opts, shape);
    return m;
  }
  if (m.count !== undefined) {
    const keys = ['count', 'match', 'capture', 'skip', ...(opts.allowWithin ? ['within', 'including'] : [])];
    ck.unknownKeys(m, path, keys, 'count');
    checkCount(ck, m.count, [...path, 'count'], opts.allowWithin === true && m.within !== undefined);
    if (m.match === undefined) ck.problem(path, 'count needs a match: { ... } matcher');
    else checkMatcher(ck, m.match, [...path, 'match'], captures, { shape: 'one', nested: true });
    if (m.including !== undefined)
      checkIncluding(ck, m, path, (x, at) =>
        checkMatcher(ck, x, at, captures, { shape: 'one', nested: true }),
      );
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
