// The one interface every view of a run implements (docs/architecture.md), in the style of Playwright's
// reporter API: every hook is optional, and commands call them through `ReporterMux` (mux.ts), which
// calls a hook only where a reporter implements it and keeps one failing reporter from stopping the rest.
// Reporters render; they never touch sockets and never decide the exit code.
import type { LoadProgress } from '../results/events.ts';
import type { CaseResult, ResultsDocument } from '../results/model.ts';
import type { Verdict } from './verdict.ts';

export interface RunInfo {
  command: string;
  total: number;
}

export interface Reporter {
  readonly name: string; // console | json | junit | markdown | html
  onBegin?(info: RunInfo): void;
  onCaseEnd?(result: CaseResult): void;
  onLoadProgress?(p: LoadProgress): void;
  /**
   * Renders the finished document (`verdict` is `verdictOf(doc)`, the headline and exit code every view
   * shows); resolves to the files written (absolute or outDir-relative paths).
   */
  onEnd?(doc: ResultsDocument, verdict: Verdict): Promise<string[]>;
}

export interface ReporterOptions {
  outDir: string;
  out?: NodeJS.WritableStream;
  color?: boolean;
  /** `--out -`: the json reporter writes the document to this stream (standard output), not to outDir. */
  jsonStream?: NodeJS.WritableStream;
}
