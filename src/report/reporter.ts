// The one interface every view of a run implements (docs/architecture.md).
// Reporters render; they never touch sockets and never decide the exit code.
import type { LoadProgress } from '../results/events.ts';
import type { CaseResult, ResultsDocument } from '../results/model.ts';

export interface Reporter {
  readonly name: string; // console | json | junit | markdown | html
  onBegin?(info: { command: string; total: number }): void;
  onCaseEnd?(result: CaseResult): void;
  onLoadProgress?(p: LoadProgress): void;
  /** Renders the finished document; resolves to the files written (absolute or outDir-relative paths). */
  onEnd(doc: ResultsDocument): Promise<string[]>;
}

export interface ReporterOptions {
  outDir: string;
  out?: NodeJS.WritableStream;
  color?: boolean;
  /** `--out -`: the json reporter writes the document to this stream (standard output), not to outDir. */
  jsonStream?: NodeJS.WritableStream;
}
