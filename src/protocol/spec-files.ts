// Locates and reads the shared normative inventory (../shared/spec relative to the repo root).
// Used by tests and by tools that check statement ids; absent folder => undefined.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SPEC_DIR = resolve(repoRoot, '..', 'shared', 'spec');

export function specAvailable(): boolean {
  return existsSync(resolve(SPEC_DIR, 'mqtt-5.0-properties.tsv'));
}

/** Reads one TSV file of the inventory as rows of column-name -> value. */
export function readSpecTsv(file: string): Record<string, string>[] {
  const text = readFileSync(resolve(SPEC_DIR, file), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  const header = (lines.shift() ?? '').split('\t');
  return lines.map((l) => {
    const cells = l.split('\t');
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      row[h] = cells[i] ?? '';
    });
    return row;
  });
}

/** Statement ids of a version ('3.1.1' or '5.0'). */
export function statementIds(version: '3.1.1' | '5.0'): Set<string> {
  return new Set(readSpecTsv(`mqtt-${version}-statements.tsv`).map((r) => r.id ?? ''));
}
