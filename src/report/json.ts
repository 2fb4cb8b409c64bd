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
  constructor(private readonly outDir: string) {}

  async onEnd(doc: ResultsDocument): Promise<string[]> {
    await mkdir(this.outDir, { recursive: true });
    const file = join(this.outDir, RESULTS_FILE);
    await writeJsonFile(file, doc);
    return [file];
  }
}
