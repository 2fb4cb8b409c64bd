// `crucible conform <url>`: the bundled suites against one broker, graded per case and per statement.
import { EXIT, type ExitCode, UsageError } from '../../common/exit-codes.ts';
import { applyBaseline, type BaselineEntry, loadBaseline } from '../../conformance/baseline.ts';
import { BrokerUnreachableError, ProbeRefusedError } from '../../conformance/capabilities.ts';
import { type BrokerProfile, loadProfile } from '../../conformance/profile.ts';
import { type ConformanceRun, runConformance } from '../../conformance/runner.ts';
import { selectCases } from '../../conformance/select.ts';
import type { ReporterMux } from '../../report/index.ts';
import { finishDocument, newDocument } from '../../results/document.ts';
import type { CaseResult, ResultsDocument } from '../../results/model.ts';
import { formatProblems } from '../../scenario/index.ts';
import type { CaseSpec, Problem } from '../../scenario/model.ts';
import { parseBrokerUrl } from '../../transport/index.ts';
import {
  BROKER_RUN_FLAGS,
  boolFlag,
  durationFlag,
  intFlag,
  listFlag,
  type ParsedFlags,
  parseFlags,
  stringFlag,
  tlsFlags,
} from '../args.ts';
import { interruption, interruptSignal, untilInterrupted } from '../interrupt.ts';
import { type OutputPlan, planOutput, reportersFor, writeReports } from '../output.ts';
import { printBaselineComparison } from './conform-baseline-output.ts';
import { loadSuitesFlag, suiteVersionsFlag } from './suite-flags.ts';

const HELP = `usage: crucible conform <url> [options]

Runs the bundled MQTT 3.1, 3.1.1 and 5.0 suites against the broker at <url> (mqtt://, mqtts://, ws://, wss://).
3.1 (MQIsdp) cases run where the broker accepts a 3.1 CONNECT; elsewhere they are not applicable.

  --version 3.1.1,5.0     versions to run (default 3.1,3.1.1,5.0)
  --area connect,publish  spec areas to run (default all)
  --only <glob>           case id or statement id glob, repeatable (e.g. 'publish.*', 'MQTT-3.3.1-*')
  --level must|should|all which levels to run (default all)
  --profile <file>        what the broker is configured for (see suites/profiles/)
  --ws-url <url>          WebSocket endpoint of the same broker (enables the WebSocket cases)
  --baseline <dir|file>   expected deviations; exit 1 only when results move against it
  --reporter <names>      console,json,junit,markdown,html (default console; with --out: all of them)
  --out <dir>             where reports go, results.json always among them (default reports/latest when a
                          file reporter is chosen); --out - writes the results JSON to standard output
  --no-color              no colour (also: NO_COLOR=1)
  --concurrency <n>       cases in parallel (default 8)
  --repeat <n>            run every case n times; a case whose attempts differ is flaky and keeps
                          its worst attempt's outcome
  --timeout <dur>         default step deadline (default 2s)
  --label <name>          broker label in reports (default host:port)
  --suites <dir>          suites directory (default the bundled one)
  --ca/--cert/--key <file>, --insecure   TLS options
`;

