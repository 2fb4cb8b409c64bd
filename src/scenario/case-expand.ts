// A case's expansions: one concrete CaseSpec per parameter combination, with its steps, cleanup and
// clients parsed under that combination's variables, and the checks that need the whole case.

import { type CaseForm, checkStatements, checkVersion, DEFAULT_TIMEOUT_MS } from './case-form.ts';
import type { Checker, Obj } from './context.ts';
import { type Combo, checkRowFields, evalLets, expandCombos, paramValues, suffixOf } from './family.ts';
import type { CaseSpec, ClientSpec, MqttVersion, SourceLoc, Step } from './model.ts';
import { fieldOf, type Path } from './problems.ts';
import { MAX_EXPANDED_STEPS, parseSteps, type StepEnv } from './steps.ts';
import { checkBarriers, checkClientUse, checkFrames, checkVarRefs, checkVersionedFields } from './usage.ts';
import { findVarRefs, substituteVars } from './vars.ts';
import { BUILTIN_VARS } from './vocabulary.ts';

/** Where each built case's `id` was written (for duplicate-id problems across files). */
export const caseIdSites = new WeakMap<CaseSpec, { loc: SourceLoc; field: string }>();

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

/** What every expansion of one case shares while it is built. */
interface Expansion {
  ck: Checker;
  c: Obj;
  path: Path;
  form: CaseForm;
  fragments: Obj | undefined;
  stepBudget: { left: number };
  letProblems: Set<string>;
  rowProblems: Set<string>;
}

/** Every combination of the case's loops (minus `exclude`) that its `let`s accept, built. */
export function expandCase(
  ck: Checker,
  c: Obj,
  path: Path,
  form: CaseForm,
  fragments: Obj | undefined,
): CaseSpec[] {
  const x: Expansion = {
    ck,
    c,
    path,
    form,
    fragments,
    stepBudget: { left: MAX_EXPANDED_STEPS },
    letProblems: new Set<string>(),
    rowProblems: new Set<string>(),
  };
  const out: CaseSpec[] = [];
  for (const combo of expandCombos(ck, form.loops, c.exclude, path)) {
    const spec = buildExpansion(x, combo);
    if (spec) out.push(spec);
  }
  return out;
}

/** One combination: its variables, statements, steps, cleanup and clients, checked; undefined without an id. */
function buildExpansion(x: Expansion, combo: Combo): CaseSpec | undefined {
  const { ck, c, path, form } = x;
  const version = (combo.version as MqttVersion | undefined) ?? form.versions[0];
  const vars = evalLets(ck, form.lets, combo, x.letProblems);
  if (!vars) return undefined;
  // twice: a row field may itself hold `${param}` of another loop
  const sub = (v: unknown, at: Path): unknown => {
    const once = substituteVars(substituteVars(v, vars), vars);
    checkRowFields(ck, once, combo, at, x.rowProblems);
    return once;
  };
  const env: StepEnv = {
    fragments: x.fragments,
    vars,
    useStack: [],
    captures: new Set(),
    setVars: new Set(),
    parallelDepth: 0,
    defaultTimeoutMs: form.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    collectRefs: true,
    stepBudget: x.stepBudget,
  };
  ck.refs = [];
  const caseStatements = form.perCombo
    ? checkStatements(
        ck,
        (sub(c.statements, [...path, 'statements']) as unknown[]).flat(),
        [...path, 'statements'],
        [version ?? '5.0'],
      )
    : form.statements;
  const body = parseBody(x, sub, env);
  const { steps, cleanup, clients } = body;
  const known = new Set([...BUILTIN_VARS, ...Object.keys(vars), ...env.captures, ...env.setVars]);
  checkUsage(ck, path, body, version ?? '5.0', known);
  // invalid fields were reported above; the case is still built (with fallbacks) so that
  // duplicate ids and later checks see it
  if (form.id === undefined) return undefined;
  const spec: CaseSpec = {
    id: `${form.id}${suffixOf(combo)}`,
    baseId: form.id,
    title: String(sub(form.title ?? form.id, [...path, 'title'])),
    description:
      form.description === undefined ? undefined : String(sub(form.description, [...path, 'description'])),
    expectation:
      form.expectation === undefined ? undefined : String(sub(form.expectation, [...path, 'expectation'])),
    area: form.area,
    version: version ?? '5.0',
    level: form.level ?? 'must',
    statements: caseStatements,
    requires: (sub(form.requires ?? {}, [...path, 'requires']) as Record<string, unknown>) ?? {},
    params: paramValues(combo),
    clients,
    defaultTimeoutMs: form.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    steps,
    ...(cleanup.length > 0 ? { cleanup } : {}),
    loc: ck.loc(path),
  };
  caseIdSites.set(spec, { loc: ck.loc([...path, 'id']), field: fieldOf([...path, 'id']) });
  return spec;
}

interface Body {
  steps: Step[];
  cleanup: Step[];
  clients: Record<string, ClientSpec>;
}

/** Steps, cleanup and clients under one combination's variables (`sub`); records `${...}` references. */
function parseBody(x: Expansion, sub: (v: unknown, at: Path) => unknown, env: StepEnv): Body {
  const { ck, c, path } = x;
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
      for (const r of findVarRefs(sub(c[k], [...path, k]), [...path, k])) ck.refs.push({ ...r, at: r.path });
  return { steps, cleanup, clients };
}

/** Checks that need the whole expansion: client use, barriers, frames, versioned fields, variables. */
function checkUsage(ck: Checker, path: Path, b: Body, version: MqttVersion, known: Set<string>): void {
  const clientNames = checkClientUse(ck, b.steps, b.clients, path);
  for (const n of checkClientUse(ck, b.cleanup, {}, path)) clientNames.add(n);
  checkBarriers(ck, [...b.steps, ...b.cleanup]);
  checkFrames(ck, b.steps, b.clients);
  checkFrames(ck, b.cleanup, b.clients);
  checkVersionedFields(ck, [...b.steps, ...b.cleanup], version, b.clients);
  checkVarRefs(ck, known, clientNames);
}
