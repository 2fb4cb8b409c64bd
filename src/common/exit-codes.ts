// The one table of process exit codes (DESIGN.md), and the error a user caused. A leaf module: it imports
// nothing, so every layer (transport, report, cli) may use it without reaching back into cli. Only
// src/cli/main.ts calls process.exit.
export const EXIT = {
  ok: 0,
  conformanceFailure: 1,
  thresholdFailure: 2,
  invalidInput: 3,
  brokerUnreachable: 4,
  harnessError: 5,
  /** conform: the broker refused the probe CONNECT (credentials, authorization, availability). */
  probeRefused: 6,
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
