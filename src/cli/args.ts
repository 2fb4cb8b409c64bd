// Flag parsing shared by every command: node:util parseArgs, with errors that name the flag (exit 3).
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../common/exit-codes.ts';
import { disableColor } from '../report/ansi.ts';
import { parseDurationMs } from '../scenario/duration.ts';

export type FlagSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
>;

/** Flags every command that connects to a broker takes: TLS material, the reports, the case pool, help. */
export const BROKER_RUN_FLAGS = {
  'ws-url': { type: 'string' },
  concurrency: { type: 'string' },
  repeat: { type: 'string' },
  reporter: { type: 'string', multiple: true },
  out: { type: 'string' },
  timeout: { type: 'string' },
  profile: { type: 'string' },
  label: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  insecure: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** Every command accepts --no-color; colour itself is decided in one place (report/ansi.ts `defaultColor`). */
export function parseFlags(argv: string[], spec: FlagSpec, command: string): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { 'no-color': { type: 'boolean' }, ...spec } as ParseArgsConfig['options'],
      allowPositionals: true,
      strict: true,
    });
    if ((values as Record<string, unknown>)['no-color'] === true) disableColor();
    return { values: values as ParsedFlags['values'], positionals };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // node's messages look like: "Unknown option '--foo'" / "Option '--x <value>' argument missing"
    throw new UsageError(`${command}: ${msg.replace(/\. To specify a positional argument.*$/, '')}`);
  }
}

export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const v = flags.values[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function listFlag(flags: ParsedFlags, name: string): string[] {
  const v = flags.values[name];
  const raw = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
  return raw
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function boolFlag(flags: ParsedFlags, name: string): boolean {
  return flags.values[name] === true;
}

/** Integer flag with bounds; the error names the flag. */
export function intFlag(flags: ParsedFlags, name: string, min: number, max: number): number | undefined {
  const s = stringFlag(flags, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${s}'`);
  }
  return n;
}

export function durationFlag(flags: ParsedFlags, name: string): number | undefined {
  const s = stringFlag(flags, name);
  if (s === undefined) return undefined;
  const ms = parseDurationMs(s); // the scenario language's parser: 250ms, 2s, 1.5s, 1m, 1h or ms
  if (ms === undefined) throw new UsageError(`--${name} must be a duration like 500ms, 2s or 1m, got '${s}'`);
  return ms;
}

export type TlsFlags = { ca?: string; cert?: string; key?: string; insecure?: boolean };

/** --ca/--cert/--key/--insecure, or undefined when none is given. */
export function tlsFlags(flags: ParsedFlags): TlsFlags | undefined {
  const ca = stringFlag(flags, 'ca');
  const cert = stringFlag(flags, 'cert');
  const key = stringFlag(flags, 'key');
  const insecure = boolFlag(flags, 'insecure');
  if (!ca && !cert && !key && !insecure) return undefined;
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(insecure ? { insecure } : {}),
  };
}
