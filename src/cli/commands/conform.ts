// `crucible conform <url>`: the bundled suites against one broker, graded per case and per statement.
import { resolve } from 'node:path';
import { compareWithBaseline, loadBaseline, movedAgainst } from '../../conformance/baseline.ts';
import { BrokerUnreachableError } from '../../conformance/capabilities.ts';
import { loadProfile } from '../../conformance/profile.ts';
import { runConformance } from '../../conformance/runner.ts';
import { type Selection, selectCases } from '../../conformance/select.ts';
import { loadSuites, SUITE_VERSIONS, SUITES_DIR } from '../../conformance/suites.ts';
import { createReporters } from '../../report/index.ts';
import { finishDocument, newDocument } from '../../results/document.ts';
import { isFailing } from '../../results/grade.ts';
import type { MqttVersion } from '../../results/model.ts';
import { formatProblems } from '../../scenario/index.ts';
import { parseBrokerUrl } from '../../transport/index.ts';
import { boolFlag, durationFlag, intFlag, listFlag, parseFlags, stringFlag, tlsFlags } from '../args.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
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
  --reporter <names>      console,json,junit,markdown,html (default console)
  --out <dir>             where reports go (default reports/latest when a file reporter is chosen)
  --concurrency <n>       cases in parallel (default 8)
  --repeat <n>            run every case n times and flag flaky ones
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
  const reporterNames = listFlag(flags, 'reporter').length ? listFlag(flags, 'reporter') : ['console'];
  const fileReporters = reporterNames.some((r) => r !== 'console');
  const outDir = resolve(stringFlag(flags, 'out') ?? 'reports/latest');

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
  const reporters = createReporters(reporterNames, {
    outDir,
    out: process.stdout,
    color: process.stdout.isTTY === true,
  });
  const doc = newDocument('conform', argv);
  let run: Awaited<ReturnType<typeof runConformance>>;
  try {
    run = await runConformance({
      brokerUrl: url.toString(),
      wsUrl,
      ...(tls ? { tls } : {}),
      label: stringFlag(flags, 'label') ?? (typeof profile.label === 'string' ? profile.label : url.host),
      profile,
      cases,
      concurrency,
      repeat,
      probeTimeoutMs: 5000,
      stepTimeoutMs,
      onBegin: ({ total }) => {
        for (const r of reporters) r.onBegin?.({ command: 'conform', total });
      },
      onCaseEnd: (res) => {
        for (const r of reporters) r.onCaseEnd?.(res);
      },
    });
  } catch (err) {
    if (err instanceof BrokerUnreachableError) {
      console.error(`crucible: ${err.message}`);
      return EXIT.brokerUnreachable;
    }
    throw err;
  }
  doc.brokers.push(run.broker);
  doc.conformance = { cases: run.cases, statements: [], summary: {} };
  finishDocument(doc);
  const written: string[] = [];
  for (const r of reporters) written.push(...(await r.onEnd(doc)));
  if (fileReporters && written.length) console.log(`reports: ${written.join(', ')}`);

  if (baseline) {
    const cmp = compareWithBaseline(run.cases, baseline.entries);
    printBaselineComparison(cmp);
    return movedAgainst(cmp) ? EXIT.conformanceFailure : EXIT.ok;
  }
  return run.cases.some((c) => isFailing(c.outcome)) ? EXIT.conformanceFailure : EXIT.ok;
}
