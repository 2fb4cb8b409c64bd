// Test support: the bundled suites run against a broker with a profile (the reference broker under one of
// its named configurations comes from src/transport/testing/peers/reference.ts).
import { join } from 'node:path';
import type { CaseResult } from '../../results/model.ts';
import type { CaseSpec } from '../../scenario/model.ts';
import { loadProfile } from '../profile.ts';
import { runConformance } from '../runner.ts';
import { loadSuites, REPO_ROOT } from '../suites.ts';

let suitesCache: Promise<CaseSpec[]> | undefined;

export function bundledCases(): Promise<CaseSpec[]> {
  suitesCache ??= loadSuites().then(({ cases, problems }) => {
    if (problems.length)
      throw new Error(
        `bundled suites have problems:\n${problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`).join('\n')}`,
      );
    return cases;
  });
  return suitesCache;
}

export async function conformAgainst(
  target: { tcpUrl: string; wsUrl?: string },
  profileName: string,
  cases: CaseSpec[],
  label = profileName,
): Promise<CaseResult[]> {
  const { profile, problems } = loadProfile(join(REPO_ROOT, 'suites', 'profiles', `${profileName}.yaml`));
  if (problems.length)
    throw new Error(`profile ${profileName}: ${problems.map((p) => p.message).join('; ')}`);
  const run = await runConformance({
    brokerUrl: target.tcpUrl,
    wsUrl: target.wsUrl,
    label,
    profile,
    cases,
    concurrency: 16,
    repeat: 1,
    probeTimeoutMs: 5000,
  });
  return run.cases;
}

/** One line per failing case, for assertion messages. */
export function describeFailures(results: readonly CaseResult[]): string {
  return results
    .filter((r) => r.outcome === 'fail' || r.outcome === 'error')
    .map(
      (r) =>
        `${r.version} ${r.id} [${r.statements.join(',')}] ${r.outcome}: ${r.failure?.message ?? r.reason ?? ''}`,
    )
    .join('\n');
}
