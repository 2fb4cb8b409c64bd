// `crucible run <files...> --broker <url>`: conversations through the engine (graded, reported), load
// profiles through the load path (run-load.ts). Exit (docs/exit-codes.md): the verdict of the document
// (1 a case failed or errored, 2 a load threshold failed, 130/143 interrupted, else 0), combined by the
// one precedence rule with 3 invalid input, 4 broker unreachable, 5 a load worker failed, 7 a report failed.

import { decideExit, EXIT, type ExitCode, UsageError } from '../../common/exit-codes.ts';
import {
  BrokerUnreachableError,
  type Capabilities,
  DEFAULT_CAPABILITIES,
  detectCapabilities,
} from '../../conformance/capabilities.ts';
import { mapPool } from '../../conformance/pool.ts';
import { loadProfile } from '../../conformance/profile.ts';
import { type CaseTarget, runOneCase } from '../../conformance/run-one.ts';
import type { ReporterMux } from '../../report/index.ts';
import { finishDocument, newDocument } from '../../results/document.ts';
import type { CaseResult, LoadResult, ResultsDocument } from '../../results/model.ts';
import { formatProblems, loadFiles } from '../../scenario/index.ts';
import type { LoadProfile } from '../../scenario/load-profile/model.ts';
import type { CaseSpec, Problem } from '../../scenario/model.ts';
import { parseBrokerUrl } from '../../transport/index.ts';
import {
  BROKER_RUN_FLAGS,
  boolFlag,
  durationFlag,
  intFlag,
  type ParsedFlags,
  parseFlags,
  stringFlag,
  tlsFlags,
} from '../args.ts';
import { interruption, interruptSignal, untilInterrupted } from '../interrupt.ts';
import { type OutputPlan, planOutput, reportersFor, writeReports } from '../output.ts';
import {
  LOAD_FLAGS,
  LOAD_INTERRUPT_GRACE_MS,
  type LoadCliFlags,
  loadFlags,
  runLoadFromCli,
} from './run-load.ts';
import { expandFiles } from './validate.ts';

const HELP = `usage: crucible run <file.yaml | dir>... --broker <url> [options]

Runs scenario files against a broker: conversations (cases of steps) and load profiles (kind: load).

  --broker <url>          mqtt://host:1883, mqtts://, ws://host:8080/mqtt, wss:// (required)
  --ws-url <url>          WebSocket endpoint of the same broker (for clients with transport: ws)
  --concurrency <n>       conversation cases in parallel (default 4)
  --repeat <n>            run every case n times; a case whose attempts differ is flaky and keeps
                          its worst attempt's outcome
  --reporter <names>      console,json,junit,markdown,html (default console; with --out: all of them)
  --out <dir>             write reports there, results.json always among them (default reports/latest for
                          file reporters); --out - writes the results JSON to standard output
  --no-color              no colour (also: NO_COLOR=1)
  --timeout <dur>         default step deadline, e.g. 2s (default: the file's timeout, else 2s)
  --var k=v               set a variable (repeatable); numbers and true/false keep their type
  --profile <file>        what the broker is configured for (\${profile.X}, requires: { profile: ... })
  --label <name>          broker label in reports (default host:port)
  --ca/--cert/--key <file>, --insecure   TLS options
Load profiles: --clients N --rate N --duration D --workers N --shard i/N --start-at <ms epoch>

Exit codes: 0 ok, 1 a case failed or errored, 2 a load threshold failed, 3 invalid input, 4 broker unreachable.`;

