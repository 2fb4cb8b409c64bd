// Case families: the parameter loops of a case (`params`), rows from file-level `tables`, combinations
// left out (`exclude`), values derived per combination (`let`), and the cap on how many concrete cases one
// case may expand to. The format is in docs/scenario-format.md (Case families).
import { type Checker, isObj, type Obj, typeName } from './context.ts';
import { didYouMean, type Path } from './problems.ts';
import { findVarRefs } from './vars.ts';
import { BUILTIN_VARS, VAR_NAMESPACES } from './vocabulary.ts';

/** Most concrete cases one written case may expand to (after `exclude`); more is a problem, not a run. */
export const MAX_EXPANSION = 512;
/** Most combinations built before `exclude` removes any: the product of the loops' lengths. */
const MAX_PRODUCT = 16 * MAX_EXPANSION;

/** Functions `let` offers: each takes a list of numbers (literals, parameter names or row fields). */
const LET_OPS: Record<string, (xs: number[]) => number> = {
  max: (xs) => Math.max(...xs),
  min: (xs) => Math.min(...xs),
  sum: (xs) => xs.reduce((a, b) => a + b, 0),
};

const ROW_NAME = /^[a-z0-9][a-z0-9-]*$/;

export type Loop = [name: string, values: unknown[]];
export type Combo = Record<string, unknown>;
export interface LetDef {
  name: string;
  op: string;
  args: unknown[];
  path: Path;
}

/** File-level `tables:` (name -> list of rows); each row is checked where a case uses it. */
export function parseTables(ck: Checker, v: unknown): Record<string, unknown[]> {
  const o = ck.obj(v, ['tables'], 'tables');
  const out: Record<string, unknown[]> = {};
  for (const [name, rows] of Object.entries(o ?? {})) {
    if (!Array.isArray(rows) || rows.length === 0) {
      ck.problem(['tables', name], `table '${name}' must be a non-empty list of rows, got ${typeName(rows)}`);
      continue;
    }
    out[name] = rows;
    checkRows(ck, rows, ['tables', name]);
  }
  return out;
}

function checkRows(ck: Checker, rows: unknown[], path: Path): void {
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (!isObj(row)) {
      ck.problem([...path, i], `a row must be a map with a name, got ${typeName(row)}`);
      return;
    }
    if (typeof row.name !== 'string' || !ROW_NAME.test(row.name)) {
      ck.problem(
        [...path, i],
        'a row needs name: of [a-z0-9-] (it goes into the case id)',
        'e.g. name: puback',
      );
      return;
    }
    if (seen.has(row.name)) ck.problem([...path, i, 'name'], `row name '${row.name}' appears twice`);
    seen.add(row.name);
  });
}

function isRow(v: unknown): v is Obj & { name: string } {
  return isObj(v) && typeof v.name === 'string';
}

/** Rows of `{ table, having, except }`: the table's rows that hold every `having` field, minus `except`. */
function tableRows(ck: Checker, o: Obj, at: Path, tables: Record<string, unknown[]>): unknown[] {
  ck.unknownKeys(o, at, ['table', 'having', 'except'], 'parameter');
  const name = ck.str(o.table, [...at, 'table'], 'table');
  if (name === undefined) return [];
  const rows = tables[name];
  if (!rows) {
    ck.problem([...at, 'table'], `no table named '${name}'`, didYouMean(name, Object.keys(tables)));
    return [];
  }
  const list = (k: string): string[] => {
    if (o[k] === undefined) return [];
    if (Array.isArray(o[k]) && o[k].every((x) => typeof x === 'string')) return o[k] as string[];
    ck.problem([...at, k], `${k} must be a list of names`);
    return [];
  };
  const having = list('having');
  const except = list('except');
  const names = rows.filter(isRow).map((r) => r.name);
  except.forEach((n, i) => {
    if (!names.includes(n))
      ck.problem([...at, 'except', i], `table '${name}' has no row '${n}'`, didYouMean(n, names));
  });
  having.forEach((f, i) => {
    if (!rows.some((r) => isObj(r) && r[f] !== undefined))
      ck.problem([...at, 'having', i], `no row of table '${name}' has the field '${f}'`);
  });
  const out = rows.filter(
    (r) => isRow(r) && !except.includes(r.name) && having.every((f) => (r as Obj)[f] !== undefined),
  );
  if (out.length === 0) ck.problem(at, `no row of table '${name}' is left`);
  return out;
}

