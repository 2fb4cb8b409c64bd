// The suite flags `conform` and `coverage` share: `--version` (which suite versions) and `--suites` (which
// suites directory), read and loaded the same way by both.
import { resolve } from 'node:path';
import { EXIT, type ExitCode, UsageError } from '../../common/exit-codes.ts';
import { loadSuites, SUITE_VERSIONS, SUITES_DIR } from '../../conformance/suites.ts';
import type { MqttVersion } from '../../results/model.ts';
import { formatProblems } from '../../scenario/index.ts';
import type { CaseSpec } from '../../scenario/model.ts';
import { listFlag, type ParsedFlags, stringFlag } from '../args.ts';

/** `--version 3.1.1,5.0` (default: every suite version); an unknown version is a UsageError. */
export function suiteVersionsFlag(flags: ParsedFlags): MqttVersion[] {
  const given = listFlag(flags, 'version');
  const versions = (given.length ? given : [...SUITE_VERSIONS]) as MqttVersion[];
  for (const v of versions) {
    if (!SUITE_VERSIONS.includes(v))
      throw new UsageError(`--version must be one of ${SUITE_VERSIONS.join(', ')}, got '${v}'`);
  }
  return versions;
}

/**
 * The cases of the `--suites` directory (default the bundled one) for these versions. Problems are printed
 * (file:line) and give the exit code instead: 3 for a directory the user named, 5 for the bundled suites
 * (a broken bundled suite is a harness error).
 */
export async function loadSuitesFlag(
  flags: ParsedFlags,
  versions: readonly MqttVersion[],
): Promise<CaseSpec[] | ExitCode> {
  const dir = stringFlag(flags, 'suites');
  const { cases, problems } = await loadSuites(dir ? resolve(dir) : SUITES_DIR, versions);
  if (problems.length === 0) return cases;
  console.error(formatProblems(problems));
  return dir ? EXIT.invalidInput : EXIT.harnessError;
}
