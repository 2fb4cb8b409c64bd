// Matching of received packets against matchers as written in scenarios (docs/scenario-format.md,
// "Matching"): partial recursive match, predicates, payload text/hex/size, alternatives (`oneOf`,
// including `{ close: true }`), unordered sets, counts, and captures. Every mismatch names the field
// path, what was expected and what was there.

export interface Mismatch {
  path: string;
  message: string;
  expected?: unknown;
  actual?: unknown;
}

export type Alternative =
  | { close: true }
  | { close?: false; matcher: Record<string, unknown>; capture: Record<string, string> };

export type CompiledExpect =
  | { kind: 'oneOf'; alternatives: Alternative[] }
  | { kind: 'unordered'; items: Array<Record<string, unknown>>; capture: Record<string, string> }
  | { kind: 'count'; count: number; match: Record<string, unknown>; capture: Record<string, string> };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !Buffer.isBuffer(v) &&
    !(v instanceof Uint8Array)
  );
}

function captureOf(m: Record<string, unknown>): Record<string, string> {
  const c = m.capture;
  if (!isPlainObject(c)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) out[k] = String(v);
  return out;
}

function withoutCapture(m: Record<string, unknown>): Record<string, unknown> {
  const { capture: _c, ...rest } = m;
  return rest;
}

function alternative(m: unknown): Alternative {
  if (isPlainObject(m) && m.close === true) return { close: true };
  const obj = isPlainObject(m) ? m : { cmd: m };
  return { matcher: withoutCapture(obj), capture: captureOf(obj) };
}

/** Splits an `expect` value into its form: one matcher is a oneOf with one alternative. */
export function compileExpect(spec: Record<string, unknown>): CompiledExpect {
  if (Array.isArray(spec.oneOf)) return { kind: 'oneOf', alternatives: spec.oneOf.map(alternative) };
  if (Array.isArray(spec.unordered)) {
    return {
      kind: 'unordered',
      items: spec.unordered.map((m) => (isPlainObject(m) ? m : {})),
      capture: captureOf(spec),
    };
  }
  if (spec.count !== undefined && isPlainObject(spec.match)) {
    return { kind: 'count', count: Number(spec.count), match: spec.match, capture: captureOf(spec) };
  }
  return { kind: 'oneOf', alternatives: [alternative(spec)] };
}

/** Text of an actual value for text predicates and payload comparisons. */
function asText(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return v;
}

function isBytes(v: unknown): v is Uint8Array {
  return Buffer.isBuffer(v) || v instanceof Uint8Array;
}

