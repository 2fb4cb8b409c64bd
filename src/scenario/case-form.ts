// A case as written, checked once for all its expansions: id, texts, area, level, timeout, versions,
// statements, requirements, parameter loops and `let`s. The expansion (case-expand.ts) builds on it.
import { basename, extname } from 'node:path';
import { type Checker, isObj, type Obj, typeName } from './context.ts';
import { type LetDef, type Loop, parseLets, parseParams } from './family.ts';
import type { Level, MqttVersion } from './model.ts';
import { checkMatchValue } from './packets.ts';
import { didYouMean, type Path } from './problems.ts';
import { specVersionOf, statementIndex } from './statements.ts';
import { MQTT31_STATEMENTS } from './statements-31.ts';
import { duration } from './steps.ts';
import { hasVarRef } from './vars.ts';
import { LEVELS, VERSIONS } from './vocabulary.ts';

export const DEFAULT_TIMEOUT_MS = 2000;

export const REQUIREMENT_KEYS = [
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

export function checkStatements(ck: Checker, v: unknown, path: Path, versions: MqttVersion[]): string[] {
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

/** The case-level fields every expansion shares. */
export interface CaseForm {
  id: string | undefined;
  title: string | undefined;
  description: string | undefined;
  expectation: string | undefined;
  area: string;
  level: Level | undefined;
  timeoutMs: number | undefined;
  versions: MqttVersion[];
  /** Statements checked once; when they hold `${...}` (perCombo), each expansion checks its own. */
  statements: string[];
  perCombo: boolean;
  requires: Obj | undefined;
  /** Parameter loops (a version list is the loop `version`), sorted by name. */
  loops: Loop[];
  lets: LetDef[];
}

/** Reads and checks the case-level fields, in the order their problems are reported. */
export function readCaseForm(ck: Checker, c: Obj, path: Path, d: FileDefaults): CaseForm {
  const id = readId(ck, c, path);
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
  const { versions, versionLoop } = readVersions(ck, c, path, d);

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
  const form = { id, title, description, expectation, area, level, timeoutMs, versions };
  return { ...form, statements, perCombo, requires, loops, lets };
}

function readId(ck: Checker, c: Obj, path: Path): string | undefined {
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
  return id;
}

/** versions: a list loops like a param named `version`; none falls back to the file's or the folder's. */
function readVersions(
  ck: Checker,
  c: Obj,
  path: Path,
  d: FileDefaults,
): { versions: MqttVersion[]; versionLoop: boolean } {
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
  return { versions, versionLoop };
}
