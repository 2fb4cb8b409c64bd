// Counts in matchers: `count: 3` (exactly), or over a window `count: { $range: [1, 2] }`,
// `{ $gte: 1 }`, `{ $lte: 2 }` (inclusive bounds). Shared by the validator and the engine.
import { type Checker, isObj, type Obj } from './context.ts';
import type { Path } from './problems.ts';

export interface CountBounds {
  min: number;
  /** Infinity when there is no upper bound. */
  max: number;
}

const KEYS = ['$range', '$gte', '$lte'];

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** Bounds of a count value, or a message saying what is wrong with it. */
export function countBounds(v: unknown): CountBounds | string {
  if (typeof v === 'number') return isCount(v) ? { min: v, max: v } : `count must be a whole number >= 0`;
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return 'count takes a number or a range like { $range: [1, 2] }';
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  const bad = keys.filter((k) => !KEYS.includes(k));
  if (keys.length === 0 || bad.length > 0)
    return `count takes a number or { $range: [min, max] }, { $gte: min }, { $lte: max }${bad.length ? ` (not ${bad.join(', ')})` : ''}`;
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  if (o.$range !== undefined) {
    const r = o.$range;
    if (!Array.isArray(r) || r.length !== 2 || !isCount(r[0]) || !isCount(r[1]))
      return '$range takes [min, max], whole numbers >= 0';
    min = Math.max(min, r[0]);
    max = Math.min(max, r[1]);
  }
  if (o.$gte !== undefined) {
    if (!isCount(o.$gte)) return '$gte takes a whole number >= 0';
    min = Math.max(min, o.$gte);
  }
  if (o.$lte !== undefined) {
    if (!isCount(o.$lte)) return '$lte takes a whole number >= 0';
    max = Math.min(max, o.$lte);
  }
  if (min > max) return `count range is empty (min ${min} > max ${max})`;
  return { min, max };
}

/** "exactly 1", "1 to 2", "at least 1", "at most 2". */
export function describeBounds(b: CountBounds): string {
  if (b.min === b.max) return `exactly ${b.min}`;
  if (b.max === Number.POSITIVE_INFINITY) return `at least ${b.min}`;
  if (b.min === 0) return `at most ${b.max}`;
  return `${b.min} to ${b.max}`;
}

/** `including:` of a counting window: plain matchers, each to be met by a distinct counted packet. */
export function checkIncluding(
  ck: Checker,
  m: Obj,
  path: Path,
  checkMatcher: (x: unknown, at: Path) => unknown,
): void {
  const at = [...path, 'including'];
  if (m.within === undefined) ck.problem(at, "'including' needs a counting window", 'add within: 500ms');
  if (!Array.isArray(m.including) || m.including.length === 0) {
    ck.problem(at, 'including must be a non-empty list of plain matchers');
    return;
  }
  m.including.forEach((x, i) => {
    if (isObj(x) && ['oneOf', 'unordered', 'count'].some((k) => x[k] !== undefined))
      ck.problem([...at, i], 'including takes plain matchers (no oneOf, unordered or count)');
    else checkMatcher(x, [...at, i]);
  });
}
