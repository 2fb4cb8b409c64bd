// The one table of process exit codes (DESIGN.md, docs/exit-codes.md), the one precedence rule between
// them, and the error a user caused. A leaf module: it imports nothing, so every layer (transport, report,
// cli) may use it without reaching back into cli. Only src/cli/main.ts calls process.exit.
export const EXIT = {
  ok: 0,
  conformanceFailure: 1,
  thresholdFailure: 2,
  invalidInput: 3,
  brokerUnreachable: 4,
  harnessError: 5,
  /** conform: the broker refused the probe CONNECT (credentials, authorization, availability). */
  probeRefused: 6,
  /** A report the user asked for could not be written (a reporter failed); only when all else passed. */
  reportFailed: 7,
  /** compare: cases of the baseline are missing from the current run. */
  compareMissingCases: 10,
  /** compare: a load result of the baseline is missing from the current run. */
  compareMissingLoad: 11,
  /** compare: a run is interrupted, or its load generator saturated. */
  compareUnusableRun: 12,
  /** compare: the runs selected different MQTT versions or profiles. */
  compareDifferentSelection: 13,
  /** Stopped by SIGINT (Ctrl-C): reports cover what finished (src/cli/interrupt.ts). */
  interruptedSigint: 130,
  /** Stopped by SIGTERM (CI cancel, docker stop, Kubernetes): reports cover what finished. */
  interruptedSigterm: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * THE precedence rule (docs/exit-codes.md, "Precedence"): when several situations apply to one command,
 * the process exits with the one listed first here.
 *   interrupted (130, 143) > harness error (5) > invalid input (3) > probe refused (6) > broker
 *   unreachable (4) > runs not comparable (12, 13, 10, 11) > conformance failure (1) > threshold or
 *   regression failure (2) > a report could not be written (7) > ok (0).
 * Why: an interrupted run's results are partial whatever they say; a harness error or bad input means
 * the results cannot be trusted; a broker that could not be reached or refused us was not tested; only
 * then do the results themselves count (a broken MUST before a slow broker); a reporter that failed only
 * matters when nothing else does, but is then never silent.
 */
export const EXIT_PRECEDENCE: readonly ExitCode[] = [
  EXIT.interruptedSigint,
  EXIT.interruptedSigterm,
  EXIT.harnessError,
  EXIT.invalidInput,
  EXIT.probeRefused,
  EXIT.brokerUnreachable,
  EXIT.compareUnusableRun,
  EXIT.compareDifferentSelection,
  EXIT.compareMissingCases,
  EXIT.compareMissingLoad,
  EXIT.conformanceFailure,
  EXIT.thresholdFailure,
  EXIT.reportFailed,
  EXIT.ok,
];

/** The exit code of several situations of one command, by EXIT_PRECEDENCE (undefined: does not apply). */
export function decideExit(...codes: Array<ExitCode | undefined>): ExitCode {
  let best: ExitCode = EXIT.ok;
  for (const c of codes) {
    if (c !== undefined && EXIT_PRECEDENCE.indexOf(c) < EXIT_PRECEDENCE.indexOf(best)) best = c;
  }
  return best;
}

/** The signals that stop a run, and their codes (128 + signal number, as a shell reports them). */
export type StopSignal = 'SIGINT' | 'SIGTERM';
export function exitCodeForSignal(signal: StopSignal): ExitCode {
  return signal === 'SIGINT' ? EXIT.interruptedSigint : EXIT.interruptedSigterm;
}

/** An error the user caused (bad flag, bad URL, bad file): printed plainly, no stack, exit 3 unless given. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.invalidInput,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
