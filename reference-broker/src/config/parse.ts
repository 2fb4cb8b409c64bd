// Validation of a configuration object (from YAML or from flags). Every problem names the key and
// the allowed values; all problems are reported at once.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FAULT_NAMES, VARIATION_NAMES } from '../faults.ts';

/** Test-only switches: faults and allowed variations. */
const SWITCHES = [...FAULT_NAMES, ...VARIATION_NAMES];

import {
  type AclRule,
  type BrokerConfig,
  DEFAULT_CONFIG,
  type ListenerConfig,
  type PersistenceConfig,
  SCALAR_KEYS,
  type ScalarKind,
  SYNC_POLICIES,
  type SyncPolicy,
} from './schema.ts';

export interface ConfigProblem {
  key: string;
  message: string;
}

export type ConfigResult = { ok: true; config: BrokerConfig } | { ok: false; problems: ConfigProblem[] };

const LISTENER_KINDS = ['tcp', 'tls', 'ws', 'wss'];
const ACL_ACTIONS = ['publish', 'subscribe', 'both'];
const AUTH_METHODS = ['SCRAM-SHA-256'];

function describe(kind: ScalarKind): string {
  switch (kind.type) {
    case 'boolean':
      return 'true or false';
    case 'int':
      return kind.help;
    case 'enum':
      return kind.values.join(', ');
    case 'string':
      return 'a string';
  }
}

/** Checks one scalar value; returns the normalised value or a problem message. */
export function checkScalar(kind: ScalarKind, value: unknown): { value: unknown } | { error: string } {
  const allowed = `allowed: ${describe(kind)}`;
  switch (kind.type) {
    case 'boolean':
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return { error: `got ${JSON.stringify(value)}; ${allowed}` };
    case 'int': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < kind.min || n > kind.max) {
        return { error: `got ${JSON.stringify(value)}; ${allowed}` };
      }
      if (kind.forbidden?.includes(n)) return { error: `${n} is not allowed; ${allowed}` };
      return { value: n };
    }
    case 'enum': {
      const hit = kind.values.find((v) => v === value || String(v) === String(value));
      if (hit === undefined) return { error: `got ${JSON.stringify(value)}; ${allowed}` };
      return { value: hit };
    }
    case 'string':
      if (typeof value === 'string' && value.length > 0) return { value };
      return { error: `got ${JSON.stringify(value)}; ${allowed}` };
  }
}

function parseListeners(
  v: unknown,
  problems: ConfigProblem[],
  baseDir: string | undefined,
): ListenerConfig[] {
  if (!Array.isArray(v) || v.length === 0) {
    problems.push({
      key: 'listeners',
      message: 'must be a non-empty list of { kind, host, port, path, cert, key }',
    });
    return [];
  }
  const out: ListenerConfig[] = [];
  v.forEach((item: unknown, i) => {
    const key = `listeners[${i}]`;
    if (typeof item !== 'object' || item === null) {
      problems.push({ key, message: 'must be a mapping with kind, host, port' });
      return;
    }
    const o = item as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!['kind', 'host', 'port', 'path', 'cert', 'key'].includes(k)) {
        problems.push({
          key: `${key}.${k}`,
          message: 'unknown key; allowed: kind, host, port, path, cert, key',
        });
      }
    }
    const kind = o.kind ?? 'tcp';
    if (typeof kind !== 'string' || !LISTENER_KINDS.includes(kind)) {
      problems.push({
        key: `${key}.kind`,
        message: `got ${JSON.stringify(kind)}; allowed: ${LISTENER_KINDS.join(', ')}`,
      });
      return;
    }
    const port = o.port ?? 0;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      problems.push({
        key: `${key}.port`,
        message: `got ${JSON.stringify(port)}; allowed: 0..65535 (0 = any free port)`,
      });
    }
    const host = o.host ?? '127.0.0.1';
    if (typeof host !== 'string' || host === '') {
      problems.push({
        key: `${key}.host`,
        message: `got ${JSON.stringify(host)}; allowed: a host name or address`,
      });
    }
    const l: ListenerConfig = {
      kind: kind as ListenerConfig['kind'],
      host: String(host),
      port: Number(port),
    };
    if (kind === 'ws' || kind === 'wss') {
      const path = o.path ?? '/mqtt';
      if (typeof path !== 'string' || !path.startsWith('/')) {
        problems.push({
          key: `${key}.path`,
          message: `got ${JSON.stringify(path)}; allowed: a path starting with /`,
        });
      } else l.path = path;
    } else if (o.path !== undefined) {
      problems.push({ key: `${key}.path`, message: 'only ws and wss listeners have a path' });
    }
    if (kind === 'tls' || kind === 'wss') {
      for (const f of ['cert', 'key'] as const) {
        const p = o[f];
        if (typeof p !== 'string' || p === '') {
          problems.push({ key: `${key}.${f}`, message: `required for ${kind}; allowed: a PEM file path` });
        } else l[f] = baseDir && !isAbsolute(p) ? resolve(baseDir, p) : p;
      }
    }
    out.push(l);
  });
  return out;
}