function parseVars(flags: ParsedFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const raw = flags.values.var;
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var must be name=value, got '${item}'`);
    const name = item.slice(0, eq);
    const text = item.slice(eq + 1);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name))
      throw new UsageError(`--var: '${name}' is not a variable name`);
    out[name] =
      text === 'true' ? true : text === 'false' ? false : /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  }
  return out;
}

/** Does any case need what the broker announces (requirements or `${cap.X}`)? */
function needsCapabilities(cases: CaseSpec[]): boolean {
  return cases.some((c) => Object.keys(c.requires).length > 0 || JSON.stringify(c.steps).includes('${cap.'));
}

interface ConversationRun {
  cases: CaseResult[];
  unreachable: number;
  unreachableReason: string | undefined;
}

async function runConversations(
  cases: CaseSpec[],
  o: CaseTarget & { concurrency: number; reporters: ReporterMux },
): Promise<ConversationRun> {
  let unreachable = 0;
  let unreachableReason: string | undefined;
  const results = await mapPool(cases, o.concurrency, async (spec): Promise<CaseResult | undefined> => {
    // Interrupted: cases not started and cases cut short are not results.
    if (o.signal?.aborted) return undefined;
    const run = await runOneCase(spec, o);
    if (o.signal?.aborted && run.result.reason?.startsWith('interrupted')) return undefined;
    if (run.unreachable) {
      unreachable++;
      unreachableReason ??= run.result.reason;
    }
    o.reporters.onCaseEnd(run.result);
    return run.result;
  });
  return { cases: results.filter((c) => c !== undefined), unreachable, unreachableReason };
}

const FLAGS = {
  ...BROKER_RUN_FLAGS,
  broker: { type: 'string' },
  var: { type: 'string', multiple: true },
} as const;

/** Everything a run needs, read from the flags and files before anything connects. */
interface RunPlan {
  brokerUrl: string;
  wsUrl: string | undefined;
  label: string;
  tls: ReturnType<typeof tlsFlags>;
  vars: Record<string, unknown>;
  profile: Record<string, unknown>;
  concurrency: number;
  repeat: number;
  timeoutMs: number | undefined;
  output: OutputPlan;
  load: LoadCliFlags;
  cases: CaseSpec[];
  loadProfiles: LoadProfile[];
}

export async function run(argv: string[]): Promise<ExitCode> {
  const flags = parseFlags(argv, { ...FLAGS, ...LOAD_FLAGS }, 'run');
  if (boolFlag(flags, 'help')) {
    console.log(HELP);
    return EXIT.ok;
  }
  const plan = await planRun(flags);
  if (typeof plan === 'number') return plan;
  const reporters = reportersFor(plan.output);
  const doc = newDocument('run', argv);
  doc.brokers.push({ label: plan.label, url: plan.brokerUrl });
  // Situations outside the document (broker unreachable, a load worker failed); the verdict adds the rest.
  let situation: ExitCode | undefined;
  if (plan.cases.length > 0) {
    situation = await conversations(plan, doc, reporters);
    if (situation === EXIT.brokerUnreachable) return situation;
  }
  if (plan.loadProfiles.length > 0 && !interruption())
    situation = decideExit(situation, await loadRuns(plan, doc));
  const stop = interruption();
  if (stop) doc.run.interrupted = stop;
  finishDocument(doc);
  const { written, exitCode } = await writeReports(reporters, doc);
  if (written.length > 0) plan.output.human.write(`reports: ${written.join(', ')}\n`);
  if (stop) {
    const what = [
      plan.cases.length ? `${doc.scenarios?.length ?? 0} of ${plan.cases.length} cases` : '',
      doc.load ? `${doc.load.length} load result(s), partial` : '',
    ].filter(Boolean);
    console.error(`crucible: interrupted by ${stop.signal}: the reports cover ${what.join(' and ')}`);
  }
  return decideExit(exitCode, situation);
}

/** The flags and files of a run; EXIT.invalidInput when a file has problems (every one printed). */
async function planRun(flags: ParsedFlags): Promise<RunPlan | ExitCode> {
  if (flags.positionals.length === 0)
    throw new UsageError(`run: give scenario files or directories\n\n${HELP}`);
  const brokerText = stringFlag(flags, 'broker');
  if (!brokerText)
    throw new UsageError('run: --broker <url> is required (e.g. --broker mqtt://127.0.0.1:1883)');
  const url = parseBrokerUrl(brokerText, '--broker');
  const brokerUrl = brokerText.includes('://') ? brokerText : url.toString();
  const concurrency = intFlag(flags, 'concurrency', 1, 256) ?? 4;
  const repeat = intFlag(flags, 'repeat', 1, 100) ?? 1;
  const timeoutMs = durationFlag(flags, 'timeout');
  const vars = parseVars(flags);
  const tls = tlsFlags(flags);
  const output = planOutput(flags, { reporters: ['console'], outDir: 'reports/latest' });
  const load = loadFlags(flags, brokerUrl);

  let profile: Record<string, unknown> = {};
  const profileFile = stringFlag(flags, 'profile');
  const problems: Problem[] = [];
  if (profileFile) {
    const loaded = loadProfile(profileFile);
    problems.push(...loaded.problems);
    profile = loaded.profile;
  }
  const urls = (profile.urls ?? {}) as Record<string, string>;
  const wsText = stringFlag(flags, 'ws-url');
  const wsUrl = wsText ? parseBrokerUrl(wsText, '--ws-url').toString() : urls.ws;

  const { files, problems: fileProblems } = expandFiles(flags.positionals);
  problems.push(...fileProblems);
  const loaded = await loadFiles(files, { profile });
  problems.push(...loaded.problems);
  if (problems.length > 0) {
    console.error(formatProblems(problems));
    console.error(`crucible: ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was run`);
    return EXIT.invalidInput;
  }
  const cases = loaded.conversations.flatMap((f) => f.cases);
  const label = stringFlag(flags, 'label') ?? url.host;
  const { loadProfiles } = loaded;
  return {
    brokerUrl,
    wsUrl,
    label,
    tls,
    vars,
    profile,
    concurrency,
    repeat,
    timeoutMs,
    output,
    load,
    cases,
    loadProfiles,
  };
}

/**
 * The conversation cases, into `doc.scenarios`. EXIT.brokerUnreachable when the broker is not there: before
 * any case (capability detection; nothing is reported) or for every case that ran (reported, then 4).
 */
async function conversations(
  plan: RunPlan,
  doc: ResultsDocument,
  reporters: ReporterMux,
): Promise<ExitCode | undefined> {
  const { brokerUrl, wsUrl, tls, profile } = plan;
  let caps: Capabilities = { ...DEFAULT_CAPABILITIES, ws: wsUrl !== undefined || /^wss?:/i.test(brokerUrl) };
  if (needsCapabilities(plan.cases)) {
    try {
      const auth = profile.auth as { username?: string; password?: string } | undefined;
      caps = await detectCapabilities({ brokerUrl, wsUrl, timeoutMs: 5000, auth, ...(tls ? { tls } : {}) });
    } catch (err) {
      if (err instanceof BrokerUnreachableError) {
        console.error(`crucible: broker unreachable: ${err.message}`);
        return EXIT.brokerUnreachable;
      }
      throw err;
    }
    (doc.brokers[0] as { capabilities?: Record<string, unknown> }).capabilities = { ...caps };
  }
  reporters.onBegin({ command: 'run', total: plan.cases.length });
  // SIGINT/SIGTERM: cases in flight end at once (their sockets closed), the rest are not started.
  const conv = await runConversations(plan.cases, {
    signal: interruptSignal(),
    brokerUrl,
    wsUrl,
    tls,
    label: plan.label,
    vars: plan.vars,
    profile,
    caps,
    concurrency: plan.concurrency,
    stepTimeoutMs: plan.timeoutMs,
    repeat: plan.repeat,
    reporters,
  });
  doc.scenarios = conv.cases;
  const ran = conv.cases.filter((c) => c.outcome !== 'not-applicable').length;
  if (ran > 0 && conv.unreachable === ran && !interruption()) {
    finishDocument(doc);
    await reporters.onEnd(doc);
    console.error(
      `crucible: broker unreachable at ${brokerUrl}: ${conv.unreachableReason ?? 'no case could connect'}`,
    );
    return EXIT.brokerUnreachable;
  }
  return undefined;
}

/** The load profiles, into `doc.load` (what finished when interrupted); 4 or 5 when the load path says so. */
async function loadRuns(plan: RunPlan, doc: ResultsDocument): Promise<ExitCode | undefined> {
  const done: LoadResult[] = [];
  const r = await untilInterrupted(
    runLoadFromCli(
      plan.loadProfiles,
      { ...plan.load, brokerLabel: plan.label },
      { out: plan.output.human, signal: interruptSignal(), onResult: (x) => done.push(x) },
    ),
    LOAD_INTERRUPT_GRACE_MS,
  );
  doc.load = r?.results ?? done;
  if (plan.load.shard) doc.run.shard = plan.load.shard;
  // Its 2 is `verdictOf` of these same load results, so it agrees with the document's verdict; what it
  // adds is what the document cannot say (4 no client could connect, 5 a load worker failed).
  return r?.exitCode;
}
