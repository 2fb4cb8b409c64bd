// A small JSON Schema (2020-12 subset) checker for tests: enough to prove that files the loader
// accepts are accepted by schema/scenario.schema.json (so editors never flag valid scenarios).
// Keywords: $ref (local), type, enum, const, properties, additionalProperties, required, items,
// minItems, maxItems, minimum, maximum, pattern, anyOf, oneOf, allOf, propertyNames, minProperties.

type Schema = Record<string, unknown> | boolean;

function typeOk(v: unknown, t: string): boolean {
  switch (t) {
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
  }
  return false;
}

export function validateSchema(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let cur: unknown = root;
    for (const part of ref.slice(2).split('/')) cur = (cur as Record<string, unknown>)[part];
    if (cur === undefined) throw new Error(`dangling $ref ${ref}`);
    return cur as Schema;
  };
  const check = (s: Schema, v: unknown, at: string, out: string[]): void => {
    if (s === true) return;
    if (s === false) {
      out.push(`${at}: not allowed`);
      return;
    }
    if (typeof s.$ref === 'string') check(resolve(s.$ref), v, at, out);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeOk(v, t))) {
        out.push(`${at}: expected ${types.join('|')}`);
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => e === v))
      out.push(`${at}: not one of ${s.enum.join(', ')}`);
    if ('const' in s && s.const !== v) out.push(`${at}: must be ${String(s.const)}`);
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) out.push(`${at}: below ${s.minimum}`);
      if (typeof s.maximum === 'number' && v > s.maximum) out.push(`${at}: above ${s.maximum}`);
    }
    if (typeof v === 'string' && typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v))
      out.push(`${at}: does not match ${s.pattern}`);
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems)
        out.push(`${at}: fewer than ${s.minItems} items`);
      if (typeof s.maxItems === 'number' && v.length > s.maxItems)
        out.push(`${at}: more than ${s.maxItems} items`);
      if (s.items !== undefined)
        v.forEach((x, i) => {
          check(s.items as Schema, x, `${at}[${i}]`, out);
        });
    }
    if (typeOk(v, 'object')) {
      const o = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required as string[] | undefined) ?? [])
        if (!(r in o)) out.push(`${at}: missing ${r}`);
      if (typeof s.minProperties === 'number' && Object.keys(o).length < s.minProperties)
        out.push(`${at}: fewer than ${s.minProperties} keys`);
      for (const [k, x] of Object.entries(o)) {
        if (s.propertyNames !== undefined) check(s.propertyNames as Schema, k, `${at}.${k} (name)`, out);
        if (k in props) check(props[k]!, x, `${at}.${k}`, out);
        else if (s.additionalProperties !== undefined)
          check(s.additionalProperties as Schema, x, `${at}.${k}`, out);
      }
    }
    if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) check(sub, v, at, out);
    if (Array.isArray(s.anyOf)) {
      const results = (s.anyOf as Schema[]).map((sub) => {
        const e: string[] = [];
        check(sub, v, at, e);
        return e;
      });
      if (!results.some((e) => e.length === 0))
        out.push(`${at}: no anyOf branch matches (${results.map((e) => e[0]).join(' / ')})`);
    }
    if (Array.isArray(s.oneOf)) {
      const results = (s.oneOf as Schema[]).map((sub) => {
        const e: string[] = [];
        check(sub, v, at, e);
        return e;
      });
      const n = results.filter((e) => e.length === 0).length;
      if (n !== 1) out.push(`${at}: ${n} oneOf branches match (need exactly 1)`);
    }
  };
  check(root, value, '$', errors);
  return errors;
}
