// Child process for the broker benchmark: runs either the reference broker or aedes on a free
// port of 127.0.0.1 and reports the port over IPC. CPU is read by the parent from /proc.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrokerConfig, startBroker } from '../src/index.ts';

const kind = process.argv[2];
/** settings the parent adds (e.g. a short session expiry when the clients use persistent sessions) */
const extra = JSON.parse(process.argv[3] ?? '{}') as Partial<BrokerConfig>;
if (kind === 'reference' || kind === 'reference-acl') {
  // reference-acl: a subscribe deny rule, so every delivery to a wildcard subscription is checked
  const acl = kind === 'reference-acl' ? [{ user: '*', deny: 'subscribe' as const, topic: 'secret/#' }] : [];
  const b = await startBroker({ sysIntervalSeconds: 0, acl, ...extra });
  process.send?.({ port: b.listeners[0]!.port });
} else if (kind === 'reference-persist' || kind === 'reference-persist-full') {
  // the persistent store in a temporary directory, removed when the benchmark stops this process
  const dir = mkdtempSync(join(tmpdir(), 'crucible-bench-store-'));
  const sync = kind === 'reference-persist-full' ? 'full' : 'normal';
  const b = await startBroker(
    { sysIntervalSeconds: 0, persistence: { path: join(dir, 'store.db'), sync }, ...extra },
    { log: () => {} },
  );
  const done = () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void b.close().finally(done));
  process.on('disconnect', () => void b.close().finally(done));
  process.send?.({ port: b.listeners[0]!.port });
} else if (kind === 'aedes') {
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.send?.({ port: typeof a === 'object' && a ? a.port : 0 });
  });
} else {
  console.error(`unknown broker kind ${kind}`);
  process.exit(3);
}
if (!kind.startsWith('reference-persist')) process.on('disconnect', () => process.exit(0));
