// TEMPORARY shim until src/scenario exports resolveVars (then this file is deleted).
// `${name}` / `${a.b}` substitution: a string that is exactly `${x}` takes the value's type.
import { StepError } from './steps/common.ts';

function lookup(vars: Record<string, unknown>, path: string): unknown {
  let cur: unknown = vars;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as object))) {
      throw new StepError(`unknown variable \${${path}}`);
    }
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function resolveVars(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    if (!value.includes('$')) return value;
    const exact = /^\$\{([^}]+)\}$/.exec(value);
    if (exact) return lookup(vars, (exact[1] as string).trim());
    return value.replace(/\$\$|\$\{([^}]+)\}/g, (m, name: string | undefined) =>
      m === '$$' ? '$' : String(lookup(vars, (name as string).trim())),
    );
  }
  if (Array.isArray(value)) return value.map((v) => resolveVars(v, vars));
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveVars(v, vars);
    return out;
  }
  return value;
}
