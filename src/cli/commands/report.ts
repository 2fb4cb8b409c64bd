// `crucible report <results.json...>`: re-render one results document, or merge several (shards of a
// run, runs against several brokers) into one, and write html, junit, markdown and json views.

import { EXIT, type ExitCode, UsageError } from '../../common/exit-codes.ts';
import { defaultColor, makeStyle } from '../../report/ansi.ts';
import { renderConsoleSummary } from '../../report/console.ts';
import { MergeRefused, mergeDocuments } from '../../report/merge.ts';
import { readResultsFile } from '../../report/read.ts';
import type { ResultsDocument } from '../../results/model.ts';
import { boolFlag, parseFlags } from '../args.ts';
import { planOutput, reportersFor, writeReports } from '../output.ts';

const HELP = `usage: crucible report <results.json...> [options]

Re-renders results files; several files (shards of one run, or runs against different brokers or
MQTT versions) are merged into one report. A case is (broker, version, id): cases are concatenated;
load results of the same profile and broker are merged exactly (HDR histograms added) and thresholds
re-evaluated when they are shards of one run (--shard i/N). Separate runs of the same cases or the
same load profile on the same broker, or one file given twice, are refused (exit 3).

  --out <dir>           where to write (default reports/merged); --out - writes the merged JSON to
                        standard output
  --reporter <names>    any of html,junit,markdown,json,console (default html,junit,markdown,json;
                        with --out <dir> and no --reporter: all of them)
  --no-color            no colour (also: NO_COLOR=1)
  --quiet               do not print the summary

Exit code: 0 all good, 1 a conformance failure, 2 a failed threshold, 3 unreadable input file or
files that cannot be merged, 7 a report could not be written, 130/143 an interrupted run.
`;

export async function run(argv: string[]): Promise<ExitCode> {
  const flags = parseFlags(
    argv,
    {
      out: { type: 'string' },
      reporter: { type: 'string', multiple: true },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'report',
  );
  if (boolFlag(flags, 'help')) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (flags.positionals.length === 0)
    throw new UsageError(`report needs at least one results.json file\n\n${HELP}`);
  const docs = [];
  for (const file of flags.positionals) docs.push(await readResultsFile(file));
  let doc: ResultsDocument;
  try {
    doc = mergeDocuments(docs, flags.positionals);
  } catch (err) {
    if (err instanceof MergeRefused) throw new UsageError(`cannot merge: ${err.message}`);
    throw err;
  }
  const output = planOutput(flags, {
    reporters: ['html', 'junit', 'markdown', 'json'],
    outDir: 'reports/merged',
  });
  const reporters = reportersFor(output);
  const { verdict: v, written, exitCode } = await writeReports(reporters, doc);
  if (!boolFlag(flags, 'quiet')) {
    const say = (line: string) => output.human.write(`${line}\n`);
    if (!reporters.has('console')) {
      const st = makeStyle(defaultColor(output.human));
      say(renderConsoleSummary(doc, st).join('\n').replace(/^\n+/, ''));
    }
    if (docs.length > 1) say(`\nmerged ${docs.length} files (${doc.brokers.length} broker(s))`);
    say(`${v.headline}`);
    for (const f of written) say(`wrote ${f}`);
  }
  return exitCode;
}