/** `params`: name -> list of scalars, list of rows (maps with a name), or rows of a table. */
export function parseParams(ck: Checker, v: unknown, path: Path, tables: Record<string, unknown[]>): Loop[] {
  const o = ck.obj(v, path, 'params');
  if (!o) return [];
  const out: Loop[] = [];
  for (const [k, values] of Object.entries(o)) {
    const at = [...path, k];
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k))
      ck.problem(at, `'${k}' is not a valid parameter name`, undefined, true);
    else if ([...BUILTIN_VARS, ...VAR_NAMESPACES].includes(k))
      ck.problem(at, `parameter '${k}' would hide the built-in variable \${${k}}`, 'pick another name', true);
    else if (k === 'version')
      ck.problem(at, 'loop over versions with version: ["3.1.1", "5.0"]', undefined, true);
    if (isObj(values)) {
      const rows = tableRows(ck, values, at, tables);
      if (rows.length > 0) out.push([k, rows]);
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) {
      ck.problem(
        at,
        `params.${k} must be a non-empty list of values, got ${typeName(values)}`,
        `e.g. ${k}: [0, 1, 2]`,
      );
      continue;
    }
    if (values.some(isObj)) checkRows(ck, values, at);
    else
      values.forEach((x, i) => {
        if (x !== null && typeof x === 'object')
          ck.problem(
            [...at, i],
            'parameter values are scalars (number, string, boolean) or rows (maps with a name)',
          );
      });
    out.push([k, values]);
  }
  return out;
}

/** `let`: name -> { max | min | sum: [args] }, evaluated per combination in the order written. */
export function parseLets(ck: Checker, v: unknown, path: Path, params: readonly string[]): LetDef[] {
  const o = ck.obj(v, path, 'let');
  const out: LetDef[] = [];
  const known = new Set(params);
  for (const [name, def] of Object.entries(o ?? {})) {
    const at = [...path, name];
    if (known.has(name) || [...BUILTIN_VARS, ...VAR_NAMESPACES].includes(name)) {
      ck.problem(at, `let '${name}' would hide another variable of that name`, 'pick another name', true);
      continue;
    }
    const d = ck.obj(def, at, `let '${name}'`);
    const ops = Object.keys(d ?? {});
    if (!d || ops.length !== 1 || !LET_OPS[ops[0]!]) {
      if (d)
        ck.problem(
          at,
          `let '${name}' takes one of ${Object.keys(LET_OPS).join(' | ')}`,
          'e.g. { max: [a, b] }',
        );
      continue;
    }
    const op = ops[0]!;
    const args = d[op];
    if (!Array.isArray(args) || args.length === 0) {
      ck.problem([...at, op], `${op} takes a non-empty list of numbers or parameter names`);
      continue;
    }
    let ok = true;
    args.forEach((a, i) => {
      if (typeof a === 'number') return;
      const head = typeof a === 'string' ? a.split('.')[0]! : '';
      if (known.has(head)) return;
      ok = false;
      ck.problem(
        [...at, op, i],
        `${show(a)} is neither a number nor a parameter`,
        didYouMean(head, [...known]),
      );
    });
    known.add(name);
    if (ok) out.push({ name, op, args, path: at });
  }
  return out;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : typeName(v);
}

function argValue(vars: Combo, a: unknown): unknown {
  if (typeof a !== 'string') return a;
  let cur: unknown = vars;
  for (const part of a.split('.')) cur = isObj(cur) ? cur[part] : undefined;
  return cur;
}

