// Baselines of expected deviations per broker: a directory (or file) of YAML entries
// `{ case, version, statement, outcome, kind: deviation|variation|flaky, why }`. A run "moves against the
// baseline" when a case fails/errors/goes non-strict without an entry, or ends worse than its entry says.
// `kind: flaky` declares a case that sometimes passes and sometimes ends as `outcome` (a timing-sensitive
// check such as keep-alive): any result from `outcome` up to pass is expected, never reported as "better".
// `applyBaseline` writes the verdict onto each case (`CaseResult.baseline`), so every view of the results
// (console, summary.md, JUnit, HTML, `crucible report`) and the exit code follow the same judgement.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { OUTCOME_ORDER } from '../results/grade.ts';
import type { CaseBaseline, CaseResult, Outcome } from '../results/model.ts';
import type { Problem } from '../scenario/model.ts';

interface BaselineEntry {
  case: string;
  /** Protocol version of the case ("3.1.1", "5.0"); without it the entry matches the id in every version. */
  version?: string;
  statement?: string;
  outcome: Outcome;
  kind: 'deviation' | 'variation' | 'flaky';
  why: string;
  file: string;
  line: number;
}

const OUTCOMES = new Set<string>(OUTCOME_ORDER);

export function loadBaseline(path: string): { entries: BaselineEntry[]; problems: Problem[] } {
  const problems: Problem[] = [];
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((n) => /\.ya?ml$/.test(n))
          .sort()
          .map((n) => join(path, n))
      : [path];
  } catch {
    return {
      entries: [],
      problems: [
        { file: path, line: 1, column: 1, field: '--baseline', message: `cannot read baseline '${path}'` },
      ],
    };
  }
  const entries: BaselineEntry[] = [];
  for (const file of files) {
    const lc = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc });
    for (const e of doc.errors) {
      const p = lc.linePos(e.pos[0]);
      problems.push({
        file,
        line: p.line,
        column: p.col,
        field: '(yaml)',
        message: e.message.split('\n')[0] ?? '',
      });
    }
    const root = doc.toJS() as unknown;
    const list = Array.isArray(root)
      ? root
      : root && typeof root === 'object'
        ? ((root as Record<string, unknown>).entries ?? (root as Record<string, unknown>).deviations ?? [])
        : [];
    const seq = (doc.contents as { items?: Array<{ range?: [number, number, number] }> } | null)?.items;
    const itemsNode = Array.isArray(root)
      ? seq
      : ((doc.get('entries', true) as { items?: Array<{ range?: [number, number, number] }> } | undefined)
          ?.items ??
        (doc.get('deviations', true) as { items?: Array<{ range?: [number, number, number] }> } | undefined)
          ?.items);
    if (!Array.isArray(list)) {
      problems.push({
        file,
        line: 1,
        column: 1,
        field: 'entries',
        message: 'a baseline is a list of entries',
      });
      continue;
    }
    list.forEach((raw: unknown, i: number) => {
      const range = itemsNode?.[i]?.range;
      const pos = range ? lc.linePos(range[0]) : { line: 1, col: 1 };
      const at = (field: string, message: string): void => {
        problems.push({ file, line: pos.line, column: pos.col, field: `[${i}].${field}`, message });
      };
      if (!raw || typeof raw !== 'object') {
        at('case', 'an entry is a map');
        return;
      }
      const r = raw as Record<string, unknown>;
      if (typeof r.case !== 'string') at('case', 'case id (string) is required');
      if (typeof r.outcome !== 'string' || !OUTCOMES.has(r.outcome))
        at('outcome', `outcome must be one of ${[...OUTCOMES].join(', ')}`);
      if (r.kind !== 'deviation' && r.kind !== 'variation' && r.kind !== 'flaky')
        at('kind', 'kind must be deviation, variation or flaky');
      if (typeof r.why !== 'string' || !r.why.trim()) at('why', 'why (one line) is required');
      if (typeof r.case === 'string' && typeof r.outcome === 'string' && OUTCOMES.has(r.outcome)) {
        entries.push({
          case: r.case,
          ...(typeof r.version === 'string' || typeof r.version === 'number'
            ? { version: String(r.version) }
            : {}),
          ...(typeof r.statement === 'string' ? { statement: r.statement } : {}),
          outcome: r.outcome as Outcome,
          kind: r.kind === 'variation' || r.kind === 'flaky' ? r.kind : 'deviation',
          why: typeof r.why === 'string' ? r.why : '',
          file,
          line: pos.line,
        });
      }
    });
  }
  return { entries, problems };
}

