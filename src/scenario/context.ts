// Validation context: where problems go, and typed accessors that record a problem instead of throwing.
import type { Problem, SourceLoc } from './model.ts';
import { didYouMean, fieldOf, type Path } from './problems.ts';
import { hasVarRef, type VarRef } from './vars.ts';
import type { YamlSource } from './yaml-source.ts';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string '${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
  return `${typeof v} ${String(v)}`;
}

/** A value as it appears in a message: strings quoted, others described. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
  return typeName(v);
}

export class Checker {
  readonly problems: Problem[] = [];
  /** `${...}` references seen while parsing the current case, with where they sit. */
  refs: Array<VarRef & { at: Path }> = [];
  /** Where each built step was written (for problems found after parsing). */
  readonly stepPaths = new WeakMap<object, Path>();

  constructor(readonly src: YamlSource) {}

  get file(): string {
    return this.src.file;
  }

  /** The value at path as written in the file (before any variable substitution). */
  written(path: Path): unknown {
    let cur: unknown = this.src.value;
    for (const k of path) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string | number, unknown>)[k];
    }
    return cur;
  }

  loc(path: Path): SourceLoc {
    return { file: this.src.file, ...this.src.locate(path) };
  }

  problem(path: Path, message: string, hint?: string, onKey = false): void {
    const at = onKey ? this.src.locateKey(path) : this.src.locate(path);
    const p: Problem = {
      file: this.src.file,
      line: at.line,
      column: at.column,
      field: fieldOf(path),
      message,
    };
    if (hint) p.hint = hint;
    this.problems.push(p);
  }

  /** Reports keys of obj that are not in allowed, with a did-you-mean hint. */
  unknownKeys(obj: Obj, path: Path, allowed: readonly string[], what: string): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k))
        this.problem([...path, k], `unknown ${what} key '${k}'`, didYouMean(k, allowed), true);
    }
  }

  /** A map, or undefined (after recording a problem) when the value is something else. */
  obj(v: unknown, path: Path, what: string, allowNull = false): Obj | undefined {
    if (allowNull && (v === null || v === undefined)) return {};
    if (isObj(v)) return v;
    this.problem(path, `${what} must be a map, got ${typeName(v)}`);
    return undefined;
  }

  str(v: unknown, path: Path, what: string): string | undefined {
    if (typeof v === 'string') return v;
    this.problem(path, `${what} must be a string, got ${typeName(v)}`);
    return undefined;
  }

  /** A number, a `${var}` string (typed at run time) or a problem. */
  num(v: unknown, path: Path, what: string, min?: number, max?: number): number | string | undefined {
    if (hasVarRef(v)) return v;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.problem(path, `${what} must be a number, got ${typeName(v)}`);
      return undefined;
    }
    if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
      this.problem(path, `${what} must be from ${min ?? '-inf'} to ${max ?? 'inf'}, got ${v}`);
      return undefined;
    }
    return v;
  }

  bool(v: unknown, path: Path, what: string): boolean | string | undefined {
    if (typeof v === 'boolean' || hasVarRef(v)) return v;
    this.problem(path, `${what} must be true or false, got ${typeName(v)}`);
    return undefined;
  }

  oneOf<T extends string>(v: unknown, path: Path, what: string, allowed: readonly T[]): T | undefined {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    const hint = typeof v === 'string' ? didYouMean(v, allowed) : `expected one of: ${allowed.join(', ')}`;
    this.problem(path, `${what} must be one of ${allowed.join(' | ')}, got ${typeName(v)}`, hint);
    return undefined;
  }
}
