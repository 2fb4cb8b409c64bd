// `crucible run <files...> --broker <url>`: conversations through the engine (graded, reported), load
// profiles through the load path (run-load.ts). Exit: 3 invalid input, 4 broker unreachable, 1 a case
// failed or errored, 2 a load threshold failed, 0 otherwise.

import { EXIT, UsageError } from '../../common/exit-codes.ts';
import {
  BrokerUnreachableError,
  type Capabilities,
  DEFAULT_CAPABILITIES,
  detectCapabilities,
} from '../../conformance/capabilities.ts';
import { mapPool } from '../../conformance/pool.ts';
import { loadProfile } from '../../conformance/profile.ts';
import { type CaseTarget, runOneCase } from '../../conformance/run-one.ts';
import { createReporters, type Reporter } from '../../report/index.ts';
import { finishDocument, newDocument } from '../../results/document.ts';
import { gates } from '../../results/grade.ts';
import type { CaseResult, LoadResult } from '../../results/model.ts';
import { formatProblems, loadFiles } from '../../scenario/index.ts';
import type { CaseSpec, Problem } from '../../scenario/model.ts';
import { parseBrokerUrl } from '../../transport/index.ts';
import {
  boolFlag,
  durationFlag,
  intFlag,
  type ParsedFlags,
  parseFlags,
  stringFlag,
  tlsFlags,
} from '../args.ts';
import { exitCodeFor, interruption, interruptSignal, untilInterrupted } from '../interrupt.ts';
import { checkOutDir, planOutput } from '../output.ts';
import { LOAD_FLAGS, LOAD_INTERRUPT_GRACE_MS, loadFlags, runLoadFromCli } from './run-load.ts';
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
  o: CaseTarget & { concurrency: number; reporters: Reporter[] },
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
    for (const r of o.reporters) r.onCaseEnd?.(run.result);
    return run.result;
  });
  return { cases: results.filter((c) => c !== undefined), unreachable, unreachableReason };
}

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      broker: { type: 'string' },
      'ws-url': { type: 'string' },
      concurrency: { type: 'string' },
      repeat: { type: 'string' },
      reporter: { type: 'string', multiple: true },
      out: { type: 'string' },
      timeout: { type: 'string' },
      var: { type: 'string', multiple: true },
      profile: { type: 'string' },
      label: { type: 'string' },
      ca: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      insecure: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...LOAD_FLAGS,
    },
    'run',
  );
  if (boolFlag(flags, 'help')) {
    console.log(HELP);
    return EXIT.ok;
  }
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
  if (!output.jsonToStdout && output.reporters.some((r) => r !== 'console')) checkOutDir(output.outDir);
  const reporters = createReporters(output.reporters, {
    outDir: output.outDir,
    out: output.human,
    ...(output.jsonToStdout ? { jsonStream: process.stdout } : {}),
  });
  const label = stringFlag(flags, 'label') ?? url.host;
  const doc = newDocument('run', argv);
  doc.brokers.push({ label, url: brokerUrl });

  let code: number = EXIT.ok;
  if (cases.length > 0) {
    let caps: Capabilities = {
      ...DEFAULT_CAPABILITIES,
      ws: wsUrl !== undefined || /^wss?:/i.test(brokerUrl),
    };
    if (needsCapabilities(cases)) {
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
    for (const r of reporters) r.onBegin?.({ command: 'run', total: cases.length });
    // SIGINT/SIGTERM: cases in flight end at once (their sockets closed), the rest are not started.
    const conv = await runConversations(cases, {
      signal: interruptSignal(),
      brokerUrl,
      wsUrl,
      tls,
      label,
      vars,
      profile,
      caps,
      concurrency,
      stepTimeoutMs: timeoutMs,
      repeat,
      reporters,
    });
    doc.scenarios = conv.cases;
    const ran = conv.cases.filter((c) => c.outcome !== 'not-applicable').length;
    if (ran > 0 && conv.unreachable === ran && !interruption()) {
      finishDocument(doc);
      for (const r of reporters) await r.onEnd(doc);
      console.error(
        `crucible: broker unreachable at ${brokerUrl}: ${conv.unreachableReason ?? 'no case could connect'}`,
      );
      return EXIT.brokerUnreachable;
    }
    if (conv.cases.some(gates)) code = EXIT.conformanceFailure;
  }
  if (loaded.loadProfiles.length > 0 && !interruption()) {
    const done: LoadResult[] = [];
    const r = await untilInterrupted(
      runLoadFromCli(
        loaded.loadProfiles,
        { ...load, brokerLabel: label },
        { out: output.human, signal: interruptSignal(), onResult: (x) => done.push(x) },
      ),
      LOAD_INTERRUPT_GRACE_MS,
    );
    doc.load = r?.results ?? done;
    if (load.shard) doc.run.shard = load.shard;
    if (r && code === EXIT.ok) code = r.exitCode;
    else if (r?.exitCode === EXIT.brokerUnreachable) code = r.exitCode;
  }
  const stop = interruption();
  if (stop) doc.run.interrupted = stop;
  finishDocument(doc);
  const written: string[] = [];
  for (const r of reporters) written.push(...(await r.onEnd(doc)));
  if (written.length > 0) output.human.write(`reports: ${written.join(', ')}\n`);
  if (stop) {
    const what = [
      cases.length ? `${doc.scenarios?.length ?? 0} of ${cases.length} cases` : '',
      doc.load ? `${doc.load.length} load result(s), partial` : '',
    ].filter(Boolean);
    console.error(`crucible: interrupted by ${stop.signal}: the reports cover ${what.join(' and ')}`);
    return exitCodeFor(stop.signal);
  }
  return code;
}
