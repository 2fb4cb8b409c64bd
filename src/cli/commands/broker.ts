// `crucible broker`: starts the reference broker from flags and/or a YAML config file, prints one
// line per listener, and runs until SIGINT/SIGTERM. Bad flags or settings: plain message, exit 3; the
// broker cannot start or stops on a fatal error: exit 5 (codes from src/common/exit-codes.ts).

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { kebab, SCALAR_KEYS } from '../../../reference-broker/src/config/schema.ts';
import { FAULT_NAMES } from '../../../reference-broker/src/faults.ts';
import {
  formatProblems,
  PersistenceError,
  parseBrokerConfig,
  startBroker,
} from '../../../reference-broker/src/index.ts';
import { EXIT, type ExitCode } from '../../common/exit-codes.ts';

const USAGE = `usage: crucible broker [--config broker.yaml] [--host 127.0.0.1] [--port 1883]
       [--ws-port N [--ws-path /mqtt]] [--tls-port N --cert cert.pem --key key.pem] [--wss-port N]
       [--persistence store.db [--persistence-sync normal|full]]
       [--<setting> value ...] [--fault NAME ...] [--trace]
settings: ${Object.keys(SCALAR_KEYS)
  .map((k) => `--${kebab(k)}`)
  .join(' ')}
faults (tests only): ${FAULT_NAMES.join(', ')}`;