/** The combination's derived values, or a problem (once per `let`) when an argument is not a number. */
export function evalLets(
  ck: Checker,
  lets: readonly LetDef[],
  combo: Combo,
  reported: Set<string>,
): Combo | undefined {
  const vars: Combo = { ...combo };
  for (const l of lets) {
    const xs = l.args.map((a) => argValue(vars, a));
    if (!xs.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      if (!reported.has(l.name))
        ck.problem(
          l.path,
          `let '${l.name}': an argument is not a number for ${suffixOf(combo) || 'this case'}`,
        );
      reported.add(l.name);
      return undefined;
    }
    vars[l.name] = LET_OPS[l.op]!(xs as number[]);
  }
  return vars;
}

function keyOf(v: unknown): unknown {
  return isRow(v) ? v.name : v;
}

/** Every combination of the loops (cartesian product), minus `exclude`d ones, capped at MAX_EXPANSION. */
export function expandCombos(ck: Checker, loops: Loop[], exclude: unknown, path: Path): Combo[] {
  // refuse a product that would exhaust memory before anything is built (exclude comes after)
  const product = loops.reduce((n, [, values]) => n * values.length, 1);
  if (product > MAX_PRODUCT) {
    ck.problem(
      [...path, 'params'],
      `params expand to ${product} cases before exclude:, more than the limit of ${MAX_PRODUCT}`,
      'split the case, or narrow it with having: or except:',
    );
    return [];
  }
  let combos: Combo[] = [{}];
  for (const [k, values] of loops) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  if (exclude !== undefined) {
    const at = [...path, 'exclude'];
    if (!Array.isArray(exclude)) ck.problem(at, 'exclude must be a list of maps like { packet: pingreq }');
    else
      exclude.forEach((e, i) => {
        const m = ck.obj(e, [...at, i], 'an exclude entry');
        if (!m) return;
        for (const k of Object.keys(m))
          if (!loops.some(([n]) => n === k))
            ck.problem(
              [...at, i, k],
              `'${k}' is not a parameter of this case`,
              didYouMean(
                k,
                loops.map(([n]) => n),
              ),
              true,
            );
        const hit = (c: Combo): boolean => Object.entries(m).every(([k, v]) => keyOf(c[k]) === v);
        const before = combos.length;
        combos = combos.filter((c) => !hit(c));
        if (combos.length === before) ck.problem([...at, i], 'this exclude entry matches no combination');
      });
  }
  if (combos.length > MAX_EXPANSION) {
    ck.problem(
      [...path, 'params'],
      `params expand to ${combos.length} cases, more than the limit of ${MAX_EXPANSION}`,
      'split the case, or narrow it with having:, except: or exclude:',
    );
    return [];
  }
  return combos;
}

/** The combination as plain values (rows by their name), as results record it. */
export function paramValues(combo: Combo): Combo {
  return Object.fromEntries(Object.entries(combo).map(([k, v]) => [k, keyOf(v)]));
}

/** The id suffix of a combination: `[k=v,...]`, keys sorted, rows by name. */
export function suffixOf(combo: Combo): string {
  const keys = Object.keys(combo).sort();
  if (keys.length === 0) return '';
  return `[${keys.map((k) => `${k}=${String(keyOf(combo[k]))}`).join(',')}]`;
}

/** A `${row.field}` left after substitution names a field that row lacks: one problem per field and row. */
export function checkRowFields(
  ck: Checker,
  value: unknown,
  combo: Combo,
  path: Path,
  seen: Set<string>,
): void {
  for (const r of findVarRefs(value, [...path])) {
    const [head, field] = r.name.split('.');
    const row = head === undefined ? undefined : combo[head];
    if (!isRow(row) || field === undefined) continue;
    const key = `${head}.${field}@${row.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ck.problem(
      r.path,
      `row '${row.name}' of parameter '${head}' has no field '${field}'`,
      `add ${field}: to the row, or leave the row out (having: [${field}])`,
    );
  }
}
