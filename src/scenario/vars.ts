// `${name}` variables: typed whole-string replacement, interpolation otherwise, `$$` escapes `$`.
// Names may be dotted (`profile.auth.username`, `client.sub`, `cap.maximumQoS`).

export class VarError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'VarError';
  }
}

const NAME = '[A-Za-z_][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+)*';
const WHOLE = new RegExp(`^\\$\\{(${NAME})\\}$`);
const NAME_RE = new RegExp(`^${NAME}$`);

const MISSING = Symbol('missing');

/** Looks a (possibly dotted) name up: an exact key first, then a walk through nested objects. */
export function lookupVar(vars: Record<string, unknown>, name: string): unknown {
  const v = lookup(vars, name);
  return v === MISSING ? undefined : v;
}

function lookup(vars: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(vars, name) && vars[name] !== undefined) return vars[name];
  const parts = name.split('.');
  // longest flat prefix first, so both { 'client.sub': x } and { client: { sub: x } } work
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    if (!Object.hasOwn(vars, head)) continue;
    let cur: unknown = vars[head];
    let ok = true;
    for (const p of parts.slice(i)) {
      if (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, p))
        cur = (cur as Record<string, unknown>)[p];
      else {
        ok = false;
        break;
      }
    }
    if (ok && cur !== undefined) return cur;
  }
  return MISSING;
}

function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function resolveString(s: string, vars: Record<string, unknown>, partial: boolean): unknown {
  if (!s.includes('$')) return s;
  const whole = WHOLE.exec(s);
  if (whole) {
    const v = lookup(vars, whole[1]!);
    if (v !== MISSING) return v;
    if (partial) return s;
    throw new VarError(whole[1]!, `unknown variable \${${whole[1]}}`);
  }
  if (!s.includes('${') && !s.includes('$$')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '$' && s[i + 1] === '$') {
      out += partial ? '$$' : '$';
      i += 2;
      continue;
    }
    if (c === '$' && s[i + 1] === '{') {
      const end = s.indexOf('}', i + 2);
      if (end < 0) {
        if (partial) return out + s.slice(i);
        throw new VarError('', `unterminated \${ in '${s}'`);
      }
      const name = s.slice(i + 2, end);
      const v = NAME_RE.test(name) ? lookup(vars, name) : MISSING;
      if (v === MISSING) {
        if (!partial) throw new VarError(name, `unknown variable \${${name}}`);
        out += s.slice(i, end + 1);
      } else out += toText(v);
      i = end + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function walk(value: unknown, vars: Record<string, unknown>, partial: boolean): unknown {
  if (typeof value === 'string') return resolveString(value, vars, partial);
  if (Array.isArray(value)) return value.map((v) => walk(v, vars, partial));
  if (
    value !== null &&
    typeof value === 'object' &&
    !Buffer.isBuffer(value) &&
    !(value instanceof Uint8Array)
  ) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, vars, partial);
    return out;
  }
  return value;
}

/**
 * Replaces `${name}` everywhere in value (strings, arrays, objects; a new value is returned).
 * A string that is exactly `${name}` takes the variable's value and type; otherwise values are
 * interpolated as text. `$$` is a literal `$`. Strings without `${` or `$$` are untouched.
 * Throws VarError for an unknown variable or an unterminated `${`.
 */
export function resolveVars(value: unknown, vars: Record<string, unknown>): unknown {
  return walk(value, vars, false);
}

/** Like resolveVars but leaves unknown references (and `$$`) as written: for plan-time substitution. */
export function substituteVars(value: unknown, vars: Record<string, unknown>): unknown {
  return walk(value, vars, true);
}

export interface VarRef {
  name: string;
  /** Path inside the value where the string sits. */
  path: Array<string | number>;
  /** Set when the reference is malformed. */
  error?: string;
}

/** Every `${...}` reference in a value, with where it sits. */
export function findVarRefs(value: unknown, path: Array<string | number> = [], out: VarRef[] = []): VarRef[] {
  if (typeof value === 'string') {
    let i = 0;
    while (i < value.length) {
      if (value[i] === '$' && value[i + 1] === '$') {
        i += 2;
        continue;
      }
      if (value[i] === '$' && value[i + 1] === '{') {
        const end = value.indexOf('}', i + 2);
        if (end < 0) {
          out.push({ name: '', path, error: `unterminated '\${' (write '$$' for a literal '$')` });
          break;
        }
        const name = value.slice(i + 2, end);
        if (NAME_RE.test(name)) out.push({ name, path });
        else out.push({ name, path, error: `'\${${name}}' is not a variable name` });
        i = end + 1;
        continue;
      }
      i++;
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      findVarRefs(v, [...path, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) findVarRefs(v, [...path, k], out);
  }
  return out;
}

/** True when a string holds a `${...}` reference (its type is only known at run time). */
export function hasVarRef(value: unknown): value is string {
  return typeof value === 'string' && /\$\{/.test(value.replace(/\$\$/g, ''));
}
