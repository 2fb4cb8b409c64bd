// `crucible conform <url>`: the bundled suites against one broker, graded per case and per statement.
import { resolve } from 'node:path';
import { EXIT, UsageError } from '../../common/exit-codes.ts';
import { applyBaseline, loadBaseline } from '../../conformance/baseline.ts';
import { BrokerUnreachableError, ProbeRefusedError } from '../../conformance/capabilities.ts';
import { loadProfile } from '../../conformance/profile.ts';
import { runConformance } from '../../conformance/runner.ts';
import { type Selection, selectCases } from '../../conformance/select.ts';
import { loadSuites, SUITE_VERSIONS, SUITES_DIR } from '../../conformance/suites.ts';
import { createReporters } from '../../report/index.ts';
import { verdictOf } from '../../report/verdict.ts';
import { finishDocument, newDocument } from '../../results/document.ts';
import type { CaseResult, MqttVersion } from '../../results/model.ts';
import { formatProblems } from '../../scenario/index.ts';
import { parseBrokerUrl } from '../../transport/index.ts';
import { boolFlag, durationFlag, intFlag, listFlag, parseFlags, stringFlag, tlsFlags } from '../args.ts';
import { exitCodeFor, interruption, interruptSignal, untilInterrupted } from '../interrupt.ts';
import { checkOutDir, planOutput } from '../output.ts';
import { printBaselineComparison } from './conform-baseline-output.ts';

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

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      version: { type: 'string' },
      area: { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      level: { type: 'string' },
      profile: { type: 'string' },
      'ws-url': { type: 'string' },
      baseline: { type: 'string' },
      reporter: { type: 'string', multiple: true },
      out: { type: 'string' },
      concurrency: { type: 'string' },
      repeat: { type: 'string' },
      timeout: { type: 'string' },
      label: { type: 'string' },
      suites: { type: 'string' },
      ca: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      insecure: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'conform',
  );
  if (boolFlag(flags, 'help')) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (flags.positionals.length !== 1) throw new UsageError(`conform takes exactly one broker URL\n\n${HELP}`);
  const url = parseBrokerUrl(flags.positionals[0] as string, '<url>');
  const wsText = stringFlag(flags, 'ws-url');
  const versions = (
    listFlag(flags, 'version').length ? listFlag(flags, 'version') : [...SUITE_VERSIONS]
  ) as MqttVersion[];
  for (const v of versions) {
    if (!SUITE_VERSIONS.includes(v))
      throw new UsageError(`--version must be one of ${SUITE_VERSIONS.join(', ')}, got '${v}'`);
  }
  const level = stringFlag(flags, 'level') ?? 'all';
  if (level !== 'must' && level !== 'should' && level !== 'all')
    throw new UsageError(`--level must be must, should or all, got '${level}'`);
  const concurrency = intFlag(flags, 'concurrency', 1, 256) ?? 8;
  const repeat = intFlag(flags, 'repeat', 1, 100) ?? 1;
  const stepTimeoutMs = durationFlag(flags, 'timeout');
  const output = planOutput(flags, { reporters: ['console'], outDir: 'reports/latest' });

  let profile: Record<string, unknown> = {};
  const profileFile = stringFlag(flags, 'profile');
  if (profileFile) {
    const loaded = loadProfile(profileFile);
    if (loaded.problems.length) {
      console.error(formatProblems(loaded.problems));
      return EXIT.invalidInput;
    }
    profile = loaded.profile;
  }
  const urls = (profile.urls ?? {}) as Record<string, string>;
  const wsUrl = wsText ? parseBrokerUrl(wsText, '--ws-url').toString() : urls.ws;

  let baseline: ReturnType<typeof loadBaseline> | undefined;
  const baselinePath = stringFlag(flags, 'baseline');
  if (baselinePath) {
    baseline = loadBaseline(baselinePath);
    if (baseline.problems.length) {
      console.error(formatProblems(baseline.problems));
      return EXIT.invalidInput;
    }
  }

  const suitesDir = stringFlag(flags, 'suites');
  const suites = await loadSuites(suitesDir ? resolve(suitesDir) : SUITES_DIR, versions);
  if (suites.problems.length) {
    console.error(formatProblems(suites.problems));
    return suitesDir ? EXIT.invalidInput : EXIT.harnessError;
  }
  const selection: Selection = {
    versions,
    areas: listFlag(flags, 'area'),
    only: listFlag(flags, 'only'),
    level,
  };
  const cases = selectCases(suites.cases, selection);
  if (cases.length === 0)
    throw new UsageError('no suite case matches the selection (--version/--area/--only/--level)');

  const tls = tlsFlags(flags);
  if (!output.jsonToStdout && output.reporters.some((r) => r !== 'console')) checkOutDir(output.outDir);
  const reporters = createReporters(output.reporters, {
    outDir: output.outDir,
    out: output.human,
    ...(output.jsonToStdout ? { jsonStream: process.stdout } : {}),
  });
  const doc = newDocument('conform', argv);
  const label = stringFlag(flags, 'label') ?? (typeof profile.label === 'string' ? profile.label : url.host);
  // What finished, as it finishes: an interrupted run reports these.
  const finished: CaseResult[] = [];
  let run: Awaited<ReturnType<typeof runConformance>> | undefined;
  try {
    run = await untilInterrupted(
      runConformance({
        brokerUrl: url.toString(),
        wsUrl,
        ...(tls ? { tls } : {}),
        label,
        profile,
        cases,
        concurrency,
        repeat,
        probeTimeoutMs: 5000,
        stepTimeoutMs,
        signal: interruptSignal(),
        onBegin: ({ total }) => {
          for (const r of reporters) r.onBegin?.({ command: 'conform', total });
        },
        onCaseEnd: (res) => {
          finished.push(res);
          for (const r of reporters) r.onCaseEnd?.(res);
        },
      }),
    );
  } catch (err) {
    if (err instanceof ProbeRefusedError) {
      console.error(`crucible: ${err.message}`);
      return EXIT.probeRefused;
    }
    if (err instanceof BrokerUnreachableError && !interruption()) {
      console.error(`crucible: ${err.message}`);
      return EXIT.brokerUnreachable;
    }
    if (!interruption()) throw err;
  }
  const stop = interruption();
  if (stop) doc.run.interrupted = stop;
  const results = run?.cases ?? finished;
  doc.brokers.push(run?.broker ?? { label, url: url.toString(), profile });
  doc.conformance = { cases: results, statements: [], summary: {} };
  // The baseline's judgement goes into the document, so every view and the exit code agree.
  const cmp = baseline ? applyBaseline(results, baseline.entries) : undefined;
  if (baseline && baselinePath) doc.run.baseline = { source: baselinePath, entries: baseline.entries.length };
  finishDocument(doc);
  const written: string[] = [];
  for (const r of reporters) written.push(...(await r.onEnd(doc)));
  if (written.length) output.human.write(`reports: ${written.join(', ')}\n`);
  if (stop) {
    console.error(
      `crucible: interrupted by ${stop.signal}: the reports cover the ${results.length} of ${cases.length} cases that finished`,
    );
    return exitCodeFor(stop.signal);
  }
  if (cmp) printBaselineComparison(cmp, output.human, !output.reporters.includes('console'));
  return verdictOf(doc).exitCode;
}
