// Test support: the reference broker under one of its named configurations, with a tcp and a ws listener on
// free ports, and the conformance suites run against it with the matching profile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig, type RunningBroker, startBroker } from '../../../reference-broker/src/index.ts';
import type { CaseResult } from '../../results/model.ts';
import type { CaseSpec } from '../../scenario/model.ts';
import { loadProfile } from '../profile.ts';
import { runConformance } from '../runner.ts';
import { loadSuites, REPO_ROOT } from '../suites.ts';

export interface ReferenceTarget {
  broker: RunningBroker;
  tcpUrl: string;
  wsUrl: string;
}

export async function startReference(configName: string, faults: string[] = []): Promise<ReferenceTarget> {
  const file = join(REPO_ROOT, 'reference-broker', 'configs', `${configName}.yaml`);
  const loaded = loadBrokerConfig(file);
  if (!loaded.ok)
    throw new Error(`${file}: ${loaded.problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`);
  // a persistent configuration gets a store of its own (parallel runs never share one)
  const storeDir = loaded.config.persistence && mkdtempSync(join(tmpdir(), 'crucible-store-'));
  const persistence = storeDir && { ...loaded.config.persistence!, path: join(storeDir, 'store.db') };
  const broker = await startBroker(
    {
      ...loaded.config,
      ...(persistence ? { persistence } : {}),
      listeners: [
        { kind: 'tcp', host: '127.0.0.1', port: 0 },
        { kind: 'ws', host: '127.0.0.1', port: 0, path: '/mqtt' },
      ],
      faults,
      sysIntervalSeconds: 1,
    },
    { log: () => {} },
  );
  const tcp = broker.listeners.find((l) => l.kind === 'tcp');
  const ws = broker.listeners.find((l) => l.kind === 'ws');
  if (!tcp || !ws) throw new Error('reference broker did not open both listeners');
  if (storeDir) {
    const close = broker.close;
    broker.close = async () => {
      await close();
      rmSync(storeDir, { recursive: true, force: true });
    };
  }
  return { broker, tcpUrl: tcp.url, wsUrl: ws.url };
}

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
