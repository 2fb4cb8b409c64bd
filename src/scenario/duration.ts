// The one duration parser (scenarios, load profiles, command-line flags): `500us`, `250ms`, `2s`, `1.5s`,
// `1m`, `1h`, or a number of milliseconds. Returns undefined when malformed or negative.
const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h)?\s*$/.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1);
}

export const DURATION_HINT = 'write a duration like 250ms, 2s, 1.5s, 1m or a number of milliseconds';
