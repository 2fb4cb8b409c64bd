// Typed reads of a YAML value with problems located at file:line:column and a dotted field path.
import { parseDurationMs } from '../duration.ts';
import type { Problem } from '../model.ts';
import type { LoadVersion } from './model.ts';

/** Bytes of the measurement header every load PUBLISH payload starts with (src/load/payload.ts). */
export const HEADER_SIZE = 26;

type Path = ReadonlyArray<string | number>;
interface Doc {
  file: string;
  value: unknown;
  locate(path: Path): { line: number; column: number };
}

function fieldName(path: Path): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s || '(document)';
}

export class Reader {
  readonly problems: Problem[] = [];
  constructor(private readonly doc: Doc) {}

  problem(path: Path, message: string, hint?: string): void {
    const at = this.doc.locate(path);
    const p: Problem = {
      file: this.doc.file,
      line: at.line,
      column: at.column,
      field: fieldName(path),
      message,
    };
    if (hint !== undefined) p.hint = hint;
    this.problems.push(p);
  }

  get(path: Path): unknown {
    let v: unknown = this.doc.value;
    for (const k of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string | number, unknown>)[k];
    }
    return v;
  }

  has(path: Path): boolean {
    return this.get(path) !== undefined;
  }

  /** Checks that the node is a mapping and reports keys outside `allowed`. */
  object(path: Path, allowed: string[], required = true): Record<string, unknown> | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (required) this.problem(path, path.length ? 'expected a mapping' : 'the document is empty');
      return undefined;
    }
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.problem(path, `expected a mapping, got ${describe(v)}`);
      return undefined;
    }
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k))
        this.problem([...path, k], `unknown field '${k}'`, `known here: ${allowed.join(', ')}`);
    }
    return v as Record<string, unknown>;
  }

  array(path: Path, required: boolean): unknown[] | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (required) this.problem(path, 'required list is missing');
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.problem(path, `expected a list, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  string(path: Path, required: boolean): string | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (required) this.problem(path, 'required field is missing');
      return undefined;
    }
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string') {
      this.problem(path, `expected a string, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  bool(path: Path): boolean | undefined {
    const v = this.get(path);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.problem(path, `expected true or false, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  int(path: Path, required: boolean, min: number, max: number): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (required) this.problem(path, 'required field is missing');
      return undefined;
    }
    const n = typeof v === 'string' && /^\s*\d[\d_,]*\s*$/.test(v) ? Number(v.replace(/[_,\s]/g, '')) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      this.problem(path, `expected an integer from ${min} to ${max}, got ${describe(v)}`);
      return undefined;
    }
    return n;
  }

  qos(path: Path): 0 | 1 | 2 | undefined {
    return this.int(path, false, 0, 2) as 0 | 1 | 2 | undefined;
  }

  version(path: Path): LoadVersion | undefined {
    const v = this.get(path);
    if (v === undefined) return undefined;
    const s = String(v);
    if (s === '3.1' || s === '3') return 3;
    if (s === '3.1.1' || s === '4') return 4;
    if (s === '5.0' || s === '5') return 5;
    this.problem(path, `unknown MQTT version ${describe(v)}`, "one of '3.1', '3.1.1', '5.0'");
    return undefined;
  }

  /** '500ms', '2s', '1.5m', '1h' or a number of ms. */
  duration(path: Path, required: boolean): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (required) this.problem(path, 'required duration is missing', 'e.g. 30s');
      return undefined;
    }
    const ms = parseDurationMs(v);
    if (ms === undefined) this.problem(path, `expected a duration like 500ms, 10s or 5m, got ${describe(v)}`);
    return ms;
  }

  /** '1000/s', '60/m', '5/h' or a number per second. */
  rate(path: Path, required: boolean): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (required) this.problem(path, 'required rate is missing', 'e.g. 100/s');
      return undefined;
    }
    const r = parseRate(v);
    if (r === undefined) this.problem(path, `expected a rate like 100/s or 30/m, got ${describe(v)}`);
    return r;
  }

  /** '150%' or a plain factor (1.5). */
  factor(path: Path): number | undefined {
    const v = this.get(path);
    if (v === undefined) return undefined;
    const f = parseFactor(v);
    if (f === undefined)
      this.problem(path, `expected a percentage like 50% or a factor like 0.5, got ${describe(v)}`);
    return f;
  }
}

function parseRate(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m|h))?\s*$/.exec(v);
  if (!m) return undefined;
  const per = m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1;
  return Number(m[1]) / per;
}

function parseFactor(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(v);
  if (!m) return undefined;
  return m[2] ? Number(m[1]) / 100 : Number(m[1]);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
