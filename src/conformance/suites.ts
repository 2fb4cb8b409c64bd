// Where the bundled suites live and how they are loaded.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFiles } from '../scenario/index.ts';
import type { CaseSpec, MqttVersion, Problem } from '../scenario/model.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUITES_DIR = join(REPO_ROOT, 'suites');
/** 3.1 (MQIsdp) cases run wherever the broker speaks 3.1 (probed); elsewhere they are not applicable. */
export const SUITE_VERSIONS: readonly MqttVersion[] = ['3.1', '3.1.1', '5.0'];

function suiteFiles(dir: string = SUITES_DIR, versions: readonly MqttVersion[] = SUITE_VERSIONS): string[] {
  const files: string[] = [];
  for (const v of versions) {
    const vdir = join(dir, `mqtt-${v}`);
    let names: string[];
    try {
      names = readdirSync(vdir);
    } catch {
      continue;
    }
    for (const n of names.sort()) {
      const p = join(vdir, n);
      if (/\.ya?ml$/.test(n) && statSync(p).isFile()) files.push(p);
    }
  }
  return files;
}

export async function loadSuites(
  dir: string = SUITES_DIR,
  versions: readonly MqttVersion[] = SUITE_VERSIONS,
): Promise<{ cases: CaseSpec[]; problems: Problem[]; files: string[] }> {
  const files = suiteFiles(dir, versions);
  const { conversations, problems } = await loadFiles(files);
  return { cases: conversations.flatMap((f) => f.cases), problems, files };
}
