// The reference broker in this process: under one of its named configurations (reference-broker/configs/), with
// a tcp and a ws listener on free ports and a store of its own when the configuration persists. Tests only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig, type RunningBroker, startBroker } from '../../../../reference-broker/src/index.ts';
import { REPO } from './reference-process.ts';

export interface ReferenceTarget {
  broker: RunningBroker;
  tcpUrl: string;
  wsUrl: string;
}

export async function startReference(configName: string, faults: string[] = []): Promise<ReferenceTarget> {
  const file = join(REPO, 'reference-broker', 'configs', `${configName}.yaml`);
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

/** The default configuration with one tcp listener on a free port. */
export async function startPlainReference(): Promise<{ port: number; stop(): Promise<void> }> {
  const b = await startBroker({ listeners: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }] } as never, {
    log: () => {},
  });
  return { port: b.listeners[0]!.port, stop: () => b.close() };
}
