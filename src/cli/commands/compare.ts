// `crucible compare <baseline.json> <current.json>`: regression verdict for CI. Exit 2 on a new
// conformance failure or a latency / throughput / loss regression beyond --tolerance, 0 otherwise, 3 when
// an input file is unusable, and 10-13 when the two runs cannot be compared (`compareVerdictOf` in
// report/verdict.ts maps each reason of report/comparable.ts, and a regression, to its exit code).
import { writeFile } from 'node:fs/promises';
import { EXIT, type ExitCode, UsageError } from '../../common/exit-codes.ts';
import { defaultColor, makeStyle } from '../../report/ansi.ts';
import { checkComparable } from '../../report/comparable.ts';
import { compareDocuments, DEFAULT_COMPARE, DEFAULT_METRICS, parseTolerance } from '../../report/compare.ts';
import { comparisonLines, comparisonMarkdown, incomparableMarkdown } from '../../report/compare-text.ts';
import { readResultsFile } from '../../report/read.ts';
import { compareVerdictOf } from '../../report/verdict.ts';
import { boolFlag, durationFlag, listFlag, parseFlags, stringFlag } from '../args.ts';

const HELP = `usage: crucible compare <baseline.json> <current.json> [options]

Reports conformance cases that passed (or were non-strict / not applicable) in the baseline and fail
or error now, per broker, MQTT version and case id; and for every load result (same profile id and
broker) the broker's figures: delivery latency percentiles that grew by more than the tolerance,
delivered throughput that dropped by more than it, and a lost share that grew by more than it.

  --tolerance <pct>     allowed relative change, e.g. 10% (default 10%)
  --stats p50,p99       latency percentiles compared (any of p50,p90,p99,p999; default p50,p99)
  --metrics <names>     latency histograms compared (default deliver.intended; others: deliver.actual,
                        puback, pubcomp, connack, suback, sendLag — sendLag is the generator's own delay)
  --min-delta <dur>     ignore latency increases smaller than this, e.g. 0.2ms (default 0)
  --markdown <file>     also write the comparison as Markdown (e.g. $GITHUB_STEP_SUMMARY)
  --no-color            plain output

Runs that cannot be compared are refused before any verdict:
  10  cases of the baseline are missing from the current run
  11  a load result of the baseline is missing from the current run
  12  a run was interrupted, or its load generator was saturated
  13  the runs selected different MQTT versions or profiles

Exit code: 0 no regression, 2 regression, 3 unusable input file, 10-13 as above.
`;

export async function run(argv: string[]): Promise<ExitCode> {
  const flags = parseFlags(
    argv,
    {
      tolerance: { type: 'string' },
      stats: { type: 'string' },
      'min-delta': { type: 'string' },
      metrics: { type: 'string' },
      markdown: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'compare',
  );
  if (boolFlag(flags, 'help')) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (flags.positionals.length !== 2) {
    throw new UsageError(`compare takes two files: <baseline.json> <current.json>\n\n${HELP}`);
  }
  const tolText = stringFlag(flags, 'tolerance');
  const tolerance = tolText === undefined ? DEFAULT_COMPARE.tolerance : parseTolerance(tolText);
  if (tolerance === undefined)
    throw new UsageError(`--tolerance must be a percentage like 10% or 2.5%, got '${tolText}'`);
  const stats = listFlag(flags, 'stats');
  for (const s of stats) {
    if (!['p50', 'p90', 'p99', 'p999'].includes(s))
      throw new UsageError(`--stats takes p50, p90, p99 or p999, got '${s}'`);
  }
  const [basePath, curPath] = flags.positionals as [string, string];
  const metrics = listFlag(flags, 'metrics');
  const base = await readResultsFile(basePath);
  const cur = await readResultsFile(curPath);
  const md = stringFlag(flags, 'markdown');
  const no = checkComparable(base, cur);
  if (no) {
    const code = compareVerdictOf({ incomparable: no });
    console.error(`crucible: cannot compare ${basePath} with ${curPath}: ${no.message}`);
    for (const d of no.details) console.error(`  - ${d}`);
    console.error(`(exit ${code}; see docs/exit-codes.md)`);
    if (md) await writeFile(md, incomparableMarkdown(no, code), { encoding: 'utf8', flag: 'a' });
    return code;
  }
  const cmp = compareDocuments(base, cur, {
    tolerance,
    minDeltaMs: durationFlag(flags, 'min-delta') ?? 0,
    stats: (stats.length ? stats : DEFAULT_COMPARE.stats) as typeof DEFAULT_COMPARE.stats,
    metrics: metrics.length ? metrics : [...DEFAULT_METRICS],
  });
  const st = makeStyle(defaultColor(process.stdout));
  console.log(`baseline ${basePath} (run ${base.run.id}) vs current ${curPath} (run ${cur.run.id})\n`);
  console.log(comparisonLines(cmp, tolerance, st).join('\n'));
  if (md) await writeFile(md, comparisonMarkdown(cmp, tolerance), { encoding: 'utf8', flag: 'a' });
  return compareVerdictOf({ comparison: cmp });
}