function show(v: unknown): string {
  if (v === undefined) return 'absent';
  if (isBytes(v)) {
    const b = Buffer.from(v);
    const text = b.toString('utf8');
    return /^[\x20-\x7e]*$/.test(text)
      ? JSON.stringify(text)
      : `hex ${b.subarray(0, 64).toString('hex')}${b.length > 64 ? '...' : ''}`;
  }
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}...` : s;
  } catch {
    return String(v);
  }
}

function mismatch(path: string, expected: unknown, actual: unknown, message?: string): Mismatch {
  return {
    path,
    expected,
    actual,
    message: message ?? `${path || 'packet'}: expected ${show(expected)}, got ${show(actual)}`,
  };
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function isPredicate(v: unknown): v is Record<string, unknown> {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

const absent = (v: unknown): boolean => v === undefined || v === null;

function matchPredicate(pred: Record<string, unknown>, actual: unknown, path: string): Mismatch | undefined {
  const p = path || 'packet';
  for (const [op, arg] of Object.entries(pred)) {
    switch (op) {
      case '$any':
        break;
      case '$present':
        if (absent(actual) === (arg !== false))
          return mismatch(
            path,
            pred,
            actual,
            `${p}: expected ${arg !== false ? 'present' : 'absent'}, got ${show(actual)}`,
          );
        break;
      case '$absent':
        if (absent(actual) !== (arg !== false))
          return mismatch(
            path,
            pred,
            actual,
            `${p}: expected ${arg !== false ? 'absent' : 'present'}, got ${show(actual)}`,
          );
        break;
      case '$range':
      case '$gte':
      case '$lte':
      case '$gt':
      case '$lt': {
        const a = num(actual);
        const bounds = Array.isArray(arg) ? arg.map(num) : [num(arg)];
        const [lo, hi] = op === '$range' ? bounds : [bounds[0], bounds[0]];
        let ok = a !== undefined;
        if (ok && (op === '$range' || op === '$gte') && lo !== undefined) ok = (a as number) >= lo;
        if (ok && (op === '$range' || op === '$lte') && hi !== undefined) ok = (a as number) <= hi;
        if (ok && op === '$gt' && lo !== undefined) ok = (a as number) > lo;
        if (ok && op === '$lt' && lo !== undefined) ok = (a as number) < lo;
        if (!ok)
          return mismatch(
            path,
            pred,
            actual,
            `${p}: expected ${op.slice(1)} ${show(arg)}, got ${show(actual)}`,
          );
        break;
      }
      case '$regex': {
        const text = asText(actual);
        let re: RegExp;
        try {
          re = new RegExp(String(arg));
        } catch (e) {
          return mismatch(path, pred, actual, `${p}: invalid $regex ${show(arg)}: ${(e as Error).message}`);
        }
        if (absent(text) || !re.test(String(text)))
          return mismatch(
            path,
            pred,
            actual,
            `${p}: expected to match /${String(arg)}/, got ${show(actual)}`,
          );
        break;
      }
      case '$in': {
        const options = Array.isArray(arg) ? arg : [arg];
        if (!options.some((o) => matchValue(o, actual, path) === undefined))
          return mismatch(path, pred, actual, `${p}: expected one of ${show(options)}, got ${show(actual)}`);
        break;
      }
      case '$not':
        if (matchValue(arg, actual, path) === undefined)
          return mismatch(path, pred, actual, `${p}: expected not ${show(arg)}, got ${show(actual)}`);
        break;
      case '$eq':
        {
          const m = matchValue(arg, actual, path);
          if (m) return m;
        }
        break;
      default:
        return mismatch(path, pred, actual, `${p}: unknown predicate ${op}`);
    }
  }
  return undefined;
}

/** Compares bytes: `{ hex }` exact bytes, `{ size }` length only (both may be given). */
function matchBytesSpec(spec: Record<string, unknown>, actual: unknown, path: string): Mismatch | undefined {
  const buf = isBytes(actual)
    ? Buffer.from(actual)
    : typeof actual === 'string'
      ? Buffer.from(actual, 'utf8')
      : undefined;
  if (!buf) return mismatch(path, spec, actual);
  if (spec.hex !== undefined) {
    const want = Buffer.from(String(spec.hex).replace(/[\s:]/g, ''), 'hex');
    if (!want.equals(buf))
      return mismatch(
        path,
        spec,
        actual,
        `${path}: expected bytes ${want.toString('hex')}, got ${buf.subarray(0, 256).toString('hex')}`,
      );
  }
  if (spec.size !== undefined) {
    const m = matchValue(spec.size, buf.length, `${path}.size`);
    if (m)
      return mismatch(
        path,
        spec,
        actual,
        `${path}: expected ${show(spec.size)} bytes, got ${buf.length} bytes`,
      );
  }
  return undefined;
}

/** Partial match of one value; returns the first mismatch or undefined. */
export function matchValue(expected: unknown, actual: unknown, path = ''): Mismatch | undefined {
  if (isPredicate(expected)) return matchPredicate(expected, actual, path);
  if (isPlainObject(expected) && (isBytes(actual) || typeof actual === 'string')) {
    const keys = Object.keys(expected);
    if (keys.length > 0 && keys.every((k) => k === 'hex' || k === 'size'))
      return matchBytesSpec(expected, actual, path);
  }
  if (isPlainObject(expected)) {
    if (!absent(actual) && !isPlainObject(actual)) return mismatch(path, expected, actual);
    const obj = (actual ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) {
      const m = matchValue(v, obj[k], path ? `${path}.${k}` : k);
      if (m) return m;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return mismatch(path, expected, actual);
    if (actual.length !== expected.length)
      return mismatch(
        path,
        expected,
        actual,
        `${path}: expected ${expected.length} items ${show(expected)}, got ${actual.length} ${show(actual)}`,
      );
    for (let i = 0; i < expected.length; i++) {
      const m = matchValue(expected[i], actual[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  // scalars
  if (isBytes(actual)) {
    const text = asText(actual);
    return text === String(expected) ? undefined : mismatch(path, expected, actual);
  }
  if (expected === null) return absent(actual) ? undefined : mismatch(path, expected, actual);
  if (typeof actual === 'number' || typeof expected === 'number') {
    const a = num(actual);
    const e = num(expected);
    if (a !== undefined && e !== undefined && typeof actual !== 'boolean' && typeof expected !== 'boolean') {
      return a === e ? undefined : mismatch(path, expected, actual);
    }
  }
  if (typeof expected === 'string' && typeof actual === 'string') {
    // packet type names compare case-insensitively: `cmd: PUBLISH` is fine
    if (path === 'cmd')
      return expected.toLowerCase() === actual ? undefined : mismatch(path, expected, actual);
  }
  return expected === actual ? undefined : mismatch(path, expected, actual);
}

/** Matches one packet against a partial-packet matcher (capture key ignored). */
export function matchPacket(matcher: Record<string, unknown>, packet: object): Mismatch | undefined {
  return matchValue(withoutCapture(matcher), packet, '');
}

/** Value at a dotted path (`properties.assignedClientIdentifier`, `granted[0]`, `granted.0`). */
export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (part === '') continue;
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Captures values from a packet; Buffers become utf8 text. Returns the missing paths as errors. */
export function capture(
  spec: Record<string, string>,
  packet: object,
): { values: Record<string, unknown>; missing: string[] } {
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, path] of Object.entries(spec)) {
    const v = valueAt(packet, path);
    if (v === undefined || v === null) missing.push(`${name} <- ${path}`);
    else values[name] = isBytes(v) ? Buffer.from(v).toString('utf8') : v;
  }
  return { values, missing };
}

/**
 * Unordered set: assigns each packet to a distinct matcher (small n, backtracking). Returns the packet
 * index paired with each matcher, or a description of what could not be paired.
 */
export function matchUnordered(
  items: Array<Record<string, unknown>>,
  packets: object[],
): { pairs: number[] } | { problem: string } {
  const used = new Array<boolean>(packets.length).fill(false);
  const pairs: number[] = [];
  const assign = (i: number): boolean => {
    if (i === items.length) return true;
    for (let j = 0; j < packets.length; j++) {
      if (used[j]) continue;
      if (matchPacket(items[i] as Record<string, unknown>, packets[j] as object) === undefined) {
        used[j] = true;
        pairs[i] = j;
        if (assign(i + 1)) return true;
        used[j] = false;
      }
    }
    return false;
  };
  if (assign(0)) return { pairs };
  const unmatched: string[] = [];
  items.forEach((m, i) => {
    if (!packets.some((p) => matchPacket(m, p) === undefined)) unmatched.push(`item ${i + 1} ${show(m)}`);
  });
  return {
    problem:
      unmatched.length > 0
        ? `no received packet matches ${unmatched.join('; ')}`
        : 'received packets cannot be paired one-to-one with the expected set',
  };
}