function parseAcl(v: unknown, problems: ConfigProblem[]): AclRule[] {
  if (!Array.isArray(v)) {
    problems.push({
      key: 'acl',
      message: 'must be a list of { user, allow|deny: publish|subscribe|both, topic }',
    });
    return [];
  }
  const out: AclRule[] = [];
  v.forEach((item: unknown, i) => {
    const key = `acl[${i}]`;
    const o = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const action = o.allow ?? o.deny;
    if (
      (o.allow === undefined) === (o.deny === undefined) ||
      typeof action !== 'string' ||
      !ACL_ACTIONS.includes(action)
    ) {
      problems.push({ key, message: `needs exactly one of allow/deny with value ${ACL_ACTIONS.join(', ')}` });
      return;
    }
    if (typeof o.topic !== 'string' || o.topic === '') {
      problems.push({ key: `${key}.topic`, message: 'required; allowed: a topic pattern (+, #, %u, %c)' });
      return;
    }
    const rule: AclRule = { user: typeof o.user === 'string' ? o.user : '*', topic: o.topic };
    if (o.allow !== undefined) rule.allow = action as AclRule['allow'] & string;
    else rule.deny = action as AclRule['deny'] & string;
    out.push(rule);
  });
  return out;
}

/** `persistence: { path, sync }`: the file's directory must exist; the file, if it exists, is a file. */
function parsePersistence(
  v: unknown,
  problems: ConfigProblem[],
  baseDir: string | undefined,
): PersistenceConfig | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push({ key: 'persistence', message: 'must be a mapping { path: <file>, sync: normal|full }' });
    return undefined;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'path' && k !== 'sync')
      problems.push({ key: `persistence.${k}`, message: 'unknown key; allowed: path, sync' });
  }
  const sync = o.sync ?? 'normal';
  if (!SYNC_POLICIES.includes(sync as SyncPolicy)) {
    problems.push({
      key: 'persistence.sync',
      message: `got ${JSON.stringify(sync)}; allowed: ${SYNC_POLICIES.join(', ')}`,
    });
  }
  if (typeof o.path !== 'string' || o.path.trim() === '' || o.path.startsWith(':')) {
    problems.push({
      key: 'persistence.path',
      message: `got ${JSON.stringify(o.path)}; allowed: the path of the store file`,
    });
    return undefined;
  }
  const path = baseDir && !isAbsolute(o.path) ? resolve(baseDir, o.path) : resolve(o.path);
  const problem = storePathProblem(path);
  if (problem) problems.push({ key: 'persistence.path', message: `${path}: ${problem}` });
  return { path, sync: sync as SyncPolicy };
}

function storePathProblem(path: string): string | undefined {
  try {
    if (!statSync(dirname(path)).isDirectory()) return 'its directory is not a directory';
  } catch {
    return `its directory ${dirname(path)} does not exist`;
  }
  try {
    if (!statSync(path).isFile()) return 'exists and is not a file';
  } catch {}
  return undefined;
}

