// `crucible start` (npm start): the main job on the embedded default. Starts the reference broker
// in-process on free ports, runs the bundled conformance suites and a short load profile against it,
// writes reports/latest/{index.html,results.json,junit.xml,summary.md} and prints the summary with the
// path to index.html. Exit code (docs/exit-codes.md): the verdict of the document (1 conformance failure,
// 2 threshold failure, 130/143 interrupted), 4 broker did not start, 5 harness error, 7 a report failed.
import { join, resolve } from 'node:path';
import { loadBrokerConfig, type RunningBroker, startBroker } from '../../../reference-broker/src/index.ts';
import { EXIT, type ExitCode, UsageError } from '../../common/exit-codes.ts';
import { BrokerUnreachableError } from '../../conformance/capabilities.ts';
import { loadProfile } from '../../conformance/profile.ts';
import { runConformance } from '../../conformance/runner.ts';
import { selectCases } from '../../conformance/select.ts';
import { loadSuites, REPO_ROOT, SUITE_VERSIONS, SUITES_DIR } from '../../conformance/suites.ts';
import { runLoad } from '../../load/index.ts';
import { createReporterMux, type ReporterMux } from '../../report/index.ts';
import { finishDocument, newDocument } from '../../results/document.ts';
import type { CaseResult, ResultsDocument } from '../../results/model.ts';
import { formatProblems, loadFiles } from '../../scenario/index.ts';
import { boolFlag, intFlag, parseFlags, stringFlag } from '../args.ts';
import { interruption, interruptSignal, untilInterrupted } from '../interrupt.ts';
import { checkOutDir, writeReports } from '../output.ts';
import { LOAD_INTERRUPT_GRACE_MS } from './run-load.ts';

const HELP = `usage: crucible start [options]   (also: npm start)

Starts the reference broker on free ports, runs the bundled conformance suites (MQTT 3.1.1 and 5.0)
and a short load profile against it, and writes reports/latest/ (index.html, results.json, junit.xml,
summary.md).

  --out <dir>          report directory (default reports/latest)
  --load <file.yaml>   load profile (default scenarios/start/smoke-load.yaml)
  --skip-load          conformance only
  --skip-conform       load only
  --concurrency <n>    conformance cases in parallel (default 16)
  --suites <dir>       suites directory (default the bundled one)
  --no-color           no colour (also: NO_COLOR=1)
`;

const BROKER_CONFIG = join(REPO_ROOT, 'reference-broker', 'configs', 'default.yaml');
const BROKER_PROFILE = join(REPO_ROOT, 'suites', 'profiles', 'reference-default.yaml');
const DEFAULT_LOAD = join(REPO_ROOT, 'scenarios', 'start', 'smoke-load.yaml');

async function startReference(): Promise<{ broker: RunningBroker; tcpUrl: string; wsUrl: string }> {
  const loaded = loadBrokerConfig(BROKER_CONFIG);
  if (!loaded.ok)
    throw new Error(`${BROKER_CONFIG}: ${loaded.problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`);
  const broker = await startBroker(
    {
      ...loaded.config,
      listeners: [
        { kind: 'tcp', host: '127.0.0.1', port: 0 },
        { kind: 'ws', host: '127.0.0.1', port: 0, path: '/mqtt' },
      ],
    },
    { log: () => {} },
  );
  const tcp = broker.listeners.find((l) => l.kind === 'tcp');
  const ws = broker.listeners.find((l) => l.kind === 'ws');
  if (!tcp || !ws) {
    await broker.close();
    throw new Error('the reference broker did not open its tcp and ws listeners');
  }
  return { broker, tcpUrl: tcp.url, wsUrl: ws.url };
}

async function conform(
  doc: ResultsDocument,
  target: { tcpUrl: string; wsUrl: string },
  reporters: ReporterMux,
  concurrency: number,
  suitesDir: string,
): Promise<ExitCode | undefined> {
  const { profile, problems } = loadProfile(BROKER_PROFILE);
  const suites = await loadSuites(suitesDir, [...SUITE_VERSIONS]);
  if (problems.length || suites.problems.length) {
    console.error(formatProblems([...problems, ...suites.problems]));
    return EXIT.harnessError;
  }
  const cases = selectCases(suites.cases, {
    versions: [...SUITE_VERSIONS],
    areas: [],
    only: [],
    level: 'all',
  });
  const finished: CaseResult[] = [];
  const run = await untilInterrupted(
    runConformance({
      brokerUrl: target.tcpUrl,
      wsUrl: target.wsUrl,
      label: 'reference',
      profile,
      cases,
      concurrency,
      repeat: 1,
      probeTimeoutMs: 5000,
      signal: interruptSignal(),
      onBegin: ({ total }) => reporters.onBegin({ command: 'start: conformance', total }),
      onCaseEnd: (res) => {
        finished.push(res);
        reporters.onCaseEnd(res);
      },
    }),
  );
  doc.brokers.push(run?.broker ?? { label: 'reference', url: target.tcpUrl, profile });
  doc.conformance = { cases: run?.cases ?? finished, statements: [], summary: {} };
  return undefined;
}

