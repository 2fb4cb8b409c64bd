// A scenario file's cases: file defaults, case fields, param/version loops, then steps per expansion.
import { basename, extname } from 'node:path';
import { type Checker, isObj, type Obj, typeName } from './context.ts';
import {
  checkRowFields,
  evalLets,
  expandCombos,
  paramValues,
  parseLets,
  parseParams,
  suffixOf,
} from './family.ts';
import type { CaseSpec, ClientSpec, Level, MqttVersion, SourceLoc, Step } from './model.ts';
import { checkMatchValue } from './packets.ts';
import { didYouMean, fieldOf, type Path } from './problems.ts';
import { specVersionOf, statementIndex } from './statements.ts';
import { MQTT31_STATEMENTS } from './statements-31.ts';
import { duration, MAX_EXPANDED_STEPS, parseSteps, type StepEnv } from './steps.ts';
import { checkBarriers, checkClientUse, checkFrames, checkVarRefs, checkVersionedFields } from './usage.ts';
import { findVarRefs, hasVarRef, substituteVars } from './vars.ts';
import { BUILTIN_VARS, CASE_KEYS, LEVELS, VERSIONS } from './vocabulary.ts';

const DEFAULT_TIMEOUT_MS = 2000;

/** Where each built case's `id` was written (for duplicate-id problems across files). */
export const caseIdSites = new WeakMap<CaseSpec, { loc: SourceLoc; field: string }>();

const REQUIREMENT_KEYS = [
  'maximumQoS',
  'retainAvailable',
  'wildcardSubscriptionAvailable',
  'sharedSubscriptionAvailable',
  'subscriptionIdentifiersAvailable',
  'receiveMaximum',
  'topicAliasMaximum',
  'maximumPacketSize',
  'serverKeepAlive',
  'mqtt5',
  'mqtt311',
  'mqtt31',
  'ws',
  'profile',
  'inflightDeliveries',
];

export interface FileDefaults {
  area: string | undefined;
  version: MqttVersion | undefined;
  level: Level | undefined;
  timeoutMs: number | undefined;
  inSuite: boolean;
  /** Version implied by a suites/mqtt-<v>/ folder. */
  folderVersion: MqttVersion | undefined;
  fragments: Obj | undefined;
  /** File-level `tables:` (rows for parameters). */
  tables?: Record<string, unknown[]>;
}

export function checkVersion(ck: Checker, v: unknown, path: Path): MqttVersion | undefined {
  if (typeof v === 'number') {
    ck.problem(
      path,
      `version must be a quoted string, got the number ${v}`,
      `write version: "${v === 5 ? '5.0' : v}"`,
    );
    return undefined;
  }
  return ck.oneOf(v, path, 'version', VERSIONS);
}

const BOOLEAN_CAPS = new Set([
  'retainAvailable',
  'wildcardSubscriptionAvailable',
  'sharedSubscriptionAvailable',
  'subscriptionIdentifiersAvailable',
  'mqtt5',
  'mqtt311',
  'mqtt31',
  'ws',
]);

/** Requirement values: a value of the capability's type, or a predicate map ({ $gte: 1 }). */
function checkRequires(ck: Checker, requires: Obj, path: Path): void {
  for (const [k, v] of Object.entries(requires)) {
    const at = [...path, k];
    if (!REQUIREMENT_KEYS.includes(k)) {
      ck.problem(at, `unknown requirement '${k}'`, didYouMean(k, REQUIREMENT_KEYS), true);
      continue;
    }
    if (k === 'profile') {
      const p = ck.obj(v, at, 'requires.profile');
      for (const [pk, pv] of Object.entries(p ?? {})) checkMatchValue(ck, pv, [...at, pk]);
      continue;
    }
    if (isObj(v)) {
      if (Object.keys(v).every((x) => x.startsWith('$'))) checkMatchValue(ck, v, at);
      else ck.problem(at, `requirement '${k}' takes a value or a predicate like { $gte: 1 }`);
    } else if (BOOLEAN_CAPS.has(k)) ck.bool(v, at, k);
    else if (k === 'maximumQoS') ck.num(v, at, k, 0, 2);
    else ck.num(v, at, k, 0);
  }
}

function parseClients(ck: Checker, v: unknown, path: Path): Record<string, ClientSpec> {
  const o = ck.obj(v, path, 'clients');
  const out: Record<string, ClientSpec> = {};
  for (const [name, c] of Object.entries(o ?? {})) {
    const at = [...path, name];
    const co = ck.obj(c, at, `client '${name}'`, true);
    if (!co) continue;
    ck.unknownKeys(co, at, ['version', 'clientId', 'transport'], 'client');
    const version = co.version === undefined ? undefined : checkVersion(ck, co.version, [...at, 'version']);
    const clientId =
      co.clientId === undefined ? undefined : ck.str(co.clientId, [...at, 'clientId'], 'clientId');
    const transport =
      co.transport === undefined
        ? undefined
        : ck.oneOf(co.transport, [...at, 'transport'], 'transport', ['tcp', 'ws'] as const);
    out[name] = { version, clientId, transport };
  }
  return out;
}