const FLAGS = {
  ...BROKER_RUN_FLAGS,
  version: { type: 'string' },
  area: { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  level: { type: 'string' },
  baseline: { type: 'string' },
  suites: { type: 'string' },
} as const;

/** Everything a conformance run needs, read from the flags and files before anything connects. */
interface ConformPlan {
  url: URL;
  wsUrl: string | undefined;
  tls: ReturnType<typeof tlsFlags>;
  label: string;
  profile: BrokerProfile;
  baseline: { path: string; entries: BaselineEntry[] } | undefined;
  cases: CaseSpec[];
  concurrency: number;
  repeat: number;
  stepTimeoutMs: number | undefined;
  output: OutputPlan;
}

export async function run(argv: string[]): Promise<ExitCode> {
  const flags = parseFlags(argv, { ...FLAGS }, 'conform');
  if (boolFlag(flags, 'help')) {
    console.log(HELP);
    return EXIT.ok;
  }
  const plan = await planConform(flags);
  if (typeof plan === 'number') return plan;
  const reporters = reportersFor(plan.output);
  const doc = newDocument('conform', argv);
  const ran = await runCases(plan, reporters);
  if (typeof ran === 'number') return ran;
  return finishConform(plan, doc, ran, reporters);
}

/** The flags and files of a run; an exit code when a file has problems (printed with file:line). */
async function planConform(flags: ParsedFlags): Promise<ConformPlan | ExitCode> {
  if (flags.positionals.length !== 1) throw new UsageError(`conform takes exactly one broker URL\n\n${HELP}`);
  const url = parseBrokerUrl(flags.positionals[0] as string, '<url>');
  const wsText = stringFlag(flags, 'ws-url');
  const versions = suiteVersionsFlag(flags);
  const level = stringFlag(flags, 'level') ?? 'all';
  if (level !== 'must' && level !== 'should' && level !== 'all')
    throw new UsageError(`--level must be must, should or all, got '${level}'`);
  const concurrency = intFlag(flags, 'concurrency', 1, 256) ?? 8;
  const repeat = intFlag(flags, 'repeat', 1, 100) ?? 1;
  const stepTimeoutMs = durationFlag(flags, 'timeout');
  const output = planOutput(flags, { reporters: ['console'], outDir: 'reports/latest' });
  const profile = readFileFlag(flags, 'profile', loadProfile);
  if (typeof profile === 'number') return profile;
  const baseline = readFileFlag(flags, 'baseline', loadBaseline);
  if (typeof baseline === 'number') return baseline;
  const suites = await loadSuitesFlag(flags, versions);
  if (typeof suites === 'number') return suites;
  const cases = selectCases(suites, {
    versions,
    areas: listFlag(flags, 'area'),
    only: listFlag(flags, 'only'),
    level,
  });
  if (cases.length === 0)
    throw new UsageError('no suite case matches the selection (--version/--area/--only/--level)');
  const p = profile?.value.profile ?? {};
  const urls = (p.urls ?? {}) as Record<string, string>;
  return {
    url,
    wsUrl: wsText ? parseBrokerUrl(wsText, '--ws-url').toString() : urls.ws,
    tls: tlsFlags(flags),
    label: stringFlag(flags, 'label') ?? (typeof p.label === 'string' ? p.label : url.host),
    profile: p,
    baseline: baseline ? { path: baseline.file, entries: baseline.value.entries } : undefined,
    cases,
    concurrency,
    repeat,
    stepTimeoutMs,
    output,
  };
}

/** A file flag read with `load`: undefined when not given, EXIT.invalidInput when it has problems. */
function readFileFlag<T extends { problems: Problem[] }>(
  flags: ParsedFlags,
  name: string,
  load: (file: string) => T,
): { file: string; value: T } | undefined | ExitCode {
  const file = stringFlag(flags, name);
  if (!file) return undefined;
  const value = load(file);
  if (value.problems.length === 0) return { file, value };
  console.error(formatProblems(value.problems));
  return EXIT.invalidInput;
}

/** The cases against the broker; what finished when interrupted; an exit code when the broker is not there. */
async function runCases(
  plan: ConformPlan,
  reporters: ReporterMux,
): Promise<{ run: ConformanceRun | undefined; finished: CaseResult[] } | ExitCode> {
  // What finished, as it finishes: an interrupted run reports these.
  const finished: CaseResult[] = [];
  try {
    const run = await untilInterrupted(
      runConformance({
        brokerUrl: plan.url.toString(),
        wsUrl: plan.wsUrl,
        ...(plan.tls ? { tls: plan.tls } : {}),
        label: plan.label,
        profile: plan.profile,
        cases: plan.cases,
        concurrency: plan.concurrency,
        repeat: plan.repeat,
        probeTimeoutMs: 5000,
        stepTimeoutMs: plan.stepTimeoutMs,
        signal: interruptSignal(),
        onBegin: ({ total }) => reporters.onBegin({ command: 'conform', total }),
        onCaseEnd: (res) => {
          finished.push(res);
          reporters.onCaseEnd(res);
        },
      }),
    );
    return { run, finished };
  } catch (err) {
    if (interruption()) return { run: undefined, finished };
    if (err instanceof ProbeRefusedError) {
      console.error(`crucible: ${err.message}`);
      return EXIT.probeRefused;
    }
    if (err instanceof BrokerUnreachableError) {
      console.error(`crucible: ${err.message}`);
      return EXIT.brokerUnreachable;
    }
    throw err;
  }
}

/** The document of what ran (the baseline's judgement in it), every report, and the verdict's exit code. */
async function finishConform(
  plan: ConformPlan,
  doc: ResultsDocument,
  ran: { run: ConformanceRun | undefined; finished: CaseResult[] },
  reporters: ReporterMux,
): Promise<ExitCode> {
  const stop = interruption();
  if (stop) doc.run.interrupted = stop;
  const results = ran.run?.cases ?? ran.finished;
  doc.brokers.push(ran.run?.broker ?? { label: plan.label, url: plan.url.toString(), profile: plan.profile });
  doc.conformance = { cases: results, statements: [], summary: {} };
  // The baseline's judgement goes into the document, so every view and the exit code agree.
  const cmp = plan.baseline ? applyBaseline(results, plan.baseline.entries) : undefined;
  if (plan.baseline) doc.run.baseline = { source: plan.baseline.path, entries: plan.baseline.entries.length };
  finishDocument(doc);
  const { written, exitCode } = await writeReports(reporters, doc);
  const human = plan.output.human;
  if (written.length) human.write(`reports: ${written.join(', ')}\n`);
  if (stop) {
    console.error(
      `crucible: interrupted by ${stop.signal}: the reports cover the ${results.length} of ${plan.cases.length} cases that finished`,
    );
  } else if (cmp) printBaselineComparison(cmp, human, !plan.output.reporters.includes('console'));
  return exitCode;
}
