// `crucible coverage`: which normative statements the suites cover, per version.
import { EXIT, type ExitCode, UsageError } from '../../common/exit-codes.ts';
import {
  computeCoverage,
  formatCoverageMarkdown,
  formatCoverageText,
  meetsTargets,
} from '../../conformance/coverage.ts';
import { boolFlag, parseFlags, stringFlag } from '../args.ts';
import { loadSuitesFlag, suiteVersionsFlag } from './suite-flags.ts';

const HELP = `usage: crucible coverage [--version 3.1,3.1.1,5.0] [--format text|markdown|json] [--suites dir] [--check]

Lists, per version, how many normative statements a server can be tested for (testable yes / partial)
the suites cite, and every uncovered one. MQTT 3.1 is measured against the 3.1.1 statements it also states
(suites/mqtt-3.1/README.md). --check exits 2 when below the targets (100% yes, 90% partial).`;

export async function run(argv: string[]): Promise<ExitCode> {
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
  const versions = suiteVersionsFlag(flags);
  const format = stringFlag(flags, 'format') ?? 'text';
  if (!['text', 'markdown', 'json'].includes(format))
    throw new UsageError(`--format must be text, markdown or json, got '${format}'`);
  const cases = await loadSuitesFlag(flags, versions);
  if (typeof cases === 'number') return cases;
  const coverage = computeCoverage(cases, versions);
  if (format === 'json') console.log(JSON.stringify(coverage, null, 2));
  else console.log(format === 'markdown' ? formatCoverageMarkdown(coverage) : formatCoverageText(coverage));
  // Not a results document: the one decision here is whether the suites meet the coverage targets.
  return boolFlag(flags, 'check') && !coverage.every(meetsTargets) ? EXIT.thresholdFailure : EXIT.ok;
}
