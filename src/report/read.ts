// Reading results.json files for `crucible report` / `crucible compare`: every problem names the file
// and what is wrong (exit 3 through UsageError), never a stack trace.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../common/exit-codes.ts';
import { RESULTS_FORMAT, RESULTS_VERSION, type ResultsDocument } from '../results/model.ts';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural problems of a parsed document (empty when usable). Field paths are JSON-pointer-like. */
export function checkDocument(v: unknown): string[] {
  const p: string[] = [];
  if (!isObj(v)) return ['the top level is not a JSON object'];
  if (v.format !== RESULTS_FORMAT) {
    p.push(
      `format: expected "${RESULTS_FORMAT}", got ${JSON.stringify(v.format ?? null)} (is this a crucible results.json?)`,
    );
    return p;
  }
  if (v.version !== RESULTS_VERSION) {
    p.push(
      `version: this crucible reads results version ${RESULTS_VERSION}, the file has ${JSON.stringify(v.version ?? null)}`,
    );
    return p;
  }
  const run = v.run;
  if (!isObj(run)) p.push('run: missing or not an object');
  else {
    for (const k of ['id', 'startedAt', 'finishedAt', 'command'] as const) {
      if (typeof run[k] !== 'string') p.push(`run.${k}: missing or not a string`);
    }
    if (!isObj(run.host)) p.push('run.host: missing or not an object');
  }
  if (!Array.isArray(v.brokers)) p.push('brokers: missing or not an array');
  if (v.conformance !== undefined) {
    const c = v.conformance;
    if (!isObj(c) || !Array.isArray(c.cases)) p.push('conformance.cases: missing or not an array');
    else {
      c.cases.forEach((x: unknown, i: number) => {
        if (!isObj(x)) p.push(`conformance.cases[${i}]: not an object`);
        else {
          for (const k of ['id', 'broker', 'outcome', 'version', 'area'] as const) {
            if (typeof x[k] !== 'string') p.push(`conformance.cases[${i}].${k}: missing or not a string`);
          }
          if (!Array.isArray(x.statements))
            p.push(`conformance.cases[${i}].statements: missing or not an array`);
          if (!Array.isArray(x.transcript))
            p.push(`conformance.cases[${i}].transcript: missing or not an array`);
        }
      });
    }
  }
  if (v.load !== undefined) {
    if (!Array.isArray(v.load)) p.push('load: not an array');
    else {
      v.load.forEach((r: unknown, i: number) => {
        if (!isObj(r)) {
          p.push(`load[${i}]: not an object`);
          return;
        }
        for (const k of ['id', 'broker', 'startedAt'] as const) {
          if (typeof r[k] !== 'string') p.push(`load[${i}].${k}: missing or not a string`);
        }
        for (const k of ['latency', 'series', 'ledger', 'generator', 'counters'] as const) {
          if (!isObj(r[k])) p.push(`load[${i}].${k}: missing or not an object`);
        }
        for (const k of ['groups', 'thresholds'] as const) {
          if (!Array.isArray(r[k])) p.push(`load[${i}].${k}: missing or not an array`);
        }
      });
    }
  }
  return p.slice(0, 10);
}

export async function readResultsFile(path: string): Promise<ResultsDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${path}: cannot read (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const problems = checkDocument(parsed);
  if (problems.length)
    throw new UsageError(`${path}: not a usable results document:\n  ${problems.join('\n  ')}`);
  return parsed as ResultsDocument;
}
