// `crucible coverage`: which normative statements the suites cover, per version.
import { resolve } from 'node:path';
import { EXIT, UsageError } from '../../common/exit-codes.ts';
import {
  computeCoverage,
  formatCoverageMarkdown,
  formatCoverageText,
  meetsTargets,
} from '../../conformance/coverage.ts';
import { loadSuites, SUITE_VERSIONS, SUITES_DIR } from '../../conformance/suites.ts';
import type { MqttVersion } from '../../results/model.ts';
import { formatProblems } from '../../scenario/index.ts';
import { boolFlag, listFlag, parseFlags, stringFlag } from '../args.ts';

const HELP = `usage: crucible coverage [--version 3.1,3.1.1,5.0] [--format text|markdown|json] [--suites dir] [--check]

Lists, per version, how many normative statements a server can be tested for (testable yes / partial)
the suites cite, and every uncovered one. MQTT 3.1 is measured against the 3.1.1 statements it also states
(suites/mqtt-3.1/README.md). --check exits 2 when below the targets (100% yes, 90% partial).`;

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      version: { type: 'string' },
      format: { type: 'string' },
      suites: { type: 'string' },
      check: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'coverage',
  );
  if (boolFlag(flags, 'help')) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (flags.positionals.length)
    throw new UsageError(`coverage takes no arguments, got '${flags.positionals[0]}'`);
  const versions = (
    listFlag(flags, 'version').length ? listFlag(flags, 'version') : [...SUITE_VERSIONS]
  ) as MqttVersion[];
  for (const v of versions) {
    if (!SUITE_VERSIONS.includes(v))
      throw new UsageError(`--version must be one of ${SUITE_VERSIONS.join(', ')}, got '${v}'`);
  }
  const format = stringFlag(flags, 'format') ?? 'text';
  if (!['text', 'markdown', 'json'].includes(format))
    throw new UsageError(`--format must be text, markdown or json, got '${format}'`);
  const dir = stringFlag(flags, 'suites');
  const { cases, problems } = await loadSuites(dir ? resolve(dir) : SUITES_DIR, versions);
  if (problems.length) {
    console.error(formatProblems(problems));
    return EXIT.invalidInput;
  }
  const coverage = computeCoverage(cases, versions);
  if (format === 'json') console.log(JSON.stringify(coverage, null, 2));
  else console.log(format === 'markdown' ? formatCoverageMarkdown(coverage) : formatCoverageText(coverage));
  return boolFlag(flags, 'check') && !coverage.every(meetsTargets) ? EXIT.thresholdFailure : EXIT.ok;
}
