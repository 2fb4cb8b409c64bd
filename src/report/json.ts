// JSON reporter: writes the results document as-is to <outDir>/results.json (the contract every view
// re-renders from; see schema/results.schema.json).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultsDocument } from '../results/model.ts';
import type { Reporter } from './reporter.ts';

export const RESULTS_FILE = 'results.json';

export async function writeJsonFile(path: string, doc: ResultsDocument): Promise<void> {
  await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`, 'utf8');
}

export class JsonReporter implements Reporter {
  readonly name = 'json';
  /** With `stream` (`--out -`), the document goes there (standard output) instead of a file. */
  constructor(
    private readonly outDir: string,
    private readonly stream?: NodeJS.WritableStream,
  ) {}

  async onEnd(doc: ResultsDocument): Promise<string[]> {
    if (this.stream) {
      const stream = this.stream;
      await new Promise<void>((done) => stream.write(`${JSON.stringify(doc, null, 2)}\n`, () => done()));
      return [];
    }
    await mkdir(this.outDir, { recursive: true });
    const file = join(this.outDir, RESULTS_FILE);
    await writeJsonFile(file, doc);
    return [file];
  }
}