type FlagValues = Record<string, string | boolean | string[] | undefined>;
type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export async function run(argv: string[]): Promise<ExitCode> {
  const { options, flagToKey } = brokerOptions();
  let values: FlagValues;
  try {
    const args = joinNegativeValues(argv, options);
    const parsed = parseArgs({ args, options, allowPositionals: false, strict: true });
    values = parsed.values as FlagValues;
  } catch (e) {
    console.error(
      `broker: ${(e as Error).message.replace(/\. To specify a positional argument.*$/, '')} (see crucible broker --help)`,
    );
    return EXIT.invalidInput;
  }
  if (values.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  const settings = settingsFrom(values, flagToKey);
  if (typeof settings === 'number') return settings;
  const r = parseBrokerConfig(settings.obj, settings.baseDir);
  if (!r.ok) {
    const name = (key: string) => {
      const m = settings.fromFlags ? /^listeners\[\d+\]\.(cert|key)$/.exec(key) : null;
      return m ? `${key} (--${m[1]})` : flagName(key, flagToKey);
    };
    console.error(formatProblems(r.problems.map((p) => ({ ...p, key: name(p.key) }))));
    return EXIT.invalidInput;
  }
  return serve(r.config, flagToKey);
}

/** The fixed flags, plus one per scalar setting of the broker config (`--max-inflight 10`, ...). */
function brokerOptions(): { options: Options; flagToKey: Map<string, string> } {
  const options: Options = {
    config: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'ws-port': { type: 'string' },
    'ws-path': { type: 'string' },
    'tls-port': { type: 'string' },
    'wss-port': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    fault: { type: 'string', multiple: true },
    persistence: { type: 'string' },
    'persistence-sync': { type: 'string' },
    help: { type: 'boolean' },
  };
  const flagToKey = new Map<string, string>();
  for (const [key, kind] of Object.entries(SCALAR_KEYS)) {
    const flag = kebab(key);
    flagToKey.set(flag, key);
    options[flag] = { type: kind.type === 'boolean' && key === 'trace' ? 'boolean' : 'string' };
  }
  return { options, flagToKey };
}

/** The settings object: the --config file, then the flags over it (settings, persistence, faults, listeners). */
function settingsFrom(
  values: FlagValues,
  flagToKey: Map<string, string>,
): { obj: Record<string, unknown>; baseDir: string | undefined; fromFlags: boolean } | ExitCode {
  const file = values.config as string | undefined;
  const read = file ? readConfigFile(file) : { obj: {} as Record<string, unknown>, baseDir: undefined };
  if (typeof read === 'number') return read;
  const { obj, baseDir } = read;
  for (const [flag, key] of flagToKey) {
    const v = values[flag];
    if (v !== undefined) obj[key] = v;
  }
  if (values.persistence !== undefined || values['persistence-sync'] !== undefined) {
    // the flags override the file's persistence keys; paths from flags are relative to the cwd
    const p = { ...(obj.persistence as Record<string, unknown> | undefined) };
    if (values.persistence !== undefined) p.path = resolve(values.persistence as string);
    if (values['persistence-sync'] !== undefined) p.sync = values['persistence-sync'];
    obj.persistence = p;
  }
  const faults = values.fault as string[] | undefined;
  if (faults?.length) obj.faults = [...((obj.faults as string[]) ?? []), ...faults];
  const portFlags = ['port', 'ws-port', 'tls-port', 'wss-port'];
  const fromFlags = portFlags.some((f) => values[f] !== undefined) || obj.listeners === undefined;
  if (fromFlags) {
    const listeners = listenersFromFlags(values, obj.listeners === undefined);
    if (typeof listeners === 'number') return listeners;
    obj.listeners = listeners;
  }
  return { obj, baseDir, fromFlags };
}

function readConfigFile(file: string): { obj: Record<string, unknown>; baseDir: string } | ExitCode {
  try {
    const y = parseYaml(readFileSync(file, 'utf8')) as unknown;
    if (y !== null && (typeof y !== 'object' || Array.isArray(y)))
      throw new Error('the file must be a mapping of settings');
    return { obj: (y ?? {}) as Record<string, unknown>, baseDir: dirname(resolve(file)) };
  } catch (e) {
    console.error(`broker: --config ${file}: ${(e as Error).message}`);
    return EXIT.invalidInput;
  }
}

/** Listeners from --port/--ws-port/--tls-port/--wss-port (a tcp one on 1883 when the file names none). */
function listenersFromFlags(
  values: FlagValues,
  noneInFile: boolean,
): Array<Record<string, unknown>> | ExitCode {
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const listeners: Array<Record<string, unknown>> = [];
  const num = (f: string) => (/^\d+$/.test(String(values[f])) ? Number(values[f]) : values[f]);
  if (values.port !== undefined || noneInFile) {
    listeners.push({ kind: 'tcp', host, port: values.port === undefined ? 1883 : num('port') });
  }
  if (values['ws-port'] !== undefined) {
    listeners.push({ kind: 'ws', host, port: num('ws-port'), path: values['ws-path'] ?? '/mqtt' });
  }
  for (const [f, kind] of [
    ['tls-port', 'tls'],
    ['wss-port', 'wss'],
  ] as const) {
    if (values[f] === undefined) continue;
    if (!values.cert || !values.key) {
      console.error(`broker: --${f} needs --cert and --key (PEM files)`);
      return EXIT.invalidInput;
    }
    const l: Record<string, unknown> = { kind, host, port: num(f), cert: values.cert, key: values.key };
    if (kind === 'wss') l.path = values['ws-path'] ?? '/mqtt';
    listeners.push(l);
  }
  return listeners;
}

/** Starts the broker and runs until SIGINT/SIGTERM (0) or a fatal error (5). */
async function serve(
  config: Parameters<typeof startBroker>[0],
  flagToKey: Map<string, string>,
): Promise<ExitCode> {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  let failed: ((e: Error) => void) | undefined;
  try {
    broker = await startBroker(config, {
      log: (line) => console.log(line),
      warmUp: true,
      onFatal: (e) => failed?.(e),
    });
  } catch (e) {
    if (e instanceof PersistenceError) {
      console.error(`invalid setting ${flagName('persistence.path', flagToKey)}: ${e.message}`);
      return EXIT.invalidInput;
    }
    console.error(`broker: cannot start: ${(e as Error).message}`);
    return EXIT.harnessError;
  }
  for (const l of broker.listeners) console.log(`listening ${l.kind} ${l.url}`);
  const code = await new Promise<ExitCode>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done(EXIT.ok);
    };
    failed = (e) => {
      console.error(`broker: stopped: ${e.message}`);
      done(EXIT.harnessError);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await broker.close();
  return code;
}

/** `--flag -1` as `--flag=-1`: parseArgs takes a value starting with a dash for another option. */
function joinNegativeValues(argv: string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const opt = a.startsWith('--') && !a.includes('=') ? options[a.slice(2)] : undefined;
    if (opt?.type === 'string' && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function flagName(key: string, flagToKey: Map<string, string>): string {
  if (key === 'persistence.path') return `${key} (--persistence)`;
  if (key === 'persistence.sync') return `${key} (--persistence-sync)`;
  for (const [flag, k] of flagToKey) if (k === key) return `${key} (--${flag})`;
  return key;
}
