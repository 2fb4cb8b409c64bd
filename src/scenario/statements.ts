// The normative statement inventory per version: the shared TSVs when present, else the committed copy.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MqttVersion } from './model.ts';
import { STATEMENTS, type StatementInfo } from './statement-ids.ts';

export type { StatementInfo } from './statement-ids.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_SPEC_DIR = resolve(repoRoot, '..', 'shared', 'spec');

/** The statement set a scenario version cites: 3.1 cases cite the 3.1.1 inventory. */
export function specVersionOf(v: MqttVersion): '3.1.1' | '5.0' {
  return v === '5.0' ? '5.0' : '3.1.1';
}

/** The rows of one shared/spec statements TSV (scripts/gen-statement-ids.mjs writes them into statement-ids.ts). */
export function parseStatementsTsv(text: string, version: '3.1.1' | '5.0'): StatementInfo[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  const col = (name: string) => header.indexOf(name);
  return lines.map((line) => {
    const c = line.split('\t');
    return {
      id: c[col('id')] ?? '',
      version,
      section: c[col('section')] ?? '',
      who: c[col('who')] ?? '',
      testable: c[col('testable_over_network_against_a_server')] ?? '',
      paraphrase: c[col('paraphrase')] ?? '',
    };
  });
}

function readTsv(version: '3.1.1' | '5.0'): StatementInfo[] | undefined {
  const file = resolve(SHARED_SPEC_DIR, `mqtt-${version}-statements.tsv`);
  if (!existsSync(file)) return undefined;
  return parseStatementsTsv(readFileSync(file, 'utf8'), version);
}

let cache: Map<'3.1.1' | '5.0', Map<string, StatementInfo>> | undefined;

/** id -> statement, per spec version. */
export function statementIndex(): Map<'3.1.1' | '5.0', Map<string, StatementInfo>> {
  if (cache) return cache;
  cache = new Map();
  for (const v of ['3.1.1', '5.0'] as const) {
    const rows = readTsv(v) ?? STATEMENTS.filter((s) => s.version === v);
    cache.set(v, new Map(rows.map((r) => [r.id, r])));
  }
  return cache;
}

export function statementInfo(version: MqttVersion, id: string): StatementInfo | undefined {
  return statementIndex().get(specVersionOf(version))?.get(id);
}
