// `crucible validate <files or dirs...>`: checks scenario files without running them.
// Exit 0 when every file is valid, 3 (invalid input) listing every problem with file:line:col.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, type ExitCode, UsageError } from '../../common/exit-codes.ts';
import { formatProblems, loadFiles } from '../../scenario/index.ts';
import type { Problem } from '../../scenario/model.ts';
import { boolFlag, parseFlags, stringFlag } from '../args.ts';

const HELP = `usage: crucible validate <file.yaml | dir>... [options]

Checks scenario files (conversations and load profiles) without running them and lists every
problem as file:line:col: field: message (hint). Directories are searched recursively for
*.yaml / *.yml; folders named 'profiles' (broker profiles) and 'baselines' (expected deviations)
hold other YAML and are skipped.

  --format text|json   output format (default text)
  --quiet              print only problems, no summary line
  -h, --help           this help

Exit codes: 0 all valid, 3 problems found (or a file does not exist).`;

/** Folders of suites/ that hold other YAML: broker profiles and conformance baselines. */
const NOT_SCENARIOS = new Set(['profiles', 'baselines']);

/** Every *.yaml / *.yml under dir, sorted; skips dot folders, node_modules and broker-profile folders. */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (!NOT_SCENARIOS.has(name)) walk(p);
      } else if (/\.ya?ml$/i.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function run(argv: string[]): Promise<ExitCode> {
  const flags = parseFlags(
    argv,
    { help: { type: 'boolean', short: 'h' }, format: { type: 'string' }, quiet: { type: 'boolean' } },
    'validate',
  );
  if (boolFlag(flags, 'help')) {
    console.log(HELP);
    return EXIT.ok;
  }
  const format = stringFlag(flags, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json, got '${format}'`);
  if (flags.positionals.length === 0) {
    throw new UsageError(
      'validate: give scenario files or directories, e.g. crucible validate suites/ scenarios/',
    );
  }
  const { files: unique, problems: missing } = expandFiles(flags.positionals);
  const result = await loadFiles(unique);
  const problems = [...missing, ...result.problems];
  const cases = result.conversations.reduce((n, f) => n + f.cases.length, 0);
  if (format === 'json') {
    console.log(
      JSON.stringify(
        {
          ok: problems.length === 0,
          files: unique.length,
          cases,
          loadProfiles: result.loadProfiles.length,
          problems,
        },
        null,
        2,
      ),
    );
    return problems.length === 0 ? EXIT.ok : EXIT.invalidInput;
  }
  const profiles =
    result.loadProfiles.length > 0 ? `, ${plural(result.loadProfiles.length, 'load profile')}` : '';
  if (problems.length === 0) {
    if (!boolFlag(flags, 'quiet'))
      console.log(`${plural(unique.length, 'file')}, ${plural(cases, 'case')}${profiles}: ok`);
    return EXIT.ok;
  }
  console.log(formatProblems(problems));
  if (!boolFlag(flags, 'quiet')) {
    const bad = new Set(problems.map((p) => p.file)).size;
    console.log(
      `${plural(problems.length, 'problem')} in ${plural(bad, 'file')} (${plural(unique.length, 'file')} checked)`,
    );
  }
  return EXIT.invalidInput;
}

/** Files named on the command line (directories searched for *.yaml); missing ones are problems. */
export function expandFiles(args: string[]): { files: string[]; problems: Problem[] } {
  const files: string[] = [];
  const problems: Problem[] = [];
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      problems.push({ file: arg, line: 1, column: 1, field: '', message: 'no such file or directory' });
      continue;
    }
    if (isDir) {
      const found = yamlFilesUnder(arg);
      if (found.length === 0) {
        problems.push({
          file: arg,
          line: 1,
          column: 1,
          field: '',
          message: 'directory holds no .yaml/.yml files',
        });
      }
      files.push(...found);
    } else files.push(arg);
  }
  return { files: [...new Set(files)], problems };
}
