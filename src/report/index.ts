// Reporter factory: `--reporter console,json,junit,markdown,html` -> Reporter instances.
import { UsageError } from '../common/exit-codes.ts';
import { ConsoleReporter } from './console.ts';
import { HtmlReporter } from './html/index.ts';
import { JsonReporter } from './json.ts';
import { JunitReporter } from './junit.ts';
import { MarkdownReporter } from './markdown.ts';
import { type MuxOptions, ReporterMux } from './mux.ts';
import type { Reporter, ReporterOptions } from './reporter.ts';

export { type MuxOptions, ReporterMux } from './mux.ts';
export type { Reporter, ReporterOptions, RunInfo } from './reporter.ts';

type Factory = (opts: ReporterOptions) => Reporter;

const FACTORIES: Record<string, Factory> = {
  console: (o) => new ConsoleReporter(o),
  json: (o) => new JsonReporter(o.outDir, o.jsonStream),
  junit: (o) => new JunitReporter(o.outDir),
  markdown: (o) => new MarkdownReporter(o.outDir),
  html: (o) => new HtmlReporter(o.outDir),
};

export const REPORTER_NAMES: readonly string[] = Object.keys(FACTORIES);

/** Names may be given one per entry or comma-separated; duplicates are ignored. Unknown -> UsageError. */
export function createReporters(names: string[], opts: ReporterOptions): Reporter[] {
  const wanted = [
    ...new Set(
      names
        .flatMap((n) => n.split(','))
        .map((n) => n.trim())
        .filter((n) => n !== ''),
    ),
  ];
  const unknown = wanted.filter((n) => !(n in FACTORIES));
  if (unknown.length > 0) {
    throw new UsageError(
      `--reporter: unknown reporter ${unknown.map((n) => `'${n}'`).join(', ')} (allowed: ${REPORTER_NAMES.join(', ')})`,
    );
  }
  return wanted.map((n) => (FACTORIES[n] as Factory)(opts));
}

/** `createReporters` behind one `ReporterMux` (what commands use: a failing reporter does not stop the rest). */
export function createReporterMux(names: string[], opts: ReporterOptions, mux: MuxOptions = {}): ReporterMux {
  return new ReporterMux(createReporters(names, opts), mux);
}
