// Link faults as written in scenarios (`fault:` steps) and load profiles (`faults:` entries): one parser for both,
// reporting every problem at its field. The shapes match what the fault proxy applies (src/transport/fault-proxy).
import { FAULT_TYPES, type FaultDirection, type LinkFault } from '../common/link-faults.ts';
import { DURATION_HINT, parseDurationMs } from './duration.ts';

type Path = ReadonlyArray<string | number>;
interface FaultProblems {
  problem(path: Path, message: string, hint?: string): void;
}

/** A link fault as written (the proxy's own definition, src/common/link-faults.ts). */
export type FaultSpec = LinkFault;

type FaultKind = FaultSpec['type'];
const FAULT_KINDS: readonly FaultKind[] = FAULT_TYPES;
/** Faults that last (until healed or for `for`); the others act once. */
export const LASTING_KINDS: readonly FaultKind[] = ['latency', 'bandwidth', 'slice', 'blackhole', 'down'];

const KEYS: Record<FaultKind, string[]> = {
  latency: ['latency', 'jitter', 'direction'],
  bandwidth: ['rate', 'direction'],
  slice: ['size', 'delay', 'direction'],
  blackhole: ['direction'],
  reset: [],
  halfClose: ['side'],
  down: [],
  heal: [],
};
const DIRECTIONS: readonly FaultDirection[] = ['toBroker', 'toClient', 'both'];
const BYTE_UNITS: Record<string, number> = {
  B: 1,
  kB: 1000,
  KB: 1000,
  KiB: 1024,
  MB: 1_000_000,
  MiB: 1 << 20,
};
const RATE_HINT = 'write bytes per second: 16kB/s, 1MB/s, 512B/s or a number';

/** `16kB/s`, `1MB/s`, `512B/s`, `2KiB/s` or a number of bytes per second. */
export function parseByteRate(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|kB|KB|KiB|MB|MiB)\/s\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]) * (BYTE_UNITS[m[2] as string] as number);
  return n > 0 ? n : undefined;
}

/**
 * Reads a fault: a name (`reset`, `blackhole`, `down`, `heal`, `halfClose`) or a mapping
 * `{ type, ...its fields, for? }`. `extraKeys` are keys the caller reads itself (e.g. `for`, `at`, `groups`).
 */
export function parseFault(
  v: unknown,
  at: Path,
  p: FaultProblems,
  extraKeys: readonly string[] = [],
): FaultSpec | undefined {
  const isMap = v !== null && typeof v === 'object' && !Array.isArray(v);
  if (typeof v !== 'string' && !isMap) {
    p.problem(
      at,
      'a fault is a name (reset, blackhole, down, heal, halfClose) or a mapping { type: ..., ... }',
    );
    return undefined;
  }
  const o: Record<string, unknown> = typeof v === 'string' ? { type: v } : (v as Record<string, unknown>);
  const typePath = typeof v === 'string' ? at : [...at, 'type'];
  const type = o.type;
  if (typeof type !== 'string' || !(FAULT_KINDS as readonly string[]).includes(type)) {
    p.problem(typePath, `unknown fault type ${JSON.stringify(type)}`, `one of ${FAULT_KINDS.join(', ')}`);
    return undefined;
  }
  const kind = type as FaultKind;
  const allowed = ['type', ...KEYS[kind], ...extraKeys];
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      p.problem([...at, k], `unknown field '${k}' for a ${kind} fault`, `known here: ${allowed.join(', ')}`);
  const dur = (k: string, required: boolean, def: number): number => {
    if (o[k] === undefined) {
      if (required) p.problem(at, `a ${kind} fault needs '${k}'`, DURATION_HINT);
      return def;
    }
    const ms = parseDurationMs(o[k]);
    if (ms === undefined) p.problem([...at, k], `malformed duration ${JSON.stringify(o[k])}`, DURATION_HINT);
    return ms ?? def;
  };
  const direction = (): FaultDirection => {
    if (o.direction === undefined) return 'both';
    if (!(DIRECTIONS as readonly unknown[]).includes(o.direction)) {
      p.problem([...at, 'direction'], `direction must be one of ${DIRECTIONS.join(' | ')}`);
      return 'both';
    }
    return o.direction as FaultDirection;
  };
  switch (kind) {
    case 'latency':
      return {
        type: kind,
        latencyMs: dur('latency', true, 0),
        jitterMs: dur('jitter', false, 0),
        direction: direction(),
      };
    case 'bandwidth': {
      const rate = parseByteRate(o.rate);
      if (rate === undefined)
        p.problem(
          o.rate === undefined ? at : [...at, 'rate'],
          `a bandwidth fault needs 'rate' above 0`,
          RATE_HINT,
        );
      return { type: kind, bytesPerSec: rate ?? 1, direction: direction() };
    }
    case 'slice': {
      const size = o.size === undefined ? 1 : o.size;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 65536)
        p.problem([...at, 'size'], 'slice size is a whole number of bytes from 1 to 65536');
      return {
        type: kind,
        size: typeof size === 'number' ? size : 1,
        delayMs: dur('delay', false, 0),
        direction: direction(),
      };
    }
    case 'blackhole':
      return { type: kind, direction: direction() };
    case 'halfClose': {
      const side = o.side ?? 'broker';
      if (side !== 'broker' && side !== 'client')
        p.problem(
          [...at, 'side'],
          "side must be 'broker' (FIN to the broker) or 'client' (FIN to the client)",
        );
      return { type: kind, side: side === 'client' ? 'client' : 'broker' };
    }
    default:
      return { type: kind } as FaultSpec;
  }
}
