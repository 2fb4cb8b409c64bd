// `crucible` command dispatcher: the only place that exits the process.
import { decideExit, EXIT, type ExitCode, UsageError } from '../common/exit-codes.ts';
import { exitCodeFor, type InterruptSignal, interrupt, interruption } from './interrupt.ts';

type CommandModule = { run(argv: string[]): Promise<ExitCode> };

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  conform: {
    summary: 'run the bundled conformance suites against a broker URL',
    load: () => import('./commands/conform.ts'),
  },
  run: {
    summary: 'run scenario files (conversations or load profiles) against --broker <url>',
    load: () => import('./commands/run.ts'),
  },
  validate: {
    summary: 'check scenario files without running them',
    load: () => import('./commands/validate.ts'),
  },
  broker: { summary: 'start the reference broker', load: () => import('./commands/broker.ts') },
  report: {
    summary: 're-render / merge results.json files into html, junit, markdown',
    load: () => import('./commands/report.ts'),
  },
  compare: {
    summary: 'regression verdict: crucible compare <baseline.json> <current.json>',
    load: () => import('./commands/compare.ts'),
  },
  coverage: {
    summary: 'which normative statements the suites cover, per version',
    load: () => import('./commands/coverage.ts'),
  },
  start: {
    summary: 'the main job: reference broker + suites + short load run + reports/latest/',
    load: () => import('./commands/start.ts'),
  },
};

function usage(): string {
  const lines = ['usage: crucible <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `crucible <command> --help` for its options.');
  lines.push(
    'Exit codes: 0 ok, 1 conformance failure, 2 threshold/regression failure, 3 invalid input, 4 broker unreachable, 5 harness error,',
    '  6 probe CONNECT refused, 7 a report could not be written, 130/143 interrupted (docs/exit-codes.md);',
    '  compare refuses runs it cannot compare: 10 cases missing, 11 load result missing, 12 interrupted or saturated, 13 different selection.',
  );
  return lines.join('\n');
}

async function main(argv: string[]): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? EXIT.ok : EXIT.invalidInput;
  }
  if (name === '--version') {
    console.log('mqtt-crucible 0.1.0');
    return EXIT.ok;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`crucible: unknown command '${name}'\n\n${usage()}`);
    return EXIT.invalidInput;
  }
  if (INTERRUPTIBLE.has(name)) installInterruptHandlers();
  const mod = await cmd.load();
  const code = await mod.run(rest);
  // An interrupted run never exits 0 (nor with a verdict of the part that ran): 130 / 143 come first in
  // the one precedence rule (src/common/exit-codes.ts).
  const i = interruption();
  return decideExit(code, i ? exitCodeFor(i.signal) : undefined);
}

/** Commands that stop cleanly on SIGINT / SIGTERM and write reports for what finished. */
const INTERRUPTIBLE = new Set(['conform', 'run', 'start']);
/** Last resort when a command does not finish after the first signal (it normally takes about 1 s). */
const INTERRUPT_WATCHDOG_MS = 5000;

function installInterruptHandlers(): void {
  const on = (signal: InterruptSignal): void => {
    const code = exitCodeFor(signal);
    if (!interrupt(signal)) {
      console.error(`\ncrucible: ${signal} again: quitting at once`);
      process.exit(code);
    }
    console.error(
      `\ncrucible: ${signal} received: stopping, writing reports for what finished (${signal} again quits at once)`,
    );
    setTimeout(() => {
      console.error(
        `crucible: did not stop within ${INTERRUPT_WATCHDOG_MS / 1000} s after ${signal}; quitting`,
      );
      process.exit(code);
    }, INTERRUPT_WATCHDOG_MS).unref();
  };
  process.on('SIGINT', () => on('SIGINT'));
  process.on('SIGTERM', () => on('SIGTERM'));
}

// A reader that goes away (`crucible ... | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    // A finished command exits even if a library left a timer or socket behind.
    process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`crucible: ${err.message}`);
      process.exit(err.exitCode);
    }
    console.error(
      `crucible: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exit(EXIT.harnessError);
  },
);