/** Validates a plain object (keys as in the YAML file). baseDir resolves relative file paths. */
export function parseBrokerConfig(obj: unknown, baseDir?: string): ConfigResult {
  const problems: ConfigProblem[] = [];
  const config: BrokerConfig = structuredClone(DEFAULT_CONFIG);
  if (obj === null || obj === undefined) return { ok: true, config };
  if (typeof obj !== 'object' || Array.isArray(obj)) {
    return {
      ok: false,
      problems: [{ key: '(root)', message: 'the configuration must be a mapping of settings' }],
    };
  }
  const rec = config as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    if (value === undefined) continue;
    const kind = SCALAR_KEYS[key];
    if (kind) {
      const r = checkScalar(kind, value);
      if ('error' in r) problems.push({ key, message: r.error });
      else rec[key] = r.value;
      continue;
    }
    switch (key) {
      case 'listeners':
        config.listeners = parseListeners(value, problems, baseDir);
        break;
      case 'acl':
        config.acl = parseAcl(value, problems);
        break;
      case 'authMethods':
        if (!Array.isArray(value) || value.some((m) => !AUTH_METHODS.includes(m as string))) {
          problems.push({
            key,
            message: `got ${JSON.stringify(value)}; allowed: a list of ${AUTH_METHODS.join(', ')}`,
          });
        } else config.authMethods = value as BrokerConfig['authMethods'];
        break;
      case 'persistence': {
        const p = parsePersistence(value, problems, baseDir);
        if (p) config.persistence = p;
        break;
      }
      case 'faults':
        if (!Array.isArray(value) || value.some((f) => !SWITCHES.includes(f as string))) {
          const bad = Array.isArray(value) ? value.filter((f) => !SWITCHES.includes(f as string)) : value;
          problems.push({
            key,
            message: `unknown fault ${JSON.stringify(bad)}; allowed: ${SWITCHES.join(', ')}`,
          });
        } else config.faults = value as string[];
        break;
      default:
        problems.push({
          key,
          message: `unknown setting; allowed keys: ${[...Object.keys(SCALAR_KEYS), 'listeners', 'acl', 'authMethods', 'faults', 'persistence'].join(', ')}`,
        });
    }
  }
  if (config.usersFile && baseDir && !isAbsolute(config.usersFile))
    config.usersFile = resolve(baseDir, config.usersFile);
  checkFiles(config, problems);
  if (config.maxOutputBufferBytes < config.maxWriteBufferBytes) {
    problems.push({
      key: 'maxOutputBufferBytes',
      message: `${config.maxOutputBufferBytes} is below maxWriteBufferBytes (${config.maxWriteBufferBytes}); allowed: at least maxWriteBufferBytes`,
    });
  }
  if (config.authMethods.length > 0 && !config.usersFile) {
    problems.push({
      key: 'authMethods',
      message: 'SCRAM-SHA-256 needs usersFile (the users it authenticates)',
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

/** Certificate, key and users files must be readable now, not when a listener starts. */
function checkFiles(config: BrokerConfig, problems: ConfigProblem[]): void {
  const files: Array<[string, string | undefined]> = [['usersFile', config.usersFile]];
  config.listeners.forEach((l, i) => {
    files.push([`listeners[${i}].cert`, l.cert], [`listeners[${i}].key`, l.key]);
  });
  for (const [key, file] of files) {
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      problems.push({ key, message: `cannot read ${file}: ${why}` });
    }
  }
}

/** Reads and validates a YAML configuration file. */
export function loadBrokerConfig(file: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, problems: [{ key: file, message: `cannot read: ${(e as Error).message}` }] };
  }
  let obj: unknown;
  try {
    obj = parseYaml(text);
  } catch (e) {
    return { ok: false, problems: [{ key: file, message: `invalid YAML: ${(e as Error).message}` }] };
  }
  const r = parseBrokerConfig(obj, dirname(resolve(file)));
  if (!r.ok)
    return {
      ok: false,
      problems: r.problems.map((p) => ({ key: p.key, message: `${p.message} (in ${file})` })),
    };
  return r;
}

export function formatProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `invalid setting ${p.key}: ${p.message}`).join('\n');
}