async function load(
  doc: ResultsDocument,
  file: string,
  tcpUrl: string,
  reporters: ReporterMux,
): Promise<ExitCode | undefined> {
  const { loadProfiles, problems } = await loadFiles([file]);
  const profile = loadProfiles[0];
  if (problems.length || !profile) {
    console.error(problems.length ? formatProblems(problems) : `${file}: not a load profile (kind: load)`);
    return EXIT.invalidInput;
  }
  const result = await untilInterrupted(
    runLoad(profile, {
      brokerUrl: tcpUrl,
      brokerLabel: 'reference',
      workers: 1,
      signal: interruptSignal(),
      onProgress: (p) => reporters.onLoadProgress(p),
    }),
    LOAD_INTERRUPT_GRACE_MS,
  );
  if (!result) return undefined;
  if (!doc.brokers.some((b) => b.label === result.broker))
    doc.brokers.push({ label: result.broker, url: tcpUrl });
  doc.load = [result];
  return undefined;
}

export async function run(argv: string[]): Promise<ExitCode> {
  const flags = parseFlags(
    argv,
    {
      out: { type: 'string' },
      load: { type: 'string' },
      'skip-load': { type: 'boolean' },
      'skip-conform': { type: 'boolean' },
      concurrency: { type: 'string' },
      suites: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'start',
  );
  if (boolFlag(flags, 'help')) {
    console.log(HELP);
    return EXIT.ok;
  }
  const outDir = resolve(stringFlag(flags, 'out') ?? 'reports/latest');
  if (outDir === resolve('-'))
    throw new UsageError('--out -: start writes a report directory; give --out <dir>');
  checkOutDir(outDir);
  const loadFile = resolve(stringFlag(flags, 'load') ?? DEFAULT_LOAD);
  const concurrency = intFlag(flags, 'concurrency', 1, 256) ?? 16;
  const reporters = createReporterMux(['console', 'json', 'junit', 'markdown', 'html'], {
    outDir,
    out: process.stdout,
  });
  const doc = newDocument('start', argv);
  let target: Awaited<ReturnType<typeof startReference>>;
  try {
    target = await startReference();
  } catch (err) {
    console.error(
      `crucible: the reference broker did not start: ${err instanceof Error ? err.message : String(err)}`,
    );
    return EXIT.brokerUnreachable;
  }
  console.log(`reference broker on ${target.tcpUrl} and ${target.wsUrl}`);
  try {
    if (!boolFlag(flags, 'skip-conform')) {
      const suitesFlag = stringFlag(flags, 'suites');
      const code = await conform(
        doc,
        target,
        reporters,
        concurrency,
        suitesFlag ? resolve(suitesFlag) : SUITES_DIR,
      );
      if (code !== undefined) return code;
    }
    if (!boolFlag(flags, 'skip-load') && !interruption()) {
      console.log(`\nload profile ${loadFile}`);
      const code = await load(doc, loadFile, target.tcpUrl, reporters);
      if (code !== undefined) return code;
    }
  } catch (err) {
    if (err instanceof BrokerUnreachableError) {
      console.error(`crucible: ${err.message}`);
      return EXIT.brokerUnreachable;
    }
    throw err;
  } finally {
    // Bounded: an interrupted run must not wait for the last clients to go.
    await Promise.race([target.broker.close(), new Promise((r) => setTimeout(r, 500).unref())]);
  }
  const stop = interruption();
  if (stop) doc.run.interrupted = stop;
  finishDocument(doc);
  const { verdict: v, exitCode } = await writeReports(reporters, doc);
  console.log(`\n${v.ok ? 'PASS' : v.headline}`);
  console.log(`reports written to ${outDir}/ (results.json, junit.xml, summary.md)`);
  console.log(`open the report: ${join(outDir, 'index.html')}`);
  return exitCode;
}
