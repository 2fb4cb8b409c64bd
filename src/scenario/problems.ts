// Problems: collected (never thrown) while loading, formatted one per line.
import type { Problem } from './model.ts';

export type Path = ReadonlyArray<string | number>;

/** `cases[3].steps[2].expect.qos` from ['cases', 3, 'steps', 2, 'expect', 'qos']. */
export function fieldOf(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}

/** "file:line:col: field: message (hint)", one line per problem, sorted by file and position. */
export function formatProblems(problems: Problem[]): string {
  return sortProblems(problems)
    .map((p) => {
      const field = p.field ? `${p.field}: ` : '';
      const hint = p.hint ? ` (${p.hint})` : '';
      return `${p.file}:${p.line}:${p.column}: ${field}${p.message}${hint}`;
    })
    .join('\n');
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.field.localeCompare(b.field),
  );
}

/** Removes exact duplicates (the same fragment problem seen through several uses or loop expansions). */
export function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.file}\0${p.line}\0${p.column}\0${p.field}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[n]!;
}

/** The closest candidate within a small edit distance (case-insensitive), or undefined. */
function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestD <= limit ? best : undefined;
}

/** "did you mean 'x'?" or a list of what is allowed. */
export function didYouMean(word: string, candidates: readonly string[], listLimit = 12): string {
  const c = closest(word, candidates);
  if (c) return `did you mean '${c}'?`;
  if (candidates.length <= listLimit) return `expected one of: ${candidates.join(', ')}`;
  return `expected one of: ${candidates.slice(0, listLimit).join(', ')}, ...`;
}
