// Scenario loading: YAML files -> validated model (src/scenario/model.ts) + every problem at once.
import { basename, dirname } from 'node:path';
import { caseIdSites, checkVersion, type FileDefaults, isCaseLike, parseCase } from './cases.ts';
import { Checker, type Obj } from './context.ts';
import { parseTables } from './family.ts';
import { type LoadProfile, validateLoadProfile } from './load-profile/validate.ts';
import type { CaseSpec, Level, MqttVersion, Problem, ScenarioFile } from './model.ts';
import { dedupeProblems, sortProblems } from './problems.ts';
import { duration } from './steps.ts';
import { FILE_KEYS, LEVELS } from './vocabulary.ts';
import { parseYamlText, readYamlFile, type YamlSource } from './yaml-source.ts';

export { formatProblems } from './problems.ts';
export { resolveVars, VarError } from './vars.ts';

interface LoadResult {
  conversations: ScenarioFile[];
  loadProfiles: LoadProfile[];
  problems: Problem[];
}

function folderVersion(file: string): MqttVersion | undefined {
  const dir = basename(dirname(file));
  const m = /^mqtt-(3\.1|3\.1\.1|5\.0)$/.exec(dir);
  return m ? (m[1] as MqttVersion) : undefined;
}

function isSuiteFile(file: string): boolean {
  const parts = file.split(/[\\/]/);
  return parts.includes('suites') && !parts.includes('profiles') && !parts.includes('baselines');
}

/** Parses one loaded YAML file (conversation or load profile). */
export function parseSource(src: YamlSource): {
  conversation?: ScenarioFile;
  loadProfile?: LoadProfile;
  problems: Problem[];
} {
  const ck = new Checker(src);
  ck.problems.push(...src.problems);
  if (src.problems.length > 0) return { problems: ck.problems };
  const v = src.value;
  if (v === null || v === undefined) {
    ck.problem([], 'file is empty', 'a scenario has id + steps, or cases: [...]');
    return { problems: ck.problems };
  }
  const root = ck.obj(v, [], 'a scenario file');
  if (!root) return { problems: ck.problems };
  if (root.kind === 'load') {
    const r = validateLoadProfile({ file: src.file, value: v, locate: (p) => src.locate(p) });
    return { ...(r.profile ? { loadProfile: r.profile } : {}), problems: [...ck.problems, ...r.problems] };
  }
  if (root.kind !== undefined && root.kind !== 'conversation') {
    ck.oneOf(root.kind, ['kind'], 'kind', ['conversation', 'load'] as const);
  }
  const single = root.cases === undefined && isCaseLike(root);
  if (!single) ck.unknownKeys(root, [], FILE_KEYS, 'file');
  if (!single && root.cases === undefined)
    ck.problem([], 'no cases', 'add cases: [...] (or id + steps for a single case)');
  const d: FileDefaults = {
    area: root.area === undefined ? undefined : ck.str(root.area, ['area'], 'area'),
    version: undefined,
    level: undefined,
    timeoutMs: undefined,
    inSuite: isSuiteFile(src.file),
    folderVersion: folderVersion(src.file),
    fragments: undefined,
  };
  if (!single) {
    if (root.version !== undefined) d.version = checkVersion(ck, root.version, ['version']);
    if (root.level !== undefined)
      d.level = ck.oneOf(root.level, ['level'], 'level', LEVELS) as Level | undefined;
    if (root.timeout !== undefined) d.timeoutMs = duration(ck, root.timeout, ['timeout'], 'timeout');
  }
  if (root.tables !== undefined) d.tables = parseTables(ck, root.tables);
  if (root.fragments !== undefined) {
    const f = ck.obj(root.fragments, ['fragments'], 'fragments');
    if (f) {
      for (const [name, body] of Object.entries(f))
        if (!Array.isArray(body))
          ck.problem(['fragments', name], `fragment '${name}' must be a list of steps`);
      d.fragments = f;
    }
  }
  const cases: CaseSpec[] = [];
  if (single) {
    cases.push(...parseCase(ck, root, [], d, ['kind', 'fragments']));
  } else if (root.cases !== undefined) {
    if (!Array.isArray(root.cases)) ck.problem(['cases'], 'cases must be a list of cases');
    else
      root.cases.forEach((c, i) => {
        cases.push(...parseCase(ck, c, ['cases', i], d));
      });
  }
  checkUnusedFragments(ck, d.fragments, root);
  return { conversation: { kind: 'conversation', file: src.file, cases }, problems: ck.problems };
}

/** A fragment no case uses is almost always a typo in a `use:`. */
function checkUnusedFragments(ck: Checker, fragments: Obj | undefined, root: Obj): void {
  if (!fragments) return;
  const used = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'use' && typeof x === 'string') used.add(x);
        else walk(x);
      }
    } else if (typeof v === 'string' && Object.hasOwn(fragments, v)) {
      used.add(v); // a table row naming a fragment for `use: "${row.field}"`
    }
  };
  walk(root);
  for (const name of Object.keys(fragments))
    if (!used.has(name)) ck.problem(['fragments', name], `fragment '${name}' is never used`, undefined, true);
}

/**
 * Loads scenario files (conversations and load profiles). Never throws for bad input: every
 * problem of every file is returned, each with file, line, column, field, message and hint.
 */
export async function loadFiles(
  paths: string[],
  _opts?: { profile?: Record<string, unknown> },
): Promise<LoadResult> {
  const conversations: ScenarioFile[] = [];
  const loadProfiles: LoadProfile[] = [];
  let problems: Problem[] = [];
  const firstSeen = new Map<string, CaseSpec>();
  for (const file of paths) {
    let r: ReturnType<typeof parseSource>;
    try {
      r = parseSource(readYamlFile(file));
    } catch (err) {
      // a checker bug must still end as a located problem, never as a stack trace
      const message = `internal error while checking this file: ${err instanceof Error ? err.message : String(err)}`;
      r = { problems: [{ file, line: 1, column: 1, field: '', message, hint: 'please report this' }] };
    }
    problems.push(...r.problems);
    if (r.loadProfile) loadProfiles.push(r.loadProfile);
    if (r.conversation) {
      conversations.push(r.conversation);
      // ids are unique per protocol version (suites/mqtt-3.1.1 and suites/mqtt-5.0 share case names)
      for (const c of r.conversation.cases) {
        const key = `${c.version} ${c.id}`;
        const prev = firstSeen.get(key);
        if (prev) {
          const site = caseIdSites.get(c) ?? { loc: c.loc, field: 'id' };
          problems.push({
            file: site.loc.file,
            line: site.loc.line,
            column: site.loc.column,
            field: site.field,
            message: `duplicate case id '${c.id}' (version ${c.version})`,
            hint: `first defined at ${prev.loc.file}:${prev.loc.line}; ids must be unique across all files per version`,
          });
        } else firstSeen.set(key, c);
      }
    }
  }
  problems = sortProblems(dedupeProblems(problems));
  return { conversations, loadProfiles, problems };
}

/** Like loadFiles for one in-memory document (embedded defaults, tests); `file` names it in problems. */
export function loadText(text: string, file: string): LoadResult {
  const r = parseSource(parseYamlText(text, file));
  return {
    conversations: r.conversation ? [r.conversation] : [],
    loadProfiles: r.loadProfile ? [r.loadProfile] : [],
    problems: sortProblems(dedupeProblems(r.problems)),
  };
}