function checkStatements(ck: Checker, v: unknown, path: Path, versions: MqttVersion[]): string[] {
  if (!Array.isArray(v)) {
    ck.problem(path, `statements must be a list of ids like [MQTT-3.1.2-24], got ${typeName(v)}`);
    return [];
  }
  const index = statementIndex();
  const out: string[] = [];
  v.forEach((id, i) => {
    const at = [...path, i];
    if (typeof id !== 'string') {
      ck.problem(at, `statement ids are strings, got ${typeName(id)}`);
      return;
    }
    out.push(id);
    for (const ver of versions) {
      const sv = specVersionOf(ver);
      const ids = index.get(sv)!;
      if (ids.has(id) && ver === '3.1' && !MQTT31_STATEMENTS.includes(id)) {
        ck.problem(
          at,
          `${id} is not in the MQTT 3.1 statement list`,
          'a 3.1 case cites only the 3.1.1 statements MQTT 3.1 also states (src/scenario/statements-31.ts)',
        );
        continue;
      }
      if (ids.has(id)) continue;
      const other = sv === '5.0' ? '3.1.1' : '5.0';
      if (index.get(other)?.has(id)) {
        ck.problem(
          at,
          `${id} is an MQTT ${other} statement, but this case is version ${ver}`,
          `cite the MQTT ${sv} statement instead`,
        );
      } else {
        ck.problem(at, `unknown statement id '${id}' for MQTT ${sv}`, didYouMean(id, [...ids.keys()]));
      }
    }
  });
  return out;
}