export interface BaselineComparison {
  /** Cases that fail (or error, or go non-strict) with no baseline entry. */
  unexpected: CaseResult[];
  /** Cases with an entry whose outcome is now worse than the entry says. */
  worse: Array<{ result: CaseResult; entry: BaselineEntry }>;
  /** Entries whose case now does better: the baseline can be tightened. */
  better: Array<{ result: CaseResult; entry: BaselineEntry }>;
  /** Cases whose entry matched: the outcome it names, or (kind flaky) anything from it up to pass. */
  expected: Array<{ result: CaseResult; entry: BaselineEntry }>;
  /** Cases with an entry that were not applicable this time: not run, so neither better nor worse. */
  notRun: Array<{ result: CaseResult; entry: BaselineEntry }>;
  matched: number;
}

const rank = (o: Outcome): number => OUTCOME_ORDER.indexOf(o);
const needsEntry = (o: Outcome): boolean => o === 'fail' || o === 'error' || o === 'non-strict';

function entryInfo(e: BaselineEntry): NonNullable<CaseBaseline['entry']> {
  return { outcome: e.outcome, kind: e.kind, why: e.why, source: `${e.file}:${e.line}` };
}

/** Judges each case against the entries, without touching the cases. */
export function compareWithBaseline(
  results: readonly CaseResult[],
  entries: readonly BaselineEntry[],
): BaselineComparison {
  const byCase = new Map(entries.map((e) => [e.version ? `${e.version}\u0000${e.case}` : e.case, e]));
  const find = (id: string, version: string): BaselineEntry | undefined =>
    byCase.get(`${version}\u0000${id}`) ?? byCase.get(id);
  const cmp: BaselineComparison = {
    unexpected: [],
    worse: [],
    better: [],
    expected: [],
    notRun: [],
    matched: 0,
  };
  for (const r of results) {
    const e = find(r.id, r.version) ?? find(r.baseId, r.version);
    if (!e) {
      if (needsEntry(r.outcome)) cmp.unexpected.push(r);
      continue;
    }
    const worseThanEntry = rank(r.outcome) < rank(e.outcome) && r.outcome !== 'not-applicable';
    if (r.outcome === 'not-applicable' && e.outcome !== 'not-applicable')
      cmp.notRun.push({ result: r, entry: e });
    else if (worseThanEntry) cmp.worse.push({ result: r, entry: e });
    else if (r.outcome === e.outcome || e.kind === 'flaky') {
      cmp.expected.push({ result: r, entry: e });
      cmp.matched++;
    } else cmp.better.push({ result: r, entry: e });
  }
  return cmp;
}

/** Writes each case's standing against the baseline onto it (`CaseResult.baseline`); returns the comparison. */
export function applyBaseline(results: CaseResult[], entries: readonly BaselineEntry[]): BaselineComparison {
  const cmp = compareWithBaseline(results, entries);
  for (const r of cmp.unexpected) r.baseline = { status: 'new' };
  for (const { result, entry } of cmp.worse) result.baseline = { status: 'worse', entry: entryInfo(entry) };
  for (const { result, entry } of cmp.better) result.baseline = { status: 'better', entry: entryInfo(entry) };
  for (const { result, entry } of cmp.expected) {
    result.baseline = { status: entry.kind === 'flaky' ? 'flaky' : 'expected', entry: entryInfo(entry) };
  }
  return cmp;
}

export function movedAgainst(c: BaselineComparison): boolean {
  return c.unexpected.length > 0 || c.worse.length > 0;
}
