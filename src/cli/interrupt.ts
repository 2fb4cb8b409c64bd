// SIGINT / SIGTERM for the commands that run against a broker (conform, run, start). The first signal
// aborts one process-wide AbortSignal: cases in flight end at once (their sockets closed), nothing new
// starts, a load run stops publishing, and the command writes every report for what finished, marked
// interrupted (run.interrupted in results.json). main.ts installs the handlers, exits on a second signal,
// and maps the signal to its exit code (130 SIGINT, 143 SIGTERM; docs/exit-codes.md).
import { setMaxListeners } from 'node:events';
import { type ExitCode, exitCodeForSignal, type StopSignal } from '../common/exit-codes.ts';

export type InterruptSignal = StopSignal;
export interface Interruption {
  signal: InterruptSignal;
  /** ISO 8601 time the signal arrived. */
  at: string;
}

/** How long a command waits for work in flight after the first signal before it writes what it has. */
export const INTERRUPT_GRACE_MS = 1000;

const controller = newController();
let received: Interruption | undefined;

/** Every case in flight listens to the one signal (bounded by --concurrency): no listener-leak warning. */
function newController(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

/** Aborted when the first SIGINT or SIGTERM arrives (never, when main.ts did not install the handlers). */
export function interruptSignal(): AbortSignal {
  return controller.signal;
}

export function interruption(): Interruption | undefined {
  return received;
}

/** Records the first signal and aborts; returns false for a repeated signal. */
export function interrupt(signal: InterruptSignal, now: Date = new Date()): boolean {
  if (received) return false;
  received = { signal, at: now.toISOString() };
  controller.abort();
  return true;
}

/** The signal's exit code, from the one table (src/common/exit-codes.ts). */
export function exitCodeFor(signal: InterruptSignal): ExitCode {
  return exitCodeForSignal(signal);
}

/**
 * Resolves with `work`'s value, or with `undefined` when an interruption came and `work` did not settle
 * within `graceMs` after it (the caller then writes reports from what it collected as it went).
 */
export function untilInterrupted<T>(work: Promise<T>, graceMs = INTERRUPT_GRACE_MS): Promise<T | undefined> {
  const signal = controller.signal;
  return new Promise<T | undefined>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      timer = setTimeout(() => resolve(undefined), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