/** Parses one case (as written) into its concrete expansions. */
export function parseCase(
  ck: Checker,
  raw: unknown,
  path: Path,
  d: FileDefaults,
  extraKeys: readonly string[] = [],
): CaseSpec[] {
  const c = ck.obj(raw, path, 'a case');
  if (!c) return [];
  ck.unknownKeys(c, path, [...CASE_KEYS, ...extraKeys], 'case');
  let id: string | undefined;
  if (c.id === undefined)
    ck.problem(path, 'case needs an id', 'a stable dotted id, e.g. publish.qos1.puback');
  else {
    id = ck.str(c.id, [...path, 'id'], 'id');
    if (id !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/.test(id))
      ck.problem(
        [...path, 'id'],
        `id '${id}' may hold only letters, digits and . _ - : /`,
        'e.g. publish.qos2.exactly-once',
      );
  }
  const text = (k: string): string | undefined =>
    c[k] === undefined ? undefined : ck.str(c[k], [...path, k], k);
  const title = text('title');
  if (title === undefined && c.title === undefined && d.inSuite) ck.problem(path, 'suite cases need a title');
  const description = text('description');
  const expectation = text('expectation');
  let area = c.area === undefined ? d.area : ck.str(c.area, [...path, 'area'], 'area');
  if (area === undefined && d.inSuite && c.area === undefined)
    ck.problem(path, 'suite cases need an area (set area: at the top of the file)');
  area ??= basename(ck.file, extname(ck.file));
  const level =
    c.level === undefined ? (d.level ?? 'must') : ck.oneOf(c.level, [...path, 'level'], 'level', LEVELS);
  const timeoutMs =
    c.timeout === undefined
      ? (d.timeoutMs ?? DEFAULT_TIMEOUT_MS)
      : duration(ck, c.timeout, [...path, 'timeout'], 'timeout');

  // versions: a list loops like a param named `version`
  let versions: MqttVersion[] = [];
  let versionLoop = false;
  if (Array.isArray(c.version)) {
    versionLoop = true;
    if (c.version.length === 0) ck.problem([...path, 'version'], 'version list is empty');
    c.version.forEach((v, i) => {
      const ok = checkVersion(ck, v, [...path, 'version', i]);
      if (ok) versions.push(ok);
    });
  } else if (c.version !== undefined) {
    const ok = checkVersion(ck, c.version, [...path, 'version']);
    if (ok) versions = [ok];
  } else {
    const fallback = d.version ?? d.folderVersion ?? (d.inSuite ? undefined : '5.0');
    if (fallback) versions = [fallback];
    else
      ck.problem(
        path,
        'case needs a version',
        'set version: "5.0" (or "3.1.1") on the case or at the top of the file',
      );
  }
  if (d.folderVersion) {
    for (const v of versions)
      if (specVersionOf(v) !== specVersionOf(d.folderVersion))
        ck.problem(
          [...path, 'version'],
          `version ${v} in a suites/mqtt-${d.folderVersion} file`,
          `move the case to suites/mqtt-${specVersionOf(v)}/`,
        );
  }

  let statements: string[] = [];
  // `${row.field}` in statements is resolved per combination (a list value is spliced in)
  const perCombo = Array.isArray(c.statements) && c.statements.some((x) => hasVarRef(x));
  if (c.statements !== undefined && !perCombo)
    statements = checkStatements(ck, c.statements, [...path, 'statements'], versions);
  else if (c.statements === undefined && d.inSuite)
    ck.problem(path, 'suite cases need statements: [MQTT-x.y.z-n, ...]');

  const requires = c.requires === undefined ? {} : ck.obj(c.requires, [...path, 'requires'], 'requires');
  checkRequires(ck, requires ?? {}, [...path, 'requires']);
  const loops = c.params === undefined ? [] : parseParams(ck, c.params, [...path, 'params'], d.tables ?? {});
  if (c.steps === undefined) ck.problem(path, 'case needs steps: [...]');
  else if (Array.isArray(c.steps) && c.steps.length === 0) ck.problem([...path, 'steps'], 'steps is empty');

  if (versionLoop) loops.push(['version', versions]);
  loops.sort((a, b) => a[0].localeCompare(b[0]));
  const lets =
    c.let === undefined
      ? []
      : parseLets(
          ck,
          c.let,
          [...path, 'let'],
          loops.map(([k]) => k),
        );
  const out: CaseSpec[] = [];
  const stepBudget = { left: MAX_EXPANDED_STEPS };
  const letProblems = new Set<string>();
  const rowProblems = new Set<string>();
  for (const combo of expandCombos(ck, loops, c.exclude, path)) {
    const version = (combo.version as MqttVersion | undefined) ?? versions[0];
    const vars = evalLets(ck, lets, combo, letProblems);
    if (!vars) continue;
    // twice: a row field may itself hold `${param}` of another loop
    const sub = (x: unknown, at: Path): unknown => {
      const once = substituteVars(substituteVars(x, vars), vars);
      checkRowFields(ck, once, combo, at, rowProblems);
      return once;
    };
    const env: StepEnv = {
      fragments: d.fragments,
      vars,
      useStack: [],
      captures: new Set(),
      setVars: new Set(),
      parallelDepth: 0,
      defaultTimeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      collectRefs: true,
      stepBudget,
    };
    ck.refs = [];
    const caseStatements = perCombo
      ? checkStatements(
          ck,
          (sub(c.statements, [...path, 'statements']) as unknown[]).flat(),
          [...path, 'statements'],
          [version ?? '5.0'],
        )
      : statements;
    const steps: Step[] =
      c.steps === undefined ? [] : parseSteps(ck, sub(c.steps, [...path, 'steps']), [...path, 'steps'], env);
    // cleanup: after the steps whatever happened, on fresh connections (captures may be unset if the
    // case ended early; such a cleanup step then fails on its own, without changing the outcome)
    let cleanup: Step[] = [];
    if (c.cleanup !== undefined) {
      if (!Array.isArray(c.cleanup) || c.cleanup.length === 0)
        ck.problem([...path, 'cleanup'], 'cleanup must be a non-empty list of steps', 'or leave it out');
      else cleanup = parseSteps(ck, sub(c.cleanup, [...path, 'cleanup']), [...path, 'cleanup'], env);
    }
    // per expansion: `clients: { a: { version: "${version}" } }` follows a version loop
    const clients =
      c.clients === undefined
        ? {}
        : parseClients(ck, sub(c.clients, [...path, 'clients']), [...path, 'clients']);
    for (const k of ['requires', 'clients'] as const)
      if (c[k] !== undefined)
        for (const r of findVarRefs(sub(c[k], [...path, k]), [...path, k]))
          ck.refs.push({ ...r, at: r.path });
    const clientNames = checkClientUse(ck, steps, clients, path);
    for (const n of checkClientUse(ck, cleanup, {}, path)) clientNames.add(n);
    checkBarriers(ck, [...steps, ...cleanup]);
    checkFrames(ck, steps, clients);
    checkFrames(ck, cleanup, clients);
    checkVersionedFields(ck, [...steps, ...cleanup], version ?? '5.0', clients);
    checkVarRefs(
      ck,
      new Set([...BUILTIN_VARS, ...Object.keys(vars), ...env.captures, ...env.setVars]),
      clientNames,
    );
    // invalid fields were reported above; the case is still built (with fallbacks) so that
    // duplicate ids and later checks see it
    if (id === undefined) continue;
    const spec: CaseSpec = {
      id: `${id}${suffixOf(combo)}`,
      baseId: id,
      title: String(sub(title ?? id, [...path, 'title'])),
      description: description === undefined ? undefined : String(sub(description, [...path, 'description'])),
      expectation: expectation === undefined ? undefined : String(sub(expectation, [...path, 'expectation'])),
      area,
      version: version ?? '5.0',
      level: level ?? 'must',
      statements: caseStatements,
      requires: (sub(requires ?? {}, [...path, 'requires']) as Record<string, unknown>) ?? {},
      params: paramValues(combo),
      clients,
      defaultTimeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      steps,
      ...(cleanup.length > 0 ? { cleanup } : {}),
      loc: ck.loc(path),
    };
    caseIdSites.set(spec, { loc: ck.loc([...path, 'id']), field: fieldOf([...path, 'id']) });
    out.push(spec);
  }
  return out;
}

export function isCaseLike(v: unknown): boolean {
  return isObj(v) && (v.id !== undefined || v.steps !== undefined);
}
