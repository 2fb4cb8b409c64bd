// Many reporters behind one: commands call the hooks of a `ReporterMux`, never a reporter itself. Each
// hook is called only on the reporters that implement it, in order; a reporter that throws (or whose
// promise rejects) is reported once on stderr with its name ("reporter html failed: ...", the message
// only: no stack trace) and the others still run. A failed reporter is called again for later hooks (a
// view that failed on one case may still write its file) but never reported twice. The exit code is not
// decided here: `failed` tells the command, which adds EXIT.reportFailed (7) by the one precedence rule
// (src/common/exit-codes.ts), so a report the user asked for is never missing silently.
import type { LoadProgress } from '../results/events.ts';
import type { CaseResult, ResultsDocument } from '../results/model.ts';
import type { Reporter, RunInfo } from './reporter.ts';
import { type Verdict, verdictOf } from './verdict.ts';

export interface MuxOptions {
  /** Where reporter failures are reported (default: standard error). */
  err?: NodeJS.WritableStream;
}

export class ReporterMux {
  private readonly err: NodeJS.WritableStream;
  private readonly failures = new Map<Reporter, string>();

  constructor(
    readonly reporters: readonly Reporter[],
    opts: MuxOptions = {},
  ) {
    this.err = opts.err ?? process.stderr;
  }

  /** Is a reporter of this name among them (e.g. the console reporter already shows the summary)? */
  has(name: string): boolean {
    return this.reporters.some((r) => r.name === name);
  }

  /** Names of the reporters that failed, in order, with their first error message. */
  get failed(): Array<{ name: string; message: string }> {
    return [...this.failures].map(([r, message]) => ({ name: r.name, message }));
  }

  onBegin(info: RunInfo): void {
    for (const r of this.reporters) if (r.onBegin) this.call(r, () => r.onBegin?.(info));
  }

  onCaseEnd(result: CaseResult): void {
    for (const r of this.reporters) if (r.onCaseEnd) this.call(r, () => r.onCaseEnd?.(result));
  }

  onLoadProgress(p: LoadProgress): void {
    for (const r of this.reporters) if (r.onLoadProgress) this.call(r, () => r.onLoadProgress?.(p));
  }

  /** Every reporter's onEnd, one after the other; resolves to the files written by those that succeeded. */
  async onEnd(doc: ResultsDocument, verdict: Verdict = verdictOf(doc)): Promise<string[]> {
    const written: string[] = [];
    for (const r of this.reporters) {
      if (!r.onEnd) continue;
      try {
        written.push(...(await r.onEnd(doc, verdict)));
      } catch (e) {
        this.fail(r, e);
      }
    }
    return written;
  }

  /** A synchronous hook; a promise it returns (an async hook) is watched for rejection too. */
  private call(r: Reporter, hook: () => unknown): void {
    try {
      const v = hook();
      if (v instanceof Promise) v.catch((e: unknown) => this.fail(r, e));
    } catch (e) {
      this.fail(r, e);
    }
  }

  private fail(r: Reporter, e: unknown): void {
    if (this.failures.has(r)) return;
    const message = e instanceof Error ? e.message : String(e);
    this.failures.set(r, message);
    this.err.write(`crucible: reporter ${r.name} failed: ${message}\n`);
  }
}
